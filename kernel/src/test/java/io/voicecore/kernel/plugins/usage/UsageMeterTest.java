package io.voicecore.kernel.plugins.usage;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Usage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Usage records from plugins and from the kernel, and their totals, over real PostgreSQL. */
class UsageMeterTest {
    private static final Instant JAN = Instant.parse("2026-01-15T10:00:00Z");
    private static final Instant FEB = Instant.parse("2026-02-15T10:00:00Z");

    static CapabilityFixture fixture;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @Test
    void recordsAreSummedPerPluginMeterAndUnitWithinTheWindow() {
        UUID tenant = fixture.tenant("usage-totals");
        UsageMeter january = new UsageMeter(fixture.database(), Clock.fixed(JAN, ZoneOffset.UTC));
        UsageMeter february = new UsageMeter(fixture.database(), Clock.fixed(FEB, ZoneOffset.UTC));
        PluginManifest ai = manifest("ai", Set.of(Permission.USAGE));
        Usage aiUsage = january.forCall(call(tenant, ai));
        aiUsage.record("ai.tokens", 1200, "token");
        aiUsage.record("ai.tokens", 800, "token");
        aiUsage.record("ai.tokens", 5, "request");
        january.record(tenant, "crm", "egress.requests", 1, "request");
        february.forCall(call(tenant, ai)).record("ai.tokens", 7, "token");

        assertEquals(List.of(new UsageMeter.Total("ai", "ai.tokens", "request", BigInteger.valueOf(5), 1),
                             new UsageMeter.Total("ai", "ai.tokens", "token", BigInteger.valueOf(2000), 2),
                             new UsageMeter.Total("crm", "egress.requests", "request", BigInteger.ONE, 1)),
                     january.totals(tenant, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z")));
        assertEquals(List.of(new UsageMeter.Total("ai", "ai.tokens", "token", BigInteger.valueOf(7), 1)),
                     january.totals(tenant, Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z")));
        assertEquals(List.of(), january.totals(tenant, JAN.plusNanos(1000), FEB), "from is inclusive, to exclusive");
        assertEquals(1, january.totals(tenant, FEB, FEB.plusNanos(1000)).size());
    }

    @Test
    void totalsNeverIncludeAnotherTenantsUsage() {
        UUID tenantA = fixture.tenant("usage-a");
        UUID tenantB = fixture.tenant("usage-b");
        UsageMeter meter = new UsageMeter(fixture.database(), Clock.systemUTC());
        meter.record(tenantA, "ai", "ai.tokens", 100, "token");
        meter.record(tenantB, "ai", "ai.tokens", 3, "token");
        Instant from = Instant.now().minusSeconds(60);
        Instant to = Instant.now().plusSeconds(60);
        assertEquals(BigInteger.valueOf(100), meter.totals(tenantA, from, to).getFirst().quantity());
        assertEquals(BigInteger.valueOf(3), meter.totals(tenantB, from, to).getFirst().quantity());
    }

    @Test
    void invalidRecordsAreRefusedAndNothingIsStored() {
        UUID tenant = fixture.tenant("usage-invalid");
        UsageMeter meter = new UsageMeter(fixture.database(), Clock.systemUTC());
        Usage usage = meter.forCall(call(tenant, manifest("ai", Set.of(Permission.USAGE))));
        for (long quantity : new long[] {0, -1, Long.MIN_VALUE, UsageMeter.MAX_QUANTITY + 1, Long.MAX_VALUE}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> usage.record("ai.tokens", quantity, "token"));
            assertTrue(refused.getMessage().contains("at least 1 and at most " + UsageMeter.MAX_QUANTITY), refused.getMessage());
        }
        for (String meterName : List.of("", "AI.tokens", "ai..tokens", ".ai", "ai tokens", "ai.tokens.", "a".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> usage.record(meterName, 1, "token"), meterName);
        }
        for (String unit : List.of("", "Token", "tokens per second", "a".repeat(33), "to.ken")) {
            assertThrows(IllegalArgumentException.class, () -> usage.record("ai.tokens", 1, unit), unit);
        }
        assertThrows(IllegalArgumentException.class, () -> meter.record(tenant, "crm", "egress.bytes", 0, "byte"));
        usage.record("ai.tokens", UsageMeter.MAX_QUANTITY, "token");
        usage.record("a", 1, "b");
        assertEquals(List.of(new UsageMeter.Total("ai", "a", "b", BigInteger.ONE, 1),
                             new UsageMeter.Total("ai", "ai.tokens", "token", BigInteger.valueOf(UsageMeter.MAX_QUANTITY), 1)),
                     meter.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)));
    }

    @Test
    void pluginsNeedTheUsagePermissionOnEveryCall() {
        UUID tenant = fixture.tenant("usage-permission");
        UsageMeter meter = new UsageMeter(fixture.database(), Clock.systemUTC());
        PluginManifest declares = manifest("ai", Set.of(Permission.USAGE));
        PermissionDeniedException notGranted = assertThrows(PermissionDeniedException.class,
                () -> meter.forCall(call(tenant, declares, Set.of())).record("ai.tokens", 1, "token"));
        assertEquals(Permission.USAGE, notGranted.permission());
        PluginManifest silent = manifest("ai", Set.of(Permission.STORAGE));
        assertThrows(PermissionDeniedException.class,
                () -> meter.forCall(call(tenant, silent, Set.of(Permission.STORAGE, Permission.USAGE))).record("ai.tokens", 1, "token"));
        assertEquals(List.of(), meter.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)));
    }

    @Test
    void theDatabaseItselfRefusesOutOfRangeQuantitiesAndOtherTenantsRows() throws SQLException {
        UUID tenantA = fixture.tenant("usage-sql-a");
        UUID tenantB = fixture.tenant("usage-sql-b");
        new UsageMeter(fixture.database(), Clock.systemUTC()).record(tenantA, "ai", "ai.tokens", 10, "token");
        try (Connection app = fixture.appConnection(); var statement = app.createStatement()) {
            app.setAutoCommit(false);
            statement.execute("SELECT set_config('voicecore.scope', 'tenant', true), set_config('voicecore.tenant_id', '" + tenantB + "', true)");
            try (var rows = statement.executeQuery("SELECT count(*) FROM kernel.usage_records")) {
                rows.next();
                assertEquals(0, rows.getLong(1), "tenant B sees none of tenant A's usage");
            }
            SQLException otherTenant = assertThrows(SQLException.class, () -> statement.execute(
                    "INSERT INTO kernel.usage_records (tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) "
                    + "VALUES ('" + tenantA + "', 'ai', 'ai.tokens', 1, 'token', now(), 'x')"));
            assertTrue(otherTenant.getMessage().contains("row-level security"), otherTenant.getMessage());
            app.rollback();
            statement.execute("SELECT set_config('voicecore.scope', 'tenant', true), set_config('voicecore.tenant_id', '" + tenantB + "', true)");
            SQLException zero = assertThrows(SQLException.class, () -> statement.execute(
                    "INSERT INTO kernel.usage_records (tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) "
                    + "VALUES ('" + tenantB + "', 'ai', 'ai.tokens', 0, 'token', now(), 'x')"));
            assertTrue(zero.getMessage().contains("check constraint"), zero.getMessage());
            app.rollback();
            statement.execute("SELECT set_config('voicecore.scope', 'tenant', true), set_config('voicecore.tenant_id', '" + tenantA + "', true)");
            SQLException update = assertThrows(SQLException.class, () -> statement.execute("UPDATE kernel.usage_records SET quantity = 1"));
            assertTrue(update.getMessage().contains("permission denied"), "usage records are append-only: " + update.getMessage());
            app.rollback();
        }
    }
}
