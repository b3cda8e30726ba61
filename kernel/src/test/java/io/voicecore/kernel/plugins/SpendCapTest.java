package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.WsClient;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.UsageLimitReachedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spend caps through a real kernel over real HTTP: a plugin records usage on a meter its tenant's licence limits for
 * the licence's term. Calls up to the limit succeed; the one that would pass it answers 402 {@code spend-cap-reached}
 * as problem+json and records nothing, however often, without counting as a fault of the plugin; a meter the licence
 * does not limit, and a tenant without a licence, are not limited; usage before the licence started does not count;
 * parallel calls never together pass the limit.
 */
class SpendCapTest {
    /** The start of the billing period the licences are issued for. */
    private static final Instant PERIOD = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
    /** The licence each tenant holds for {@code metered}; a tenant not named runs it unlicensed. */
    private static final Map<UUID, Licence> LICENCES = new ConcurrentHashMap<>();

    private static TestKernel kernel;

    /**
     * Records {@code quantity} (default 1) on {@code meter} (default {@code ai.tokens}) per call of {@code POST /spend},
     * per stream message and per run of job {@code spend}; {@code POST /spend-or-degrade} catches the refusal and
     * answers what is left instead.
     */
    static PluginJar metered() {
        return plugin("metered", "1.0.0", List.of("usage", "scheduler"), List.of("POST /spend", "POST /spend-or-degrade"),
                "streams: [/live]\nlimits:\n  concurrency: 32\n", """
                setup.route(HttpMethod.POST, "/spend", (request, context) -> {
                    long quantity = Long.parseLong(request.query("quantity").orElse("1"));
                    context.usage().record(request.query("meter").orElse("ai.tokens"), quantity, "token");
                    return Response.ok(Json.object().put("recorded", quantity).build());
                });
                setup.route(HttpMethod.POST, "/spend-or-degrade", (request, context) -> {
                    try {
                        context.usage().record("ai.tokens", Long.parseLong(request.query("quantity").orElse("1")), "token");
                        return Response.ok(Json.object().put("degraded", false).build());
                    } catch (UsageLimitReachedException capped) {
                        return Response.ok(Json.object().put("degraded", true).put("left", capped.limit() - capped.used()).build());
                    }
                });
                setup.stream("/live", new StreamHandler() {
                    @Override
                    public void onMessage(StreamSession session, String text, PluginContext context) {
                        context.usage().record("ai.tokens", Long.parseLong(text), "token");
                        session.send(Json.object().put("recorded", Long.parseLong(text)).build());
                    }
                });
                setup.job("spend", "0 3 1 1 *", context -> context.usage().record("ai.tokens", 1, "token"));
                """, "");
    }

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        kernel.kernel().services().plugins().enablement().useLicenceGate((tenantId, pluginId, token) ->
                Optional.ofNullable(LICENCES.get(tenantId)).filter(licence -> pluginId.equals("metered"))
                        .map(LicenceStanding::serving).orElse(LicenceStanding.unlicensed()));
        assertEquals(201, install(kernel, metered().build()).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** A tenant with {@code metered} enabled, holding a licence that limits {@code ai.tokens} to {@code limit}, if given. */
    private static UUID tenant(String slug, Optional<Long> limit) {
        UUID id = UUID.fromString(kernel.createTenant(slug));
        assertEquals(200, enable(kernel, slug, "metered", List.of("usage", "scheduler")).status());
        limit.ifPresent(tokens -> LICENCES.put(id, new Licence("metered-team", OptionalInt.empty(), Map.of("ai.tokens", tokens), PERIOD,
                                                               Optional.of(PERIOD.plus(Duration.ofDays(31))), false, false)));
        return id;
    }

    private static HttpResult spend(String slug, String query) {
        return kernel.post("/api/v1/tenants/" + slug + "/metered/spend?" + query, kernel.adminToken(), Map.of());
    }

    private static BigInteger recorded(UUID tenant, String meter) {
        return kernel.kernel().services().usage().totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)).stream()
                .filter(total -> total.pluginId().equals("metered") && total.meter().equals(meter))
                .map(UsageMeter.Total::quantity).reduce(BigInteger.ZERO, BigInteger::add);
    }

    private static void assertSpendCap(HttpResult answer, long limit, long used, long requested) {
        assertEquals(402, answer.status(), answer.body());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        JsonNode problem = answer.json();
        assertEquals("urn:voicecore:problem:spend-cap-reached", problem.get("type").asText(), answer.body());
        assertEquals("Spend cap reached", problem.get("title").asText());
        assertEquals(402, problem.get("status").asInt());
        assertEquals("metered", problem.get("plugin").asText());
        assertEquals("ai.tokens", problem.get("meter").asText());
        assertEquals(limit, problem.get("limit").asLong());
        assertEquals(used, problem.get("used").asLong());
        assertEquals(requested, problem.get("requested").asLong());
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains("'metered'") && detail.contains("'ai.tokens'") && detail.contains(used + " of " + limit)
                   && detail.contains("recording " + requested + " more") && detail.contains("nothing was recorded"), detail);
        assertFalse(problem.get("requestId").asText().isBlank(), answer.body());
        assertEquals(answer.header("X-Request-Id"), problem.get("requestId").asText());
        assertFalse(answer.body().contains("Exception") || answer.body().contains("\tat ") || answer.body().contains(".java:"),
                    "no stack trace: " + answer.body());
    }

    @Test
    void callsUpToTheLimitSucceedAndTheOneThatWouldPassItAnswers402WithoutRecording() {
        UUID tenant = tenant("capped", Optional.of(10L));
        assertEquals(200, spend("capped", "quantity=4").status());
        HttpResult over = spend("capped", "quantity=7");
        assertSpendCap(over, 10, 4, 7);
        assertEquals(BigInteger.valueOf(4), recorded(tenant, "ai.tokens"), "the refused record recorded nothing");
        assertEquals(200, spend("capped", "quantity=6").status(), "exactly the limit is allowed");

        for (int call = 0; call < 7; call++) { // more than the fault threshold: a spend cap is no fault
            assertSpendCap(spend("capped", "quantity=1"), 10, 10, 1);
        }
        assertEquals(BigInteger.valueOf(10), recorded(tenant, "ai.tokens"));
        assertNull(quarantinedUntil(tenant), "a spend cap is no fault: the plugin is not quarantined");

        JsonNode degraded = kernel.post("/api/v1/tenants/capped/metered/spend-or-degrade?quantity=3", kernel.adminToken(), Map.of()).json();
        assertTrue(degraded.get("degraded").asBoolean(), "plugin code may catch the refusal: " + degraded);
        assertEquals(0, degraded.get("left").asLong());

        HttpResult unlimited = spend("capped", "meter=ai.requests&quantity=1000");
        assertEquals(200, unlimited.status(), "a meter the licence does not limit records as before: " + unlimited.body());
        assertEquals(BigInteger.valueOf(1000), recorded(tenant, "ai.requests"));
    }

    @Test
    void aTenantWithoutALicenceIsNotLimited() {
        UUID tenant = tenant("unlicensed", Optional.empty());
        for (int call = 0; call < 3; call++) {
            assertEquals(200, spend("unlicensed", "quantity=" + UsageMeter.MAX_QUANTITY).status());
        }
        assertEquals(BigInteger.valueOf(3 * UsageMeter.MAX_QUANTITY), recorded(tenant, "ai.tokens"));
    }

    @Test
    void usageBeforeTheLicenceStartedDoesNotCount() throws SQLException {
        UUID tenant = tenant("renewed", Optional.of(10L));
        try (Connection owner = kernel.ownerConnection();
             PreparedStatement insert = owner.prepareStatement("INSERT INTO kernel.usage_records "
                     + "(tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) VALUES (?, 'metered', 'ai.tokens', ?, "
                     + "'token', ?, 'last-period')")) {
            for (Instant at : List.of(PERIOD.minus(Duration.ofDays(20)), PERIOD.minusMillis(1))) {
                insert.setObject(1, tenant);
                insert.setLong(2, 10);
                insert.setObject(3, at.atOffset(java.time.ZoneOffset.UTC));
                insert.executeUpdate();
            }
        }
        assertEquals(200, spend("renewed", "quantity=10").status(), "the last period's 20 do not count in this one");
        assertSpendCap(spend("renewed", "quantity=1"), 10, 10, 1);
        assertEquals(BigInteger.valueOf(30), recorded(tenant, "ai.tokens"));
    }

    @Test
    void parallelCallsNeverTogetherPassTheLimit() throws Exception {
        UUID tenant = tenant("rush", Optional.of(20L));
        int calls = 60;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<HttpResult>> answers = new ArrayList<>();
            for (int call = 0; call < calls; call++) {
                answers.add(pool.submit(() -> spend("rush", "quantity=1")));
            }
            for (Future<HttpResult> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS).status());
            }
        } finally {
            pool.shutdownNow();
        }
        long served = statuses.stream().filter(status -> status == 200).count();
        assertTrue(statuses.stream().allMatch(status -> status == 200 || status == 402 || status == 429), statuses.toString());
        assertTrue(served <= 20, served + " calls served: " + statuses);
        assertEquals(BigInteger.valueOf(served), recorded(tenant, "ai.tokens"), "each call served recorded 1, each refused one nothing");
        long more = 0;
        while (spend("rush", "quantity=1").status() == 200) {
            more++;
        }
        assertEquals(20, served + more, "the limit is reached exactly");
        assertEquals(BigInteger.valueOf(20), recorded(tenant, "ai.tokens"));
    }

    @Test
    void aStreamMessageAnswersTheProblemAndAJobIsRefusedAlikeWithoutAFault() {
        UUID tenant = tenant("streaming", Optional.of(5L));
        String key = kernel.createApiKey("streaming", "tenant-admin");
        try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/streaming/metered/live"),
                                                key).open()) {
            assertEquals(4, client.send("4").nextJson().get("recorded").asLong());
            JsonNode error = client.send("2").nextJson();
            assertEquals("error", error.get("type").asText(), error.toString());
            JsonNode problem = error.get("problem");
            assertEquals("urn:voicecore:problem:spend-cap-reached", problem.get("type").asText(), error.toString());
            assertEquals(402, problem.get("status").asInt());
            assertEquals(4, problem.get("used").asLong());
            assertFalse(problem.get("requestId").asText().isBlank());
            assertEquals(1, client.send("1").nextJson().get("recorded").asLong(), "the stream stays open and records within the limit");
        }
        UsageLimitReachedException job = assertThrows(UsageLimitReachedException.class,
                () -> kernel.kernel().services().plugins().events().runJob(tenant, "metered", "spend"));
        assertEquals(5, job.used());
        assertEquals(BigInteger.valueOf(5), recorded(tenant, "ai.tokens"));
        assertNull(quarantinedUntil(tenant));
    }

    private static Instant quarantinedUntil(UUID tenant) {
        try (Connection owner = kernel.ownerConnection();
             PreparedStatement query = owner.prepareStatement(
                     "SELECT quarantined_until FROM kernel.tenant_plugins WHERE tenant_id = ? AND plugin_id = 'metered'")) {
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
