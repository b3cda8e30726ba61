package io.voicecore.sandbox.tooling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./voicecore plugin} as a developer runs it: each command a real process, the new project built by a real
 * {@code mvn verify} (once for the class), the jar signed by the JDK's jarsigner and submitted over HTTP to a real
 * kernel with the marketplace.
 */
class PluginToolTest {
    /** The checkout: tests run in the module's folder. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** The local Maven repository of this build, so the inner build finds what this one resolved (see the module's pom). */
    static final String REPOSITORY = System.getProperty("maven.repo.local", Path.of(System.getProperty("user.home"), ".m2", "repository").toString());

    static Path work;
    static Path project;
    static Path builtJar;
    static Run created;
    static Path keystore;

    record Run(int exitStatus, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void newProjectBuiltWithMaven() throws Exception {
        work = Files.createTempDirectory("plugin-tool");
        created = tool(work, "new", "demo", "--dir", work.resolve("projects").toString());
        assertEquals(0, created.exitStatus(), created.all());
        project = work.resolve("projects/demo");
        assertTrue(created.out().contains("Declared the JDK " + System.getProperty("java.home")), created.out());
        assertTrue(JdkToolchains.declaresRecentJdk(Files.readString(toolchains())), Files.readString(toolchains()));
        // Maven runs on the oldest JDK of the machine (a Debian machine's default is 17), as a developer's mvn may:
        // the project still compiles and tests on a JDK 21+, through the toolchain 'plugin new' declared.
        List<String> mvn = List.of(Processes.executable("mvn", "mvn is not on the PATH"), "-q", "-B", "-o",
                                   "-t", toolchains().toString(), "verify");
        Run built = run(mvn, project, oldestJdk());
        assertEquals(0, built.exitStatus(), "mvn verify of the new project failed:\n" + built.all());
        builtJar = project.resolve("target/demo-1.0.0.jar");
        keystore = work.resolve("keys/publisher.p12");
        Files.createDirectories(keystore.getParent());
    }

    @AfterAll
    static void stopKernelAndCleanUp() throws IOException {
        if (kernel != null) {
            kernel.close();
        }
        if (work != null) {
            try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Test
    void theNewProjectIsStandaloneAndItsTestsRanTheRouteAndTheEvent() throws IOException {
        String pom = Files.readString(project.resolve("pom.xml"));
        assertFalse(pom.contains("<parent>"), pom);
        assertFalse(pom.contains(ROOT.toString()), "no path back into the checkout");
        assertTrue(pom.contains("<artifactId>voicecore-plugin-testkit</artifactId>"), pom);
        for (String file : List.of("README.md", ".gitignore", "src/main/resources/plugin.yaml", "src/main/resources/db/migration/V1__notes.sql",
                                   "src/main/java/com/example/demo/DemoPlugin.java", "src/test/java/com/example/demo/DemoPluginTest.java")) {
            assertTrue(Files.isRegularFile(project.resolve(file)), file);
        }
        String report = Files.readString(project.resolve("target/surefire-reports/com.example.demo.DemoPluginTest.txt"));
        assertTrue(report.contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0"), report);
        assertTrue(Files.isRegularFile(builtJar), "mvn verify wrote " + builtJar);
    }

    @Test
    void theNewProjectPinsTheJUnitThisBuildTestsWith() throws IOException {
        // junit.version in the parent pom restates the Helidon BOM's; this build's tests run on the BOM's.
        String pinned = org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion();
        String pom = Files.readString(project.resolve("pom.xml"));
        assertTrue(pom.contains("<artifactId>junit-jupiter</artifactId>\n            <version>" + pinned + "</version>"),
                   "junit-jupiter " + pinned + " in " + pom);
    }

    @Test
    void newRefusesABadNameAndATakenFolder() {
        Run bad = tool(work, "new", "Demo_Plugin", "--dir", work.toString());
        assertEquals(2, bad.exitStatus(), bad.all());
        assertTrue(bad.err().contains("'Demo_Plugin' is not a plugin id"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), "one line: " + bad.err());

        Run taken = tool(work, "new", "demo", "--dir", work.resolve("projects").toString());
        assertEquals(2, taken.exitStatus(), taken.all());
        assertTrue(taken.err().contains("already exists and is not empty"), taken.err());
    }

    @Test
    void withoutOrWithAWrongCommandItPrintsTheUsage() {
        Run none = tool(work);
        assertEquals(2, none.exitStatus());
        assertTrue(none.err().contains("usage: ./voicecore plugin"), none.err());
        Run wrong = tool(work, "publish", "x.jar");
        assertEquals(2, wrong.exitStatus());
        assertTrue(wrong.err().contains("unknown command 'publish'") && wrong.err().contains("usage:"), wrong.err());
        Run missing = tool(work, "verify", work.resolve("nothing.jar").toString());
        assertEquals(2, missing.exitStatus());
        assertTrue(missing.err().contains("no file"), missing.err());
        assertFalse(missing.all().contains("Exception"), missing.all());
    }

    @Test
    void aScriptPluginIsTriedInTheScriptSandboxAndOneThatDoesNotCompileIsRejected() {
        Path script = TestPlugins.script("scripted-notes", "1.0.0", List.of(), List.of("GET /hello"), "",
                                         "function route(request, ctx) { return {hello: 'world'}; }").build();
        Run verified = tool(work, "verify", script.toString());
        assertEquals(0, verified.exitStatus(), verified.all());
        assertTrue(verified.out().lines().anyMatch(line -> line.startsWith("  smoke-install") && line.contains(" passed ")),
                   verified.out());

        Path broken = TestPlugins.script("scripted-broken", "1.0.0", List.of(), List.of("GET /hello"), "",
                                         "function route(request, ctx) { return {hello: ; }").build();
        Run refused = tool(work, "verify", broken.toString());
        assertEquals(1, refused.exitStatus(), refused.all());
        assertTrue(refused.out().lines().anyMatch(line -> line.startsWith("  smoke-install") && line.contains(" failed ")),
                   refused.out());
    }

    @Test
    void theBuiltJarPassesVerifyUnsignedWithANote() {
        Run verified = tool(work, "verify", builtJar.toString());
        assertEquals(0, verified.exitStatus(), verified.all());
        assertTrue(verified.out().contains("signature      passed   not signed yet — run plugin sign before plugin submit"), verified.out());
        for (String section : List.of("manifest", "verifier", "compatibility", "limits", "smoke-install")) {
            assertTrue(verified.out().lines().anyMatch(line -> line.startsWith("  " + section) && line.contains(" passed ")),
                       section + " passed: " + verified.out());
        }
        Run json = tool(work, "verify", builtJar.toString(), "--json");
        assertEquals(0, json.exitStatus(), json.all());
        assertTrue(json.out().contains("\"outcome\" : \"needs-review\""), json.out());
    }

    @Test
    void aJarWithAForbiddenCallFailsVerifyNamingClassMethodAndApi() throws IOException {
        Path jar = PluginJar.named("quitter-1.0.0").manifest("""
                id: quitter
                name: Quitter
                version: 1.0.0
                vendor: Tests
                description: Stops the JVM.
                main: com.example.quitter.QuitterPlugin
                kernel: ">=0.1.0 <1.0.0"
                routes:
                  - GET /quit
                """).source("com.example.quitter.QuitterPlugin", """
                package com.example.quitter;
                import io.voicecore.sdk.*;
                public class QuitterPlugin implements Plugin {
                    @Override
                    public void setup(PluginSetup setup) {
                        setup.route(HttpMethod.GET, "/quit", (request, context) -> Response.ok(io.voicecore.sdk.json.Json.object().build()));
                    }
                    static void quit() {
                        System.exit(3);
                    }
                }
                """).build();
        Run verified = tool(work, "verify", jar.toString());
        assertEquals(1, verified.exitStatus(), verified.all());
        assertTrue(verified.out().lines().anyMatch(line -> line.startsWith("  verifier") && line.contains(" failed ")), verified.out());
        assertTrue(verified.out().contains("class com.example.quitter.QuitterPlugin, method quit"), verified.out());
        assertTrue(verified.out().contains("System") && verified.out().contains("exit"), verified.out());
    }

    @Test
    void aSignedJarVerifiesAndATamperedOneIsAFinding() throws IOException {
        Path signed = signedCopy("signed");
        Run verified = tool(work, "verify", signed.toString());
        assertEquals(0, verified.exitStatus(), verified.all());
        assertTrue(verified.out().contains("signature      passed   signature ok: signed by"), verified.out());

        Path tampered = work.resolve("tampered.jar");
        rewrite(signed, tampered, "plugin.yaml", text -> text.replace("Keeps notes per tenant", "Keeps secrets per tenant"));
        Run refused = tool(work, "verify", tampered.toString());
        assertEquals(1, refused.exitStatus(), refused.all());
        assertTrue(refused.out().lines().anyMatch(line -> line.startsWith("  signature") && line.contains(" failed ")
                                                          && line.contains("TAMPERED")), refused.out());
    }

    @Test
    void submitUploadsToTheMarketplaceAndPrintsTheReview() throws IOException {
        TestKernel kernel = kernel();
        HttpResult signedUp = kernel.post("/api/v1/marketplace/publishers", null,
                                          Map.of("name", "Tool Plugins", "slug", "tool-plugins", "email", "dev@tool.test"));
        assertEquals(201, signedUp.status(), signedUp.body());
        String apiKey = signedUp.json().get("apiKey").asText();
        Path signed = signedCopy("submitted");
        String pem = Files.readString(JdkSigning.pemNextTo(keystore));
        HttpResult registered = kernel.send("/api/v1/marketplace/publishers/tool-plugins/signing-keys", "POST", apiKey,
                                            "application/x-pem-file", pem);
        assertEquals(201, registered.status(), registered.body());
        String marketplace = "http://127.0.0.1:" + kernel.port();

        Run unsigned = tool(work, "submit", builtJar.toString(), "--marketplace", marketplace, "--key", apiKey);
        assertEquals(1, unsigned.exitStatus(), unsigned.all());
        assertTrue(unsigned.err().contains("422 signature-refused (unsigned)"), unsigned.err());
        assertEquals(1, unsigned.err().strip().lines().count(), "one line: " + unsigned.err());

        Run submitted = tool(work, "submit", signed.toString(), "--marketplace", marketplace, "--publisher", "tool-plugins", "--key", apiKey);
        assertEquals(0, submitted.exitStatus(), submitted.all());
        assertTrue(submitted.out().matches("(?s)Submitted .* as submission [0-9a-f-]{36} \\(state automated-review\\)\\..*"), submitted.out());
        assertTrue(submitted.out().contains(": state in-review"), submitted.out());
        assertTrue(submitted.out().contains("signature      passed   signed by the registered key"), submitted.out());

        Run again = tool(work, "submit", signed.toString(), "--marketplace", marketplace, "--key", apiKey);
        assertEquals(1, again.exitStatus(), again.all());
        assertTrue(again.err().contains("409 version-exists"), again.err());
    }

    // --- fixtures -------------------------------------------------------------------------------------------------

    private static TestKernel kernel;

    static synchronized TestKernel kernel() {
        if (kernel == null) {
            kernel = TestKernel.builder().extensions(List.of(new MarketplaceExtension(MarketplaceSettings.defaults()))).start();
        }
        return kernel;
    }

    /** The publisher key, made once with 'plugin keygen'. */
    static synchronized void ensureKey() {
        if (Files.exists(keystore)) {
            return;
        }
        Run made = tool(work, "keygen", "--keystore", keystore.toString(), "--alias", "publisher", "--storepass", "changeit",
                        "--dname", "CN=Tool Tests");
        assertEquals(0, made.exitStatus(), made.all());
        assertTrue(made.out().contains("-----BEGIN CERTIFICATE-----"), made.out());
        assertTrue(Files.isRegularFile(JdkSigning.pemNextTo(keystore)));
    }

    /** A copy of the built jar signed with 'plugin sign'. */
    static Path signedCopy(String name) throws IOException {
        ensureKey();
        Path copy = work.resolve(name + ".jar");
        Files.copy(builtJar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run signed = tool(work, "sign", copy.toString(), "--keystore", keystore.toString(), "--alias", "publisher", "--storepass", "changeit");
        assertEquals(0, signed.exitStatus(), signed.all());
        assertTrue(signed.out().contains("(ED25519)"), signed.out());
        return copy;
    }

    /** Copies a jar entry by entry, changing one text entry and keeping the signature files as they are. */
    static void rewrite(Path from, Path to, String entryName, java.util.function.UnaryOperator<String> change) throws IOException {
        try (JarFile source = new JarFile(from.toFile(), false); JarOutputStream target = new JarOutputStream(Files.newOutputStream(to))) {
            Enumeration<JarEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream in = source.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (entry.getName().equals(entryName)) {
                    String changed = change.apply(new String(bytes, StandardCharsets.UTF_8));
                    assertFalse(changed.equals(new String(bytes, StandardCharsets.UTF_8)), "the change changes " + entryName);
                    bytes = changed.getBytes(StandardCharsets.UTF_8);
                }
                target.putNextEntry(new JarEntry(entry.getName()));
                target.write(bytes);
                target.closeEntry();
            }
        }
    }

    /** Runs './voicecore plugin ARGS' as the launcher does, with this build's local Maven repository. */
    static Path toolchains() {
        return work.resolve("toolchains.xml");
    }

    /** The JDK of the lowest version under /usr/lib/jvm, or this one when there is none. */
    static Path oldestJdk() throws IOException {
        Path oldest = Path.of(System.getProperty("java.home"));
        int oldestVersion = Runtime.version().feature();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (java.util.stream.Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.filter(h -> Files.isRegularFile(h.resolve("release")) && Files.isExecutable(h.resolve("bin/javac"))).toList()) {
                    java.util.regex.Matcher version = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)")
                            .matcher(Files.readString(home.resolve("release")));
                    if (version.find() && Integer.parseInt(version.group(1)) < oldestVersion) {
                        oldest = home;
                        oldestVersion = Integer.parseInt(version.group(1));
                    }
                }
            }
        }
        return oldest;
    }

    static Run tool(Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                                       "-Dvoicecore.toolchains=" + toolchains(), "-cp", System.getProperty("java.class.path"), PluginTool.class.getName(),
                                                       "--root", ROOT.toString()));
        command.addAll(List.of(args));
        return run(command, workDir);
    }

    static Run run(List<String> command, Path workDir) {
        return run(command, workDir, Path.of(System.getProperty("java.home")));
    }

    static Run run(List<String> command, Path workDir, Path javaHome) {
        try {
            Path out = Files.createTempFile(work == null ? Path.of(System.getProperty("java.io.tmpdir")) : work, "out", ".txt");
            Path err = Files.createTempFile(out.getParent(), "err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(devNull()));
            builder.environment().put("MAVEN_OPTS", "-Dmaven.repo.local=" + REPOSITORY);
            builder.environment().put("JAVA_HOME", javaHome.toString());
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not end within 5 minutes");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
