package io.voicecore.kernel.plugins.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.sandbox.PluginRefusedOperation;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/**
 * At start-up an installed jar is loaded without verifying its bytecode again only when the kernel's sealed record
 * vouches for these very bytes under the current verifier; the stored sha256 is always checked against the bytes.
 * The tampering below is what someone with write access to the database (but not the master key) could do.
 */
class InstalledPluginVerificationTest {
    private static final String ID = "sealed";
    private static final String VERSION = "1.0.0";
    private static final VerificationSeals SEALS = new VerificationSeals(SecretBox.ofKey(Base64.getDecoder().decode(TestKernel.MASTER_KEY)));
    private static final String CURRENT_RULES = new PluginVerifier(new ManifestParser()).fingerprint(Set.of());

    /** The installed plugin: answers which build it is. */
    private static PluginJar good(String build) {
        return TestPlugins.plugin(ID, VERSION, List.of(), List.of("GET /build"), "",
                "setup.route(HttpMethod.GET, \"/build\", (request, context) -> Response.ok(Json.object().put(\"build\", \""
                + build + "\").build()));", "");
    }

    /** The same id and version, but its route reads the kernel's environment: the verifier refuses it. */
    private static PluginJar refused() {
        return TestPlugins.plugin(ID, VERSION, List.of(), List.of("GET /build"), "",
                "setup.route(HttpMethod.GET, \"/build\", (request, context) -> Response.ok(Json.object().put(\"build\", "
                + "String.valueOf(System.getenv(\"HOME\"))).build()));", "");
    }

    private record Installed(String database, String tenant) {
    }

    /** A kernel with the good plugin installed and enabled for a tenant, stopped again. */
    private static Installed installed() {
        try (TestKernel kernel = TestKernel.start()) {
            HttpResult install = TestPlugins.install(kernel, good("original").build());
            assertEquals(201, install.status(), install.body());
            kernel.createTenant("sealing");
            assertEquals(200, TestPlugins.enable(kernel, "sealing", ID, List.of()).status());
            assertEquals("original", kernel.get("/api/v1/tenants/sealing/" + ID + "/build", kernel.adminToken()).json().get("build").asText());
            return new Installed(kernel.jdbcUrl(), "sealing");
        }
    }

    /** Restarts over the database and answers the plugin's route (404 plugin-not-enabled when it did not load). */
    private static HttpResult restartAndCall(Installed installed) {
        try (TestKernel again = TestKernel.builder().database(installed.database()).start()) {
            return again.get("/api/v1/tenants/" + installed.tenant() + "/" + ID + "/build", again.adminToken());
        }
    }

