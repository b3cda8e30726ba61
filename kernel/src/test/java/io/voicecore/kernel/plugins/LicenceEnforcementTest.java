package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Licence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Licence enforcement through a real kernel over real HTTP, with a licence gate of the test's own (the kernel does not
 * know the marketplace's) judging against a clock the test sets: a licensed plugin's route answers and reads its
 * licence, the same route answers 402 {@code license-expired} from the instant the licence expires, events published
 * meanwhile wait without spending attempts, and attaching a fresh licence delivers them at once, each exactly once.
 */
class LicenceEnforcementTest {
    /** Far longer than the test: held events that arrive must have been resumed, not waited out. */
    private static final Duration HOLD = Duration.ofMinutes(10);
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private static TestKernel kernel;
    private static TenantEnablement enablement;
    private static final TestClock CLOCK = new TestClock(Instant.parse("2030-06-01T12:00:00Z"));

    /** Tokens {@code test-licence/<tenant>/<plugin>/<plan>/<expiry epoch second>}; only {@code ledger} needs one. */
    static final class TokenGate implements LicenceGate {
        @Override
        public LicenceStanding standing(UUID tenantId, String pluginId, Optional<String> token) {
            if (token.isEmpty()) {
                return pluginId.equals("ledger") ? LicenceStanding.refused(LicenceStanding.Kind.REQUIRED, "no licence is attached")
                        : LicenceStanding.unlicensed();
            }
            String[] parts = token.get().split("/");
            if (parts.length != 5 || !parts[0].equals("test-licence")) {
                return LicenceStanding.refused(LicenceStanding.Kind.INVALID, "the token is not a licence");
            }
            if (!parts[1].equals(tenantId.toString()) || !parts[2].equals(pluginId)) {
                return LicenceStanding.refused(LicenceStanding.Kind.INVALID, "the licence is for another tenant or plugin");
            }
            Instant expiry = Instant.ofEpochSecond(Long.parseLong(parts[4]));
            if (!CLOCK.instant().isBefore(expiry)) {
                return LicenceStanding.refused(LicenceStanding.Kind.EXPIRED, "the licence expired at " + expiry);
            }
            return LicenceStanding.serving(new Licence(parts[3], OptionalInt.of(3), Map.of("ledger.entries", 1000L),
                                                       expiry.minus(Duration.ofDays(365)), Optional.of(expiry), false, false));
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Subscribes to the herald's topic and records every delivery (duplicates included, with the attempt), lists them
     * at {@code GET /entries}, and answers its licence view at {@code GET /plan}.
     */
    static PluginJar ledger() {
        return plugin("ledger", "1.0.0", List.of("events:subscribe", "storage"), List.of("GET /entries", "GET /plan"),
                "events:\n  subscribes: [" + PluginEventsIntegrationTest.TOPIC + "]\n", """
                setup.onEvent("%s", (event, context) -> context.storage().update(
                        "INSERT INTO entries (tenant_id, event_id, attempt) VALUES (?, ?, ?)", Storage.TENANT, event.id(),
                        event.attempt()));
                setup.route(HttpMethod.GET, "/entries", (request, context) -> {
                    List<Json> ids = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT event_id FROM entries ORDER BY event_id")) {
                        ids.add(Json.of(row.string("event_id").orElseThrow()));
                    }
                    return Response.ok(Json.array(ids));
                });
                setup.route(HttpMethod.GET, "/plan", (request, context) -> Response.ok(context.licence()
                        .map(licence -> Json.object().put("plan", licence.plan()).put("seats", licence.seats().orElse(0))
                                .put("inGrace", licence.inGrace()).build())
                        .orElse(Json.object().put("plan", "none").build())));
                """.formatted(PluginEventsIntegrationTest.TOPIC), "")
                .resource("db/migration/V1__entries.sql",
                          "CREATE TABLE entries (tenant_id uuid NOT NULL, event_id text NOT NULL, attempt integer NOT NULL);");
    }

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().set("plugins.events.licence-hold", HOLD.toMinutes() + "m")
                .set("plugins.events.max-attempts", "2").set("plugins.events.retry-backoff", "200ms").start();
        enablement = kernel.kernel().services().plugins().enablement();
        enablement.useLicenceGate(new TokenGate());
        assertEquals(201, install(kernel, PluginEventsIntegrationTest.herald().build()).status());
        assertEquals(201, install(kernel, ledger().build()).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static UUID tenant(String slug) {
        UUID id = UUID.fromString(kernel.createTenant(slug));
        assertEquals(200, enable(kernel, slug, "herald", List.of("events:publish")).status());
        assertEquals(200, enable(kernel, slug, "ledger", List.of("events:subscribe", "storage")).status());
        return id;
    }

    private static String token(UUID tenant, String plan, Instant expiry) {
        return "test-licence/" + tenant + "/ledger/" + plan + "/" + expiry.getEpochSecond();
    }

    private static String publish(String tenant) {
        HttpResult posted = kernel.post("/api/v1/tenants/" + tenant + "/herald/post", kernel.adminToken(), Map.of());
        assertEquals(201, posted.status(), posted.body());
        return posted.json().get("eventId").asText();
    }

    private static List<String> entries(String tenant) {
        HttpResult result = kernel.get("/api/v1/tenants/" + tenant + "/ledger/entries", kernel.adminToken());
        assertEquals(200, result.status(), result.body());
        List<String> ids = new ArrayList<>();
        result.json().forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Each delivery row of the ledger in the tenant: event id to (status, attempts, held, seconds until due). */
    private static Map<String, List<Object>> deliveries(UUID tenant) {
        Map<String, List<Object>> rows = new HashMap<>();
        try (Connection owner = kernel.ownerConnection();
             PreparedStatement query = owner.prepareStatement("SELECT event_id, status, attempts, held, "
                     + "extract(epoch FROM next_attempt_at - now()) AS due_in FROM kernel.event_deliveries "
                     + "WHERE tenant_id = ? AND subscriber = 'ledger'")) {
            query.setObject(1, tenant);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString("event_id"), List.of(rs.getString("status"), rs.getInt("attempts"), rs.getBoolean("held"),
                                                               rs.getDouble("due_in")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void await(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what.get());
            }
            pause(Duration.ofMillis(50));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void servesWhileLicensedRefusesFromExpiryHoldsEventsAndDeliversThemOnceWhenALicenceIsAttached() {
        UUID tenant = tenant("licensed");
        HttpResult required = kernel.get("/api/v1/tenants/licensed/ledger/plan", kernel.adminToken());
        assertEquals(402, required.status(), required.body());
        assertEquals("urn:voicecore:problem:license-required", required.json().get("type").asText());

        Instant expiry = CLOCK.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        enablement.attachLicence(tenant, "ledger", token(tenant, "team", expiry), AdminToken.principal());
        HttpResult plan = kernel.get("/api/v1/tenants/licensed/ledger/plan", kernel.adminToken());
        assertEquals(200, plan.status(), plan.body());
        assertEquals("team", plan.json().get("plan").asText(), "the call's context carries the licence view");
        assertEquals(3, plan.json().get("seats").asInt());
        assertFalse(plan.json().get("inGrace").asBoolean());
        String before = publish("licensed");
        await(PROMPTLY, () -> entries("licensed").contains(before), () -> "delivered while licensed: " + entries("licensed"));

        CLOCK.set(expiry.minusNanos(1));
        assertEquals(200, kernel.get("/api/v1/tenants/licensed/ledger/plan", kernel.adminToken()).status(), "serves up to expiry");
        CLOCK.set(expiry);
        for (int call = 0; call < 7; call++) { // more than the fault threshold: a refused licence is no fault
            HttpResult expired = kernel.get("/api/v1/tenants/licensed/ledger/plan", kernel.adminToken());
            assertEquals(402, expired.status(), expired.body());
            assertTrue(expired.contentType().startsWith("application/problem+json"), expired.contentType());
            JsonNode problem = expired.json();
            assertEquals("urn:voicecore:problem:license-expired", problem.get("type").asText(), expired.body());
            assertEquals(402, problem.get("status").asInt());
            assertEquals("ledger", problem.get("plugin").asText());
            String detail = problem.get("detail").asText();
            assertTrue(detail.contains("expired at " + expiry) && detail.contains("renew") && detail.contains("marketplace"), detail);
            assertFalse(problem.get("requestId").asText().isBlank(), expired.body());
            assertEquals(expired.header("X-Request-Id"), problem.get("requestId").asText());
            assertFalse(expired.body().contains("Exception") || expired.body().contains("\tat ") || expired.body().contains(".java:"),
                        "no stack trace: " + expired.body());
        }

        List<String> held = List.of(publish("licensed"), publish("licensed"), publish("licensed"));
        await(PROMPTLY, () -> held.stream().allMatch(id -> deliveries(tenant).containsKey(id)
                                                        && Boolean.TRUE.equals(deliveries(tenant).get(id).get(2))),
              () -> "held: " + deliveries(tenant));
        pause(Duration.ofSeconds(2)); // ten poll intervals: a spinning dispatcher would claim them again meanwhile
        Map<String, List<Object>> waiting = deliveries(tenant);
        for (String id : held) {
            List<Object> row = waiting.get(id);
            assertEquals("pending", row.get(0), "not dead-lettered: " + row);
            assertEquals(0, row.get(1), "no attempt spent: " + row);
            assertTrue((Double) row.get(3) > HOLD.toSeconds() - 60, "due only after the hold: " + row);
        }
        assertTrue(storedEntries(tenant).stream().noneMatch(held::contains), "nothing delivered while the licence refuses");
        assertNull(quarantinedUntil(tenant), "a refused licence is no fault: the plugin is not quarantined");

        Instant renewed = expiry.plus(Duration.ofDays(365));
        long attached = System.nanoTime();
        enablement.attachLicence(tenant, "ledger", token(tenant, "team", renewed), AdminToken.principal());
        await(PROMPTLY, () -> entries("licensed").containsAll(held), () -> "after the new licence: " + entries("licensed"));
        Duration took = Duration.ofNanos(System.nanoTime() - attached);
        assertTrue(took.compareTo(PROMPTLY) < 0, "delivered in " + took + ", not after the hold of " + HOLD);
        pause(Duration.ofMillis(1500));
        List<String> all = entries("licensed");
        for (String id : held) {
            assertEquals(1, all.stream().filter(id::equals).count(), "exactly once: " + all);
            List<Object> row = deliveries(tenant).get(id);
            assertEquals("delivered", row.get(0), row.toString());
            assertEquals(1, row.get(1), "one attempt, the one that delivered it: " + row);
        }
        assertEquals(1, all.stream().filter(before::equals).count(), all.toString());

        HttpResult audit = kernel.get("/api/v1/tenants/licensed/audit?action=plugin.licence", kernel.adminToken());
        assertEquals(200, audit.status(), audit.body());
        assertEquals(2, audit.json().get("items").size(), audit.body());
        assertFalse(audit.body().contains("test-licence/"), "the audit keeps a fingerprint, never the token: " + audit.body());
        assertTrue(audit.body().contains(TenantEnablement.licenceFingerprint(token(tenant, "team", renewed))), audit.body());
    }

    @Test
    void aLicenceOfAnotherTenantDoesNotServeAndOnlyAnEnabledPluginTakesALicence() {
        UUID tenant = tenant("borrower");
        UUID other = tenant("lender");
        Instant expiry = CLOCK.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        enablement.attachLicence(tenant, "ledger", token(other, "team", expiry), AdminToken.principal());
        HttpResult invalid = kernel.get("/api/v1/tenants/borrower/ledger/plan", kernel.adminToken());
        assertEquals(402, invalid.status(), invalid.body());
        assertEquals("urn:voicecore:problem:license-invalid", invalid.json().get("type").asText());
        assertTrue(invalid.json().get("detail").asText().contains("another tenant"), invalid.body());

        HttpResult unlicensed = kernel.post("/api/v1/tenants/borrower/herald/post", kernel.adminToken(), Map.of());
        assertEquals(201, unlicensed.status(), "a plugin that needs no licence serves as before: " + unlicensed.body());

        UUID notEnabled = UUID.fromString(kernel.createTenant("not-enabled"));
        PluginRefusal refusal = assertThrows(PluginRefusal.class, () -> enablement.attachLicence(notEnabled, "ledger",
                token(notEnabled, "team", expiry), AdminToken.principal()));
        assertEquals(PluginRefusal.Reason.NOT_ENABLED, refusal.reason());
    }

    /** What the ledger stored, read past the plugin (its routes are refused meanwhile). */
    private static List<String> storedEntries(UUID tenant) {
        List<String> ids = new ArrayList<>();
        try (Connection owner = kernel.ownerConnection();
             PreparedStatement query = owner.prepareStatement("SELECT event_id FROM plugin_ledger.entries WHERE tenant_id = ?")) {
            query.setObject(1, tenant);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private static Instant quarantinedUntil(UUID tenant) {
        try (Connection owner = kernel.ownerConnection();
             PreparedStatement query = owner.prepareStatement(
                     "SELECT quarantined_until FROM kernel.tenant_plugins WHERE tenant_id = ? AND plugin_id = 'ledger'")) {
            query.setObject(1, tenant);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                java.sql.Timestamp until = rs.getTimestamp(1);
                return until == null ? null : until.toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
