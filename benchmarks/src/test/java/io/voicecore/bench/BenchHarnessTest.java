package io.voicecore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness alone, with a scenario that measures nothing real: no benchmark runs in the build. */
class BenchHarnessTest {

    /** Answers fixed numbers and records whether it was asked for a quick run. */
    static final class FixedScenario implements Scenario {
        boolean quick;

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public String description() {
            return "fixed numbers";
        }

        @Override
        public List<Measurement> run(BenchOptions options, PrintStream progress) {
            quick = options.quick();
            progress.println("running fixed");
            return List.of(new Measurement("fixed.rows_per_second", 12345.678, "rows/s", "a rate"),
                           new Measurement("fixed.peak_heap_mb", 64, "MiB", "a size"));
        }
    }

    @Test
    void optionsAreParsed() {
        BenchOptions options = BenchOptions.parse("--quick", "--root", "/tmp/repo", "crm-import", "other");
        assertTrue(options.quick());
        assertEquals(List.of("crm-import", "other"), options.scenarios());
        assertEquals(Path.of("/tmp/repo/benchmarks/results/latest.json"), options.output());
        assertEquals(Path.of("/tmp/x.json"), BenchOptions.parse("--out", "/tmp/x.json").output());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--fast"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--out"));
    }

    @Test
    void theMedianResistsOneDisturbedRun() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(11.0, Stats.median(List.of(10.0, 500.0, 11.0)));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(List.of()));
    }

    @Test
    void aRunPrintsTheTableAndWritesEveryMeasurementAsJson(@TempDir Path dir) throws Exception {
        FixedScenario scenario = new FixedScenario();
        Map<String, Supplier<Scenario>> scenarios = Map.of("fixed", () -> scenario);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path out = dir.resolve("results/latest.json");
        new BenchRunner(scenarios, new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(new BenchOptions(true, List.of(), dir, out));

        assertTrue(scenario.quick);
        String table = printed.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("running fixed"), table);
        List<String> rows = table.lines().filter(line -> line.startsWith("fixed.")).toList();
        assertEquals(List.of("fixed.rows_per_second  12,345.68  rows/s  a rate", "fixed.peak_heap_mb            64  MiB     a size"), rows);

        JsonNode json = new ObjectMapper().readTree(Files.readString(out));
        assertEquals(12345.678, json.get("fixed.rows_per_second").asDouble());
        assertEquals(64.0, json.get("fixed.peak_heap_mb").asDouble());
        assertEquals("rows/s", json.get("meta").get("units").get("fixed.rows_per_second").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), json.get("meta").get("machine").get("cpus").asInt());
        assertEquals("[\"fixed\"]", json.get("meta").get("scenarios").toString());
    }

    @Test
    void anUnknownScenarioIsNamedWithTheKnownOnes(@TempDir Path dir) {
        BenchRunner runner = new BenchRunner(Map.of("fixed", FixedScenario::new), new PrintStream(new ByteArrayOutputStream()));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> runner.run(new BenchOptions(false, List.of("nope"), dir, dir.resolve("out.json"))));
        assertEquals("no scenario 'nope'; scenarios: fixed", unknown.getMessage());
        assertTrue(Files.notExists(dir.resolve("out.json")), "nothing is written for a refused run");
    }

    @Test
    void theCrmScenarioIsRegisteredAndFindsTheBuiltJarOrSaysHowToBuildIt(@TempDir Path dir) throws IOException {
        assertTrue(BenchMain.scenarios().containsKey("crm-import"), BenchMain.scenarios().keySet().toString());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> CrmImportScenario.crmJar(dir));
        assertTrue(missing.getMessage().contains("./voicecore build"), missing.getMessage());
        Path target = Files.createDirectories(dir.resolve("core-plugins/crm/target"));
        Files.writeString(target.resolve("crm-plugin-0.1.0-SNAPSHOT.jar"), "");
        assertEquals(target.resolve("crm-plugin-0.1.0-SNAPSHOT.jar"), CrmImportScenario.crmJar(dir));
    }

    @Test
    void theLicensedRouteTimesGatesThatServeItsTokensAndRefusesToTimeOneThatDoesNot() {
        assertTrue(BenchMain.scenarios().containsKey("licensed-route"), BenchMain.scenarios().keySet().toString());
        LicensedRouteScenario.Licensing licensing = LicensedRouteScenario.Licensing.create();
        List<UUID> tenants = List.of(UUID.randomUUID(), UUID.randomUUID());
        List<Optional<String>> tokens = tenants.stream().map(id -> Optional.of(licensing.token(id))).toList();
        LicenceStanding standing = licensing.gate().standing(tenants.get(0), "hello", tokens.get(0));
        assertEquals(LicenceStanding.Kind.SERVING, standing.kind(), standing.detail());
        assertEquals("standard", standing.licence().orElseThrow().plan());

        assertTrue(LicensedRouteScenario.nanosPerStanding(licensing.gate(), tenants, tokens, 1_000) > 0);
        assertTrue(LicensedRouteScenario.nanosPerStanding(LicenceGate.OPEN, tenants, tokens, 1_000) > 0);
        assertTrue(LicensedRouteScenario.uncachedNanosPerStanding(tenants, 3) > 0);
        // Another tenant's token does not serve: a timed loop of refusals would measure the wrong path.
        List<Optional<String>> swapped = List.of(tokens.get(1), tokens.get(0));
        assertThrows(IllegalStateException.class, () -> LicensedRouteScenario.nanosPerStanding(licensing.gate(), tenants, swapped, 10));
    }

    @Test
    void thePurchasesScenarioMakesATenantForEveryPurchaseAndInstallItTimes() {
        assertTrue(BenchMain.scenarios().containsKey("purchases"), BenchMain.scenarios().keySet().toString());
        for (boolean quick : new boolean[] {true, false}) {
            PurchasesScenario.Size size = PurchasesScenario.Size.of(new BenchOptions(quick, List.of(), Path.of("."), Path.of("x.json")));
            int timed = size.repetitions() * (size.perPhase(1) + size.perPhase(PurchasesScenario.MANY));
            assertEquals(size.warmUp() + timed, size.tenants());
            assertTrue(size.warmUp() >= PurchasesScenario.MANY && size.perPhase(1) > 0, size.toString());
        }
    }

    @Test
    void theSoakRunsHalfAnHourInFullModeAndInAQuickRunOnlyWhenNamed() {
        assertTrue(BenchMain.scenarios().containsKey("soak"), BenchMain.scenarios().keySet().toString());
        SoakScenario.Plan full = SoakScenario.Plan.of(new BenchOptions(false, List.of(), Path.of("."), Path.of("x.json"))).orElseThrow();
        assertEquals(java.time.Duration.ofMinutes(30), full.run());
        assertEquals(30, full.samples());
        assertEquals(java.time.Duration.ofMinutes(1), full.upgradeEvery());
        assertEquals(Optional.empty(), SoakScenario.Plan.of(new BenchOptions(true, List.of(), Path.of("."), Path.of("x.json"))),
                     "a quick run of every scenario writes no soak key, as before the soak existed");
        SoakScenario.Plan named = SoakScenario.Plan.of(new BenchOptions(true, List.of("soak"), Path.of("."), Path.of("x.json"))).orElseThrow();
        assertTrue(named.run().toMinutes() <= 2 && named.samples() >= 4, named.toString());
    }

    @Test
    void theSoakSlopeIsTheLeastSquaresSlopePerHour() {
        List<SoakScenario.Sample> growing = List.of(sample(1, 10), sample(2, 11.5), sample(3, 11.5), sample(4, 13));
        assertEquals(54, SoakScenario.slopePerHour(growing, SoakScenario.Sample::heapMiB), 1e-9);
        List<SoakScenario.Sample> flat = List.of(sample(1, 20), sample(2, 21), sample(3, 20), sample(4, 21), sample(5, 20));
        assertEquals(0, SoakScenario.slopePerHour(flat, SoakScenario.Sample::heapMiB), 1e-9);
        assertEquals(0, SoakScenario.slopePerHour(List.of(sample(1, 5)), SoakScenario.Sample::heapMiB));
        assertTrue(SoakScenario.openFileDescriptors() > 0);
    }

    @Test
    void theSoakUpgradesAJarByItsManifestVersionAlone() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.jar.JarOutputStream(bytes)) {
            out.putNextEntry(new java.util.jar.JarEntry("plugin.yaml"));
            out.write("id: soak-herald\nname: soak-herald\nversion: 1.0.0\nmain: bench.Main\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new java.util.jar.JarEntry("bench/Main.class"));
            out.write(new byte[] {1, 2, 3});
            out.closeEntry();
        }
        byte[] upgraded = SoakScenario.withVersion(bytes.toByteArray(), "1.0.7");
        try (var in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(upgraded))) {
            assertEquals("plugin.yaml", in.getNextJarEntry().getName());
            assertEquals("id: soak-herald\nname: soak-herald\nversion: 1.0.7\nmain: bench.Main\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("bench/Main.class", in.getNextJarEntry().getName());
            assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), java.util.Arrays.asList(boxed(in.readAllBytes())));
        }
    }

    private static Byte[] boxed(byte[] bytes) {
        Byte[] boxed = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            boxed[i] = bytes[i];
        }
        return boxed;
    }

    private static SoakScenario.Sample sample(double minutes, double heapMiB) {
        return new SoakScenario.Sample(minutes, 100, 5, heapMiB, 200, 0);
    }

    @Test
    void aPublisherKeySignsAJarWithJarsignerAndExportsItsCertificate(@TempDir Path dir) throws Exception {
        PublisherKey key = PublisherKey.create(dir, "bench");
        assertTrue(key.pem().startsWith("-----BEGIN CERTIFICATE-----"), key.pem());
        Path jar = dir.resolve("plugin.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("plugin.yaml"));
            out.write("id: signed\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        key.sign(jar);
        try (var signed = new java.util.jar.JarFile(jar.toFile(), true)) {
            java.util.jar.JarEntry entry = signed.getJarEntry("plugin.yaml");
            signed.getInputStream(entry).readAllBytes();
            assertEquals(1, entry.getCodeSigners().length, "signed by the key");
            assertTrue(signed.getEntry("META-INF/BENCH.SF") != null, "signature files named after the alias");
        }
    }

    @Test
    void theGeneratedFileHasItsHeaderAndOneValidRowPerContact() throws IOException {
        String csv = new String(new GeneratedContacts(3).readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("""
                name,email,phone,company,tags,owner
                Contact 0,contact0@example.com,+34600000000,Company 0,customer;imported,user:0
                Contact 1,contact1@example.com,+34600000001,Company 1,customer;imported,user:1
                Contact 2,contact2@example.com,+34600000002,Company 2,customer;imported,user:2
                """, csv);
    }
}
