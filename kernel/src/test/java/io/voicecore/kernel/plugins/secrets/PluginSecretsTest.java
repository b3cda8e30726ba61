package io.voicecore.kernel.plugins.secrets;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.CapabilityFixture.Audited;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.LogCapture;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugin secrets: sealed per tenant, plugin and name, readable only by the plugin, surviving key rotation. */
class PluginSecretsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final PluginManifest CRM = manifest("crm", Set.of(Permission.SECRETS));

    static CapabilityFixture fixture;
    static AuditLog audit;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open();
        audit = new AuditLog(Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    private static PluginSecrets secrets(SecretBox box) {
        return secrets(fixture, box);
    }

    private static PluginSecrets secrets(CapabilityFixture database, SecretBox box) {
        return secrets(database, box, new InProcessSharedState());
    }

    /** A node's secrets; nodes on the same shared state invalidate each other's cache. */
    private static PluginSecrets secrets(CapabilityFixture database, SecretBox box, SharedState state) {
        return new PluginSecrets(database.database(), box, audit,
                                 new NearCache("plugin-secrets", state, Duration.ofSeconds(30), 1_000, Clock.systemUTC()), Clock.systemUTC());
    }

    @Test
    void roundTripsPerTenantAndAuditsChangesWithoutValues() throws SQLException {
        UUID tenant = fixture.tenant("secrets-round-trip");
        Secrets secrets = secrets(SecretBox.ofKey(randomKey())).forCall(call(tenant, CRM));
        assertEquals(Optional.empty(), secrets.get("openai.api-key"));
        secrets.put("openai.api-key", "sk-round-trip-value");
        assertEquals(Optional.of("sk-round-trip-value"), secrets.get("openai.api-key"));
        secrets.put("openai.api-key", "sk-replaced-value");
        assertEquals(Optional.of("sk-replaced-value"), secrets.get("openai.api-key"));
        String unicode = "pässwörd-🔑-" + "x".repeat(100);
        secrets.put("unicode", unicode);
        assertEquals(Optional.of(unicode), secrets.get("unicode"));

        try (Connection owner = fixture.ownerConnection(); var statement = owner.createStatement();
             var rows = statement.executeQuery("SELECT sealed FROM kernel.plugin_secrets WHERE tenant_id = '" + tenant + "'")) {
            while (rows.next()) {
                String stored = new String(rows.getBytes(1), StandardCharsets.ISO_8859_1);
                assertFalse(stored.contains("sk-replaced-value") || stored.contains("pässwörd"), "stored sealed, not in clear");
            }
        }
        assertTrue(secrets.delete("openai.api-key"));
        assertFalse(secrets.delete("openai.api-key"));
        assertEquals(Optional.empty(), secrets.get("openai.api-key"));

        List<Audited> records = fixture.audit(tenant);
        assertEquals(List.of("plugin.secret.put", "plugin.secret.put", "plugin.secret.put", "plugin.secret.delete"),
                     records.stream().map(Audited::action).toList(), "put and delete are audited, get is not");
        assertEquals("plugin:crm/secret:openai.api-key", records.getFirst().target());
        assertEquals("plugin:crm", records.getFirst().actor());
        for (Audited record : records) {
            assertFalse(record.raw().contains("sk-") || record.raw().contains("pässwörd"), record.raw());
        }
    }

    @Test
    void anotherTenantOrAnotherPluginCannotReadIt() throws SQLException {
        UUID tenantA = fixture.tenant("secrets-a");
        UUID tenantB = fixture.tenant("secrets-b");
        PluginSecrets store = secrets(SecretBox.ofKey(randomKey()));
        store.forCall(call(tenantA, CRM)).put("token", "tenant-a-token");
        Secrets asB = store.forCall(call(tenantB, CRM));
        assertEquals(Optional.empty(), asB.get("token"), "tenant B does not see tenant A's secret");
        assertFalse(asB.delete("token"), "nor delete it");
        asB.put("token", "tenant-b-token");
        assertEquals(Optional.of("tenant-b-token"), asB.get("token"));
        assertEquals(Optional.of("tenant-a-token"), store.forCall(call(tenantA, CRM)).get("token"));
        PluginManifest billing = manifest("billing", Set.of(Permission.SECRETS));
        assertEquals(Optional.empty(), store.forCall(call(tenantA, billing)).get("token"), "another plugin has its own secrets");

        // Row-level security holds for any SQL the application role runs, whatever its WHERE clause.
        try (Connection app = fixture.appConnection(); var statement = app.createStatement()) {
            app.setAutoCommit(false);
            try (var rows = statement.executeQuery("SELECT count(*) FROM kernel.plugin_secrets")) {
                rows.next();
                assertEquals(0, rows.getLong(1), "no tenant scope, no rows");
            }
            statement.execute("SELECT set_config('voicecore.scope', 'tenant', true), set_config('voicecore.tenant_id', '" + tenantB + "', true)");
            try (var rows = statement.executeQuery("SELECT DISTINCT tenant_id FROM kernel.plugin_secrets")) {
                List<String> visible = new ArrayList<>();
                while (rows.next()) {
                    visible.add(rows.getString(1));
                }
                assertEquals(List.of(tenantB.toString()), visible);
            }
            assertEquals(0, statement.executeUpdate("UPDATE kernel.plugin_secrets SET sealed = '\\x00' WHERE tenant_id = '" + tenantA + "'"));
            assertEquals(0, statement.executeUpdate("DELETE FROM kernel.plugin_secrets WHERE tenant_id = '" + tenantA + "'"));
            SQLException insert = assertThrows(SQLException.class, () -> statement.execute(
                    "INSERT INTO kernel.plugin_secrets (tenant_id, plugin_id, name, sealed, key_id) VALUES ('" + tenantA + "', 'crm', 'x', '\\x00', 1)"));
            assertTrue(insert.getMessage().contains("row-level security"), insert.getMessage());
            app.rollback();
        }
        assertEquals(Optional.of("tenant-a-token"), store.forCall(call(tenantA, CRM)).get("token"));
    }

    @Test
    void aSealedValueCopiedToAnotherRowDoesNotOpen() throws SQLException {
        UUID tenantA = fixture.tenant("secrets-copy-a");
        UUID tenantB = fixture.tenant("secrets-copy-b");
        PluginSecrets store = secrets(SecretBox.ofKey(randomKey()));
        store.forCall(call(tenantA, CRM)).put("token", "a-valuable-token");
        store.forCall(call(tenantA, CRM)).put("other", "harmless");
        store.forCall(call(tenantB, CRM)).put("token", "b-token");
        PluginManifest billing = manifest("billing", Set.of(Permission.SECRETS));
        store.forCall(call(tenantA, billing)).put("token", "billing-token");

        try (Connection owner = fixture.ownerConnection(); var statement = owner.createStatement()) {
            String aToken = "(SELECT sealed FROM kernel.plugin_secrets WHERE tenant_id = '" + tenantA + "' AND plugin_id = 'crm' AND name = 'token')";
            statement.executeUpdate("UPDATE kernel.plugin_secrets SET sealed = " + aToken + " WHERE tenant_id = '" + tenantB + "'");
            statement.executeUpdate("UPDATE kernel.plugin_secrets SET sealed = " + aToken + " WHERE tenant_id = '" + tenantA + "' AND name = 'other'");
            statement.executeUpdate("UPDATE kernel.plugin_secrets SET sealed = " + aToken + " WHERE tenant_id = '" + tenantA + "' AND plugin_id = 'billing'");
        }
        IllegalStateException otherTenant = assertThrows(IllegalStateException.class, () -> store.forCall(call(tenantB, CRM)).get("token"));
        assertTrue(otherTenant.getMessage().contains("cannot be opened"), otherTenant.getMessage());
        assertFalse(otherTenant.getMessage().contains("a-valuable-token"));
        assertThrows(IllegalStateException.class, () -> store.forCall(call(tenantA, CRM)).get("other"), "another name");
        assertThrows(IllegalStateException.class, () -> store.forCall(call(tenantA, billing)).get("token"), "another plugin");
        assertEquals(Optional.of("a-valuable-token"), store.forCall(call(tenantA, CRM)).get("token"), "the original still opens");
    }

    @Test
    void readsAreServedFromTheNodesCacheAndEveryChangeReachesEveryNode() throws Exception {
        UUID tenant = fixture.tenant("secrets-nodes");
        SecretBox box = SecretBox.ofKey(randomKey());
        try (SharedState state = new InProcessSharedState()) {
            Secrets nodeA = secrets(fixture, box, state).forCall(call(tenant, CRM));
            Secrets nodeB = secrets(fixture, box, state).forCall(call(tenant, CRM));
            assertEquals(Optional.empty(), nodeB.get("twilio.auth-token"), "its absence is cached on node B");

            nodeA.put("twilio.auth-token", "first-token");
            awaitOn(nodeB, "twilio.auth-token", Optional.of("first-token"));
            try (Connection owner = fixture.ownerConnection(); var statement = owner.createStatement()) {
                assertEquals(1, statement.executeUpdate("DELETE FROM kernel.plugin_secrets WHERE tenant_id = '" + tenant + "'"));
            }
            assertEquals(Optional.of("first-token"), nodeB.get("twilio.auth-token"), "served from the cache, not read again");

            nodeA.put("twilio.auth-token", "second-token");
            awaitOn(nodeB, "twilio.auth-token", Optional.of("second-token"));
            assertTrue(nodeA.delete("twilio.auth-token"));
            awaitOn(nodeB, "twilio.auth-token", Optional.empty());
        }
    }

    /** Waits for the other node's notification (delivered asynchronously on a real shared state). */
    private static void awaitOn(Secrets node, String name, Optional<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!node.get(name).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, node.get(name));
    }

    /** Re-encryption covers the whole platform, so these tests get a database of their own. */
    @Test
    void rotationKeepsSecretsReadableAndReencryptAllLetsTheOldKeyGo() throws SQLException {
        try (CapabilityFixture own = CapabilityFixture.open()) {
            UUID tenant = own.tenant("rotation");
            UUID other = own.tenant("rotation-other");
            byte[] key1 = randomKey();
            byte[] key2 = randomKey();
            while (sameId(key1, key2)) {
                key2 = randomKey();
            }
            PluginSecrets underKey1 = secrets(own, SecretBox.ofKey(key1));
            for (int i = 0; i < 5; i++) {
                underKey1.forCall(call(tenant, CRM)).put("secret-" + i, "value-" + i);
            }
            underKey1.forCall(call(other, CRM)).put("token", "other-tenant-value");

            SecretBox rotatedBox = SecretBox.ofKeys(key2, List.of(key1));
            PluginSecrets rotated = secrets(own, rotatedBox);
            assertEquals(Optional.of("value-3"), rotated.forCall(call(tenant, CRM)).get("secret-3"), "readable with key1 as previous");
            rotated.forCall(call(tenant, CRM)).put("fresh", "sealed-under-key2");

            PluginSecrets.Reencryption result = rotated.reencryptAll();
            assertEquals(6, result.resealed(), "five of one tenant and one of the other; 'fresh' already was under key2");
            assertEquals(List.of(), result.unreadable());
            assertEquals(rotatedBox.currentKeyId(), result.keyId());
            assertEquals(List.of(rotatedBox.currentKeyId()), storedKeyIds(own));
            assertEquals(0, rotated.reencryptAll().resealed(), "nothing left to re-seal");

            PluginSecrets key2Only = secrets(own, SecretBox.ofKey(key2));
            for (int i = 0; i < 5; i++) {
                assertEquals(Optional.of("value-" + i), key2Only.forCall(call(tenant, CRM)).get("secret-" + i), "readable after dropping key1");
            }
            assertEquals(Optional.of("other-tenant-value"), key2Only.forCall(call(other, CRM)).get("token"));
            assertEquals(Optional.of("sealed-under-key2"), key2Only.forCall(call(tenant, CRM)).get("fresh"));
            assertThrows(IllegalStateException.class, () -> underKey1.forCall(call(tenant, CRM)).get("secret-0"),
                         "key1 alone no longer opens them");

            List<String> audited = own.database().inPlatform(tx -> Database.list(tx, row -> Database.text(row, "details"),
                    "SELECT details FROM kernel.audit_log WHERE action = 'plugin.secret.reencrypt' AND tenant_id IS NULL ORDER BY seq"));
            assertEquals(2, audited.size(), "one platform audit record per run");
            assertTrue(audited.getFirst().contains("\"resealed\":6"), audited.getFirst());
        }
    }

    @Test
    void reencryptAllReportsValuesThatDoNotOpenAndKeepsGoing() throws SQLException {
        try (CapabilityFixture own = CapabilityFixture.open()) {
            UUID tenant = own.tenant("unreadable");
            byte[] key1 = randomKey();
            byte[] key2 = randomKey();
            while (sameId(key1, key2)) {
                key2 = randomKey();
            }
            PluginSecrets store = secrets(own, SecretBox.ofKey(key1));
            store.forCall(call(tenant, CRM)).put("good", "fine");
            store.forCall(call(tenant, CRM)).put("broken", "to be damaged");
            try (Connection owner = own.ownerConnection(); var statement = owner.createStatement()) {
                // Flip every bit of one byte, so the value is certainly damaged (overwriting could leave it as it was).
                statement.executeUpdate("UPDATE kernel.plugin_secrets SET sealed = set_byte(sealed, 19, get_byte(sealed, 19) # 255) "
                                        + "WHERE tenant_id = '" + tenant + "' AND name = 'broken'");
            }
            PluginSecrets.Reencryption result = secrets(own, SecretBox.ofKeys(key2, List.of(key1))).reencryptAll();
            assertEquals(List.of(tenant + "/crm/broken"), result.unreadable());
            assertEquals(1, result.resealed());
            assertEquals(Optional.of("fine"), secrets(own, SecretBox.ofKey(key2)).forCall(call(tenant, CRM)).get("good"));
        }
    }

    @Test
    void everyOperationNeedsTheSecretsPermission() {
        UUID tenant = fixture.tenant("secrets-permission");
        PluginSecrets store = secrets(SecretBox.ofKey(randomKey()));
        store.forCall(call(tenant, CRM)).put("token", "kept");
        Secrets ungranted = store.forCall(call(tenant, CRM, Set.of()));
        assertEquals(Permission.SECRETS, assertThrows(PermissionDeniedException.class, () -> ungranted.get("token")).permission());
        assertThrows(PermissionDeniedException.class, () -> ungranted.put("token", "overwritten"));
        assertThrows(PermissionDeniedException.class, () -> ungranted.delete("token"));
        Secrets undeclared = store.forCall(call(tenant, manifest("crm", Set.of(Permission.STORAGE)), Set.of(Permission.SECRETS)));
        assertThrows(PermissionDeniedException.class, () -> undeclared.get("token"));
        assertEquals(Optional.of("kept"), store.forCall(call(tenant, CRM)).get("token"));
    }

    @Test
    void namesAndValuesAreValidatedWithoutRepeatingTheValue() {
        UUID tenant = fixture.tenant("secrets-validation");
        Secrets secrets = secrets(SecretBox.ofKey(randomKey())).forCall(call(tenant, CRM));
        for (String name : List.of("", "Upper", ".leading", "-leading", "with space", "slash/name", "a".repeat(101), "naïve")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> secrets.put(name, "v"), name);
            assertTrue(refused.getMessage().contains("not valid"), refused.getMessage());
        }
        secrets.put("a".repeat(100), "longest name");
        secrets.put("0.x_y-z", "digits first");
        String tooLong = "s3cr3t-" + "x".repeat(PluginSecrets.MAX_VALUE_BYTES);
        IllegalArgumentException large = assertThrows(IllegalArgumentException.class, () -> secrets.put("big", tooLong));
        assertFalse(large.getMessage().contains("s3cr3t"), "the value is never repeated");
        assertThrows(IllegalArgumentException.class, () -> secrets.put("empty", ""));
        String largest = "y".repeat(PluginSecrets.MAX_VALUE_BYTES);
        secrets.put("largest", largest);
        assertEquals(Optional.of(largest), secrets.get("largest"));
    }

    @Test
    void noSecretValueReachesAnyLogLine() {
        LogCapture capture = LogCapture.everything();
        List<String> values = List.of("log-probe-value-1", "log-probe-value-2", "log-probe-rotated-3");
        try {
            UUID tenant = fixture.tenant("secrets-logs");
            byte[] key1 = randomKey();
            byte[] key2 = randomKey();
            while (sameId(key1, key2)) {
                key2 = randomKey();
            }
            PluginSecrets store = secrets(SecretBox.ofKey(key1));
            Secrets secrets = store.forCall(call(tenant, CRM));
            secrets.put("one", values.get(0));
            secrets.put("two", values.get(1));
            assertThrows(IllegalArgumentException.class, () -> secrets.put("Bad Name", values.get(0)));
            assertThrows(IllegalArgumentException.class, () -> secrets.put("huge", values.get(1) + "z".repeat(PluginSecrets.MAX_VALUE_BYTES)));
            secrets.get("one");
            PluginSecrets rotated = secrets(SecretBox.ofKeys(key2, List.of(key1)));
            rotated.forCall(call(tenant, CRM)).put("three", values.get(2));
            rotated.reencryptAll();
            rotated.forCall(call(tenant, CRM)).get("two");
            secrets.delete("one");
        } finally {
            capture.close();
        }
        List<String> lines = capture.lines();
        assertTrue(lines.stream().anyMatch(line -> line.contains("Re-sealed")), "the capture sees the kernel's log, or it proves nothing");
        for (String value : values) {
            for (String line : lines) {
                assertFalse(line.contains(value), "a secret value appears in the log line: " + line);
            }
        }
    }

    /** Keeps every record, rendered as a console handler would, with stack traces. */

    private static List<Integer> storedKeyIds(CapabilityFixture database) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection owner = database.ownerConnection(); var statement = owner.createStatement();
             var rows = statement.executeQuery("SELECT DISTINCT key_id FROM kernel.plugin_secrets ORDER BY 1")) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }

    private static boolean sameId(byte[] key1, byte[] key2) {
        try {
            SecretBox.ofKeys(key2, List.of(key1));
            return false;
        } catch (ConfigException clash) {
            return true;
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