    private static void replaceStored(Installed installed, byte[] jar, String sha256, Optional<byte[]> seal) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(installed.database(), "postgres", "");
             PreparedStatement update = c.prepareStatement(
                     "UPDATE kernel.plugin_versions SET jar = ?, jar_sha256 = ?, verification = coalesce(?, verification) "
                     + "WHERE plugin_id = ? AND version = ?")) {
            update.setBytes(1, jar);
            update.setString(2, sha256);
            update.setBytes(3, seal.orElse(null));
            update.setString(4, ID);
            update.setString(5, VERSION);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static Stored stored(Installed installed) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(installed.database(), "postgres", "");
             PreparedStatement query = c.prepareStatement(
                     "SELECT jar_sha256, verification FROM kernel.plugin_versions WHERE plugin_id = ? AND version = ?")) {
            query.setString(1, ID);
            query.setString(2, VERSION);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                return new Stored(row.getString(1), Optional.ofNullable(row.getBytes(2)));
            }
        }
    }

    private record Stored(String sha256, Optional<byte[]> seal) {
    }

    private static byte[] bytes(PluginJar jar) throws Exception {
        return Files.readAllBytes(jar.build());
    }

    @Test
    void installingSealsTheVerifiedBytesAndARestartLoadsThemOnTheSealsWord() throws Exception {
        Installed installed = installed();
        Stored stored = stored(installed);
        assertTrue(SEALS.vouches(stored.seal(), ID, VERSION, stored.sha256(), CURRENT_RULES), "the install sealed its verification");
        assertFalse(SEALS.vouches(stored.seal(), ID, "1.0.1", stored.sha256(), CURRENT_RULES), "the seal names its version");
        assertFalse(SEALS.vouches(stored.seal(), ID, VERSION, stored.sha256(), "other rules"), "the seal names the rules");

        // Bytes the verifier refuses, with a seal of this kernel's master key for them under the current rules: the
        // restart takes the seal's word and loads them without verifying them again (which is why only the master key
        // can seal). The run-time guard, a layer of its own, still refuses the call its route makes.
        byte[] jar = bytes(refused());
        String sha = Sha256.hex(jar);
        replaceStored(installed, jar, sha, Optional.of(SEALS.seal(ID, VERSION, sha, CURRENT_RULES)));
        HttpResult call = restartAndCall(installed);
        assertEquals(500, call.status(), "loaded, and its route refused at run time: " + call.body());
        assertEquals("urn:voicecore:problem:plugin-failure", call.json().get("type").asText(), call.body());
        assertTrue(call.json().get("detail").asText().contains("PluginRefusedOperation"), call.body());
    }

    @Test
    void aSealMadeUnderOtherVerifierRulesMeansVerifyingAgain() throws Exception {
        Installed installed = installed();
        byte[] jar = bytes(refused());
        String sha = Sha256.hex(jar);
        replaceStored(installed, jar, sha, Optional.of(SEALS.seal(ID, VERSION, sha, "the fingerprint of an older verifier")));
        HttpResult call = restartAndCall(installed);
        assertEquals(404, call.status(), "verified again and refused: " + call.body());
        assertEquals("urn:voicecore:problem:plugin-not-enabled", call.json().get("type").asText(), call.body());
    }

    @Test
    void aGoodJarVerifiedAgainUnderNewRulesGetsANewSeal() throws Exception {
        Installed installed = installed();
        Stored before = stored(installed);
        replaceStored(installed, storedJar(installed), before.sha256(),
                      Optional.of(SEALS.seal(ID, VERSION, before.sha256(), "the fingerprint of an older verifier")));
        assertFalse(SEALS.vouches(stored(installed).seal(), ID, VERSION, before.sha256(), CURRENT_RULES));
        HttpResult call = restartAndCall(installed);
        assertEquals(200, call.status(), call.body());
        assertEquals("original", call.json().get("build").asText());
        assertTrue(SEALS.vouches(stored(installed).seal(), ID, VERSION, before.sha256(), CURRENT_RULES),
                   "the restart verified the jar under the current rules and sealed that");
    }

    @Test
    void otherBytesWithoutAFittingSealAreVerifiedAgainAndRefused() throws Exception {
        Installed installed = installed();
        byte[] jar = bytes(refused());
        // The sha256 is made to match the new bytes, but the seal is still the one of the original jar.
        replaceStored(installed, jar, Sha256.hex(jar), Optional.empty());
        HttpResult call = restartAndCall(installed);
        assertEquals(404, call.status(), call.body());
    }

    @Test
    void storedBytesThatNoLongerMatchTheirSha256AreNotLoaded() throws Exception {
        Installed installed = installed();
        Stored before = stored(installed);
        // Other bytes that would pass verification, under the original sha256 and its valid seal.
        replaceStored(installed, bytes(good("swapped")), before.sha256(), Optional.empty());
        HttpResult call = restartAndCall(installed);
        assertEquals(404, call.status(), "the altered jar must not load: " + call.body());
    }

    @Test
    void reinspectionSkipsVerificationOnlyWhenTheFingerprintIsVouchedFor() throws Exception {
        ManifestParser manifests = new ManifestParser();
        JarPluginInspector inspector = new JarPluginInspector(manifests, new PluginVerifier(manifests));
        byte[] jar = bytes(refused());
        String yaml = TestPlugins.manifest(ID, VERSION, List.of(), List.of("GET /build"), "");
        io.voicecore.kernel.plugins.PluginManifest manifest = inspector.parseInstalled(yaml);

        PluginInspector.Inspected trusted = inspector.reinspect(jar, manifest, yaml, Set.of(), CURRENT_RULES::equals);
        assertFalse(trusted.verifiedNow());
        assertEquals(CURRENT_RULES, trusted.verifiedWith());
        PluginRejectedException refusal = org.junit.jupiter.api.Assertions.assertThrows(PluginRejectedException.class,
                () -> inspector.reinspect(jar, manifest, yaml, Set.of(), "other rules"::equals));
        assertEquals("verification", refusal.kind());
        PluginInspector.Inspected verified = inspector.reinspect(bytes(good("x")), manifest, yaml, Set.of(), fingerprint -> false);
        assertTrue(verified.verifiedNow());
        PluginRejectedException otherManifest = org.junit.jupiter.api.Assertions.assertThrows(PluginRejectedException.class,
                () -> inspector.reinspect(jar, manifest, yaml + "\n# changed\n", Set.of(), CURRENT_RULES::equals));
        assertEquals("manifest", otherManifest.kind());
    }

    private static byte[] storedJar(Installed installed) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(installed.database(), "postgres", "");
             PreparedStatement query = c.prepareStatement("SELECT jar FROM kernel.plugin_versions WHERE plugin_id = ?")) {
            query.setString(1, ID);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                return row.getBytes(1);
            }
        }
    }
}
