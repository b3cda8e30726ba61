package io.voicecore.kernel.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.storage.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retention job over real PostgreSQL: what is old and done goes, everything else stays, and one node does a pass. */
class RetentionJobTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final KernelConfig.Retention SETTINGS = new KernelConfig.Retention(true, Duration.ofHours(1), 3,
            Duration.ofDays(30), Duration.ofDays(90), Duration.ofDays(30), Duration.ofDays(400));

    private CapabilityFixture fixture;
    private UUID tenant;

    @BeforeEach
    void open() {
        fixture = CapabilityFixture.open();
        tenant = fixture.tenant("retention-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void deletesOldFinishedHistoryOnlyAndNeverTheAuditLog() throws SQLException {
        UUID delivered = event(days(40), true, "delivered", "delivered");
        UUID unsubscribed = event(days(40), true);
        List<UUID> moreDelivered = List.of(event(days(35), true, "delivered"), event(days(31), true, "delivered"));
        UUID pending = event(days(40), true, "delivered", "pending");
        UUID dead = event(days(40), true, "delivered", "dead");
        UUID notFannedOut = event(days(40), false);
        UUID recent = event(days(1), true, "delivered");
        jobRun("old", days(100));
        jobRun("recent", days(1));
        UUID user = user();
        UUID expired = session(user, days(50), days(40), null);
        UUID revokedLongAgo = session(user, days(40), NOW.plus(Duration.ofDays(1)), days(31));
        UUID revokedRecently = session(user, days(2), NOW.plus(Duration.ofDays(1)), days(1));
        UUID active = session(user, days(1), NOW.plus(Duration.ofDays(1)), null);
        usage("ancient", days(500));
        usage("held", days(450));
        usage("recent", days(1));
        AuditLog audit = new AuditLog(Clock.fixed(days(1000), ZoneOffset.UTC));
        fixture.database().inTenant(tenant, tx -> audit.append(tx, AuditEvent.success(tenant, "test", "old.thing", "x", Map.of())));
        long auditBefore = count("SELECT count(*) FROM kernel.audit_log WHERE tenant_id = ?", tenant);

        RetentionJob job = new RetentionJob(fixture.database(), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
        job.hold(() -> Optional.of(days(460)));
        Map<RetentionJob.Kind, Long> deleted = job.runOnce().orElseThrow();

        assertEquals(Map.of(RetentionJob.Kind.EVENTS, 4L, RetentionJob.Kind.JOB_RUNS, 1L, RetentionJob.Kind.SESSIONS, 2L,
                            RetentionJob.Kind.USAGE_RECORDS, 1L), deleted);
        assertEquals(new TreeSet<>(Set.of(pending, dead, notFannedOut, recent)),
                     ids("SELECT id FROM kernel.event_outbox WHERE tenant_id = ?"), "only events with every delivery done go");
        assertEquals(Set.of(pending, dead), new TreeSet<>(ids("SELECT DISTINCT event_id FROM kernel.event_deliveries WHERE tenant_id = ? "
                                                               + "AND status <> 'delivered'")), "pending and dead deliveries stay");
        assertEquals(0, count("SELECT count(*) FROM kernel.event_deliveries WHERE event_id = ANY (?)",
                              (Object) new UUID[] {delivered, unsubscribed, moreDelivered.get(0), moreDelivered.get(1)}));
        assertEquals(List.of("recent"), texts("SELECT job_name FROM kernel.job_runs WHERE tenant_id = ?"));
        assertEquals(new TreeSet<>(Set.of(revokedRecently, active)), ids("SELECT id FROM kernel.sessions WHERE tenant_id = ?"));
        assertEquals(List.of("held", "recent"), texts("SELECT request_id FROM kernel.usage_records WHERE tenant_id = ? ORDER BY occurred_at"),
                     "a record older than its age stays while a hold still needs it");
        assertEquals(auditBefore, count("SELECT count(*) FROM kernel.audit_log WHERE tenant_id = ?", tenant));
        assertTrue(auditBefore >= 1);
        assertTrue(List.of(expired, revokedLongAgo).stream().noneMatch(
                id -> ids("SELECT id FROM kernel.sessions WHERE tenant_id = ?").contains(id)));
    }

    @Test
    void onePassAnIntervalAcrossNodes() throws SQLException {
        event(days(40), true, "delivered");
        RetentionJob nodeA = new RetentionJob(fixture.database(), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
        RetentionJob nodeB = new RetentionJob(fixture.database(), SETTINGS, Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC));
        RetentionJob nodeBLater = new RetentionJob(fixture.database(), SETTINGS,
                                                   Clock.fixed(NOW.plus(SETTINGS.interval()), ZoneOffset.UTC));

        assertEquals(1L, nodeA.runOnce().orElseThrow().get(RetentionJob.Kind.EVENTS));
        assertEquals(Optional.empty(), nodeB.runOnce(), "the other node finds this interval's pass taken");
        assertEquals(Optional.empty(), nodeA.runOnce());
        assertTrue(nodeBLater.runOnce().isPresent(), "an interval later a node runs the next pass");
    }

    @Test
    void aHoldThatCannotAnswerKeepsEveryUsageRecord() throws SQLException {
        usage("ancient", days(500));
        RetentionJob job = new RetentionJob(fixture.database(), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
        job.hold(() -> {
            throw new IllegalStateException("billing is unreachable");
        });
        assertEquals(0L, job.runOnce().orElseThrow().get(RetentionJob.Kind.USAGE_RECORDS));
        assertEquals(List.of("ancient"), texts("SELECT request_id FROM kernel.usage_records WHERE tenant_id = ?"));
    }

    @Test
    void theApplicationRoleStillCannotDeleteHistoryItself() throws SQLException {
        try (Connection app = fixture.appConnection(); var statement = app.createStatement()) {
            statement.execute("SELECT set_config('voicecore.scope', 'platform', false)");
            for (String table : List.of("event_outbox", "event_deliveries", "job_runs", "sessions", "usage_records", "audit_log")) {
                SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> statement.execute("DELETE FROM kernel." + table));
                assertEquals("42501", refused.getSQLState(), table);
            }
        }
    }

    private static Instant days(int ago) {
        return NOW.minus(Duration.ofDays(ago));
    }

    private UUID event(Instant occurredAt, boolean fannedOut, String... deliveries) throws SQLException {
        UUID id = UUID.randomUUID();
        // As the dispatcher records it: delivered_at only once every subscriber received the event.
        boolean delivered = fannedOut && Arrays.stream(deliveries).allMatch("delivered"::equals);
        exec("INSERT INTO kernel.event_outbox (id, tenant_id, topic, publisher, payload, occurred_at, fanned_out_at, delivered_at) "
             + "VALUES (?, ?, 'thing.happened', 'kernel', '{}', ?, ?, ?)", id, tenant, Database.timestamp(occurredAt),
             fannedOut ? Database.timestamp(occurredAt) : null, delivered ? Database.timestamp(occurredAt) : null);
        for (int i = 0; i < deliveries.length; i++) {
            exec("INSERT INTO kernel.event_deliveries (event_id, subscriber, tenant_id, status, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                 id, "plugin-" + i, tenant, deliveries[i], Database.timestamp(occurredAt));
        }
        return id;
    }

    private void jobRun(String name, Instant due) throws SQLException {
        exec("INSERT INTO kernel.job_runs (plugin_id, job_name, tenant_id, due_at, claimed_by, outcome) VALUES ('p', ?, ?, ?, 'n', 'succeeded')",
             name, tenant, Database.timestamp(due));
    }

    private UUID user() throws SQLException {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO kernel.users (id, tenant_id, email, role, password_hash) VALUES (?, ?, ?, 'member', 'x')",
             id, tenant, id + "@example.test");
        return id;
    }

    private UUID session(UUID user, Instant created, Instant expires, Instant revoked) throws SQLException {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO kernel.sessions (id, tenant_id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
             id, tenant, user, Database.timestamp(created), Database.timestamp(expires),
             revoked == null ? null : Database.timestamp(revoked));
        return id;
    }

    private void usage(String name, Instant at) throws SQLException {
        exec("INSERT INTO kernel.usage_records (tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) "
             + "VALUES (?, 'p', 'egress.requests', 1, 'request', ?, ?)", tenant, Database.timestamp(at), name);
    }

    private void exec(String sql, Object... params) throws SQLException {
        try (Connection owner = fixture.ownerConnection(); PreparedStatement statement = owner.prepareStatement(sql)) {
            bind(owner, statement, params);
            statement.executeUpdate();
        }
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection owner = fixture.ownerConnection(); PreparedStatement statement = owner.prepareStatement(sql)) {
            bind(owner, statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private TreeSet<UUID> ids(String sql) {
        TreeSet<UUID> ids = new TreeSet<>();
        query(sql, rows -> ids.add(rows.getObject(1, UUID.class)));
        return ids;
    }

    private List<String> texts(String sql) {
        List<String> texts = new java.util.ArrayList<>();
        query(sql, rows -> texts.add(rows.getString(1)));
        return texts;
    }

    private interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    private void query(String sql, RowReader reader) {
        try (Connection owner = fixture.ownerConnection(); PreparedStatement statement = owner.prepareStatement(sql)) {
            statement.setObject(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(Connection connection, PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof UUID[] array) {
                statement.setArray(i + 1, connection.createArrayOf("uuid", array));
            } else {
                statement.setObject(i + 1, params[i]);
            }
        }
    }
}
