package io.voicecore.kernel.audit;

import static io.voicecore.kernel.audit.AuditFixture.createKey;
import static io.voicecore.kernel.audit.AuditFixture.listAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chain verification finds what an attacker with direct database access did (edited, deleted or
 * truncated records), leaves untouched chains valid, and the application's own role cannot do it at all.
 */
class AuditChainTest {
    /** Records per tampered tenant: tenant.create and five keys. */
    static final int RECORDS = 6;
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = AuditFixture.startKernel();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void editedRecordIsReportedAsModifiedAtItsSeq() throws SQLException {
        String tenant = tenantWithRecords("edited");
        String untouched = tenantWithRecords("untouched");
        tamper("UPDATE kernel.audit_log SET actor = 'someone-else' WHERE chain = ? AND seq = 3", tenant);

        JsonNode report = verifyTenant("edited");
        assertFalse(report.get("valid").asBoolean(), report.toString());
        JsonNode chain = report.get("chains").get(0);
        assertEquals(tenant, chain.get("chain").asText());
        assertEquals(RECORDS, chain.get("records").asLong());
        JsonNode broken = chain.get("firstBrokenLink");
        assertEquals(3, broken.get("seq").asLong());
        assertEquals(recordId(tenant, 3), broken.get("id").asText());
        assertEquals("record 3 was modified: its hash does not match its content", broken.get("reason").asText());

        assertTrue(verifyTenant("untouched").get("valid").asBoolean());
        JsonNode all = kernel.get("/api/v1/audit/verify", kernel.adminToken()).json();
        assertFalse(all.get("valid").asBoolean());
        assertTrue(chainReport(all, untouched).get("valid").asBoolean());
        assertFalse(chainReport(all, tenant).get("valid").asBoolean());
        assertEquals(3, chainReport(all, tenant).get("firstBrokenLink").get("seq").asLong());
    }

    @Test
    void deletedMiddleRecordIsReportedAsAGap() throws SQLException {
        String tenant = tenantWithRecords("gap");
        tamper("DELETE FROM kernel.audit_log WHERE chain = ? AND seq = 4", tenant);

        JsonNode report = verifyTenant("gap");
        assertFalse(report.get("valid").asBoolean(), report.toString());
        JsonNode chain = report.get("chains").get(0);
        assertEquals(RECORDS - 1, chain.get("records").asLong());
        JsonNode broken = chain.get("firstBrokenLink");
        assertEquals(4, broken.get("seq").asLong());
        assertTrue(broken.get("id").isNull(), "the missing record has no id to show");
        assertEquals("record 4 is missing (sequence jumps from 3 to 5)", broken.get("reason").asText());
    }

    @Test
    void deletedTailIsReportedAgainstTheHead() throws SQLException {
        String tenant = tenantWithRecords("tail");
        tamper("DELETE FROM kernel.audit_log WHERE chain = ? AND seq = " + RECORDS, tenant);

        JsonNode report = kernel.get("/api/v1/audit/verify?chain=" + tenant, kernel.adminToken()).json();
        assertFalse(report.get("valid").asBoolean(), report.toString());
        JsonNode broken = report.get("chains").get(0).get("firstBrokenLink");
        assertEquals(RECORDS, broken.get("seq").asLong());
        assertTrue(broken.get("reason").asText().startsWith("the chain head says " + RECORDS + " records but only "
                                                           + (RECORDS - 1) + " are present"), broken.toString());
    }

    @Test
    void recordReplacedWithARecomputedHashBreaksTheNextLink() throws SQLException {
        String tenant = tenantWithRecords("rehashed");
        // An attacker who knows the hash function fixes up the edited record's own hash, but not its successor's link.
        try (Connection c = kernel.ownerConnection()) {
            AuditRecord original;
            try (PreparedStatement s = c.prepareStatement("SELECT id, tenant_id, actor, action, target, outcome, request_id, details, "
                    + "occurred_at, encode(prev_hash, 'hex') AS prev FROM kernel.audit_log WHERE chain = ? AND seq = 2")) {
                s.setString(1, tenant);
                try (var row = s.executeQuery()) {
                    assertTrue(row.next());
                    original = new AuditRecord(row.getObject("id", UUID.class), tenant, 2, row.getObject("tenant_id", UUID.class),
                                               "someone-else", row.getString("action"), row.getString("target"),
                                               row.getString("outcome"), row.getString("request_id"), row.getString("details"),
                                               row.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant(),
                                               row.getString("prev"), null);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE kernel.audit_log SET actor = ?, hash = decode(?, 'hex') WHERE chain = ? AND seq = 2")) {
                s.setString(1, original.actor());
                s.setString(2, AuditLog.hash(original));
                s.setString(3, tenant);
                assertEquals(1, s.executeUpdate());
            }
        }
        JsonNode broken = verifyTenant("rehashed").get("chains").get(0).get("firstBrokenLink");
        assertEquals(3, broken.get("seq").asLong(), broken.toString());
        assertTrue(broken.get("reason").asText().startsWith("record 3 does not follow record 2"), broken.toString());
    }

    @Test
    void platformVerificationOfOneChainAndItsParameterErrors() throws SQLException {
        String tenant = tenantWithRecords("single");
        JsonNode one = kernel.get("/api/v1/audit/verify?chain=" + tenant, kernel.adminToken()).json();
        assertTrue(one.get("valid").asBoolean(), one.toString());
        assertEquals(1, one.get("chains").size());
        assertEquals(RECORDS, one.get("chains").get(0).get("records").asLong());
        assertTrue(one.get("chains").get(0).get("firstBrokenLink").isNull());

        // A platform-level key writes to the platform chain.
        assertEquals(201, kernel.post("/api/v1/api-keys", kernel.adminToken(), Map.of("name", "ops", "role", "developer")).status());
        JsonNode platform = kernel.get("/api/v1/audit/verify?chain=platform", kernel.adminToken()).json();
        assertEquals("platform", platform.get("chains").get(0).get("chain").asText());
        assertTrue(platform.get("valid").asBoolean(), platform.toString());
        assertTrue(platform.get("chains").get(0).get("records").asLong() >= 1);

        HttpResult unknown = kernel.get("/api/v1/audit/verify?chain=" + UUID.randomUUID(), kernel.adminToken());
        assertEquals(404, unknown.status(), unknown.body());
        HttpResult malformed = kernel.get("/api/v1/audit/verify?chain=acme", kernel.adminToken());
        assertEquals(400, malformed.status(), malformed.body());
        assertTrue(malformed.json().get("detail").asText().contains("'chain'"));
    }

    @Test
    void applicationRoleCannotUpdateOrDeleteAuditRecords() throws SQLException {
        String tenant = tenantWithRecords("guarded");
        try (Connection app = kernel.appConnection()) {
            try (var s = app.createStatement()) {
                s.execute("SELECT set_config('voicecore.scope', 'platform', false)");
            }
            SQLException update = assertThrows(SQLException.class, () -> execute(app,
                    "UPDATE kernel.audit_log SET actor = 'x' WHERE chain = '" + tenant + "'"));
            assertTrue(update.getMessage().contains("permission denied"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> execute(app,
                    "DELETE FROM kernel.audit_log WHERE chain = '" + tenant + "'"));
            assertTrue(delete.getMessage().contains("permission denied"), delete.getMessage());
            // It can read them, so the denials above are about the privilege, not visibility.
            try (var s = app.createStatement(); var rows = s.executeQuery(
                    "SELECT count(*) FROM kernel.audit_log WHERE chain = '" + tenant + "'")) {
                rows.next();
                assertEquals(RECORDS, rows.getLong(1));
            }
        }
        assertTrue(verifyTenant("guarded").get("valid").asBoolean());
    }

    @Test
    void concurrentChangesInOneTenantFormOneGaplessValidChain() throws Exception {
        String tenant = kernel.createTenant("busy");
        AuditFixture.Key admin = createKey(kernel, tenant, kernel.adminToken(), "busy admin", "tenant-admin");
        int threads = 8;
        int perThread = 5;
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<List<Integer>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Integer>> work = () -> {
                    go.await();
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        statuses.add(kernel.post("/api/v1/tenants/busy/api-keys", admin.secret(),
                                                 Map.of("name", "t" + thread + "-" + i, "role", "tenant-user")).status());
                    }
                    return statuses;
                };
                done.add(pool.submit(work));
            }
            go.countDown();
            for (Future<List<Integer>> statuses : done) {
                assertEquals(List.of(201, 201, 201, 201, 201), statuses.get());
            }
        }
        long expected = 2 + (long) threads * perThread;
        JsonNode report = verifyTenant("busy");
        assertTrue(report.get("valid").asBoolean(), report.toString());
        assertEquals(expected, report.get("chains").get(0).get("records").asLong());
        List<Long> seqs = listAll(kernel, "/api/v1/tenants/busy/audit", admin.secret(), 500).stream()
                .map(r -> r.get("seq").asLong()).sorted().toList();
        assertEquals(LongStream.rangeClosed(1, expected).boxed().toList(), seqs);
    }

    /** A tenant whose chain holds {@link #RECORDS} records. */
    private static String tenantWithRecords(String slug) {
        String id = kernel.createTenant(slug);
        for (int i = 0; i < RECORDS - 1; i++) {
            createKey(kernel, id, kernel.adminToken(), slug + " key " + i, "tenant-user");
        }
        return id;
    }

    private static JsonNode verifyTenant(String tenant) {
        HttpResult result = kernel.get("/api/v1/tenants/" + tenant + "/audit/verify", kernel.adminToken());
        assertEquals(200, result.status(), result.body());
        return result.json();
    }

    private static JsonNode chainReport(JsonNode verification, String chain) {
        for (JsonNode report : verification.get("chains")) {
            if (report.get("chain").asText().equals(chain)) {
                return report;
            }
        }
        throw new AssertionError("no report for chain " + chain + " in " + verification);
    }

    private static String recordId(String chain, long seq) throws SQLException {
        try (Connection c = kernel.ownerConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM kernel.audit_log WHERE chain = ? AND seq = ?")) {
            s.setString(1, chain);
            s.setLong(2, seq);
            try (var rows = s.executeQuery()) {
                assertTrue(rows.next());
                return rows.getString(1);
            }
        }
    }

    /** Runs one statement as the database superuser, as an attacker with direct access would. */
    private static void tamper(String sql, String chain) throws SQLException {
        try (Connection c = kernel.ownerConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, chain);
            assertEquals(1, s.executeUpdate());
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var s = connection.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
