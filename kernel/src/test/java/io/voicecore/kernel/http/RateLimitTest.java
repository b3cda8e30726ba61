package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.RedisTestServer;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-minute request limit over real HTTP: per credential, per address for anonymous callers, and
 * shared by every node that points at the same Redis. The kernel counts in fixed windows of one UTC minute,
 * so each scenario runs inside a single minute (see {@link #inOneWindow}).
 */
class RateLimitTest {
    private static final int LIMIT = 5;
    /** A scenario does not start with less than this left in the current minute. */
    private static final long SAFETY_MILLIS = 5_000;

    private static TestKernel kernel;
    private static String tenant;
    private static String limitedKey;
    private static String otherKey;
    private static String bystanderKey;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().set("rate-limit.per-minute", Integer.toString(LIMIT)).start();
        // Four admin requests: below the limit, which applies to the admin token too.
        tenant = kernel.createTenant("rate-limited");
        limitedKey = kernel.createApiKey(tenant, "tenant-user");
        otherKey = kernel.createApiKey(tenant, "tenant-user");
        bystanderKey = kernel.createApiKey(tenant, "tenant-user");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private record KeyScenario(List<HttpResult> limited, HttpResult other, long secondsLeftBefore, long secondsLeftAfter) {
    }

    @Test
    void sixthRequestWithOneKeyIsRefusedWhileAnotherKeyIsServed() {
        String path = "/api/v1/tenants/" + tenant;
        KeyScenario seen = inOneWindow(() -> {
            List<HttpResult> limited = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                limited.add(kernel.get(path, limitedKey));
            }
            long before = secondsLeftInWindow();
            limited.add(kernel.send(kernel.request(path, limitedKey).header("X-Request-Id", "over-the-limit-1").GET().build()));
            long after = secondsLeftInWindow();
            HttpResult other = kernel.get(path, otherKey);
            return new KeyScenario(limited, other, before, after);
        });

        for (int i = 0; i < LIMIT; i++) {
            assertEquals(200, seen.limited().get(i).status(), "request " + (i + 1) + " is within the limit: " + seen.limited().get(i));
        }
        HttpResult refused = seen.limited().get(LIMIT);
        assertRateLimited(refused);
        assertEquals("over-the-limit-1", refused.header("X-Request-Id"), "the caller's request id is echoed");
        assertEquals("over-the-limit-1", refused.json().get("requestId").asText());
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= seen.secondsLeftAfter() && retryAfter <= seen.secondsLeftBefore(),
                   "Retry-After " + retryAfter + " should be the rest of the minute, between " + seen.secondsLeftAfter()
                   + " and " + seen.secondsLeftBefore());

        assertEquals(200, seen.other().status(), "another credential has a window of its own: " + seen.other());
    }

    private record AnonymousScenario(List<HttpResult> anonymous, HttpResult guessedToken, HttpResult credential) {
    }

    @Test
    void anonymousRequestsAreLimitedByAddress() {
        AnonymousScenario seen = inOneWindow(() -> {
            List<HttpResult> anonymous = new ArrayList<>();
            for (int i = 0; i <= LIMIT; i++) {
                // No credential at all, or a wrong one: either way the caller is only known by address.
                anonymous.add(kernel.get("/api/v1/tenants", i % 2 == 0 ? null : "vck_not-a-real-key-" + i));
            }
            HttpResult guessed = kernel.get("/api/v1/tenants", "some-guessed-admin-token");
            HttpResult credential = kernel.get("/api/v1/tenants/" + tenant, bystanderKey);
            return new AnonymousScenario(anonymous, guessed, credential);
        });

        for (int i = 0; i < LIMIT; i++) {
            HttpResult result = seen.anonymous().get(i);
            assertEquals(401, result.status(), "request " + (i + 1) + " is refused for its credentials, not yet limited: " + result);
        }
        assertRateLimited(seen.anonymous().get(LIMIT));
        assertRateLimited(seen.guessedToken());
        assertEquals(200, seen.credential().status(), "a valid credential from the same address has its own window: " + seen.credential());
    }

    @Test
    void nodesSharingRedisShareOneWindow() {
        // A server of its own: the kernel's key prefix is fixed, so kernels on one Redis share every window.
        try (RedisTestServer redis = RedisTestServer.start();
             TestKernel nodeA = redisKernel(TestKernel.builder(), redis)) {
            String shop = nodeA.createTenant("two-nodes");
            String key = nodeA.createApiKey(shop, "tenant-user");
            try (TestKernel nodeB = redisKernel(TestKernel.builder().database(nodeA.jdbcUrl()).adminToken(nodeA.adminToken()), redis)) {
                String path = "/api/v1/tenants/" + shop;
                List<HttpResult> seen = inOneWindow(() -> {
                    List<HttpResult> results = new ArrayList<>();
                    for (TestKernel node : List.of(nodeA, nodeA, nodeA, nodeB, nodeB, nodeB)) {
                        results.add(node.get(path, key));
                    }
                    return results;
                });
                for (int i = 0; i < LIMIT; i++) {
                    assertEquals(200, seen.get(i).status(), "request " + (i + 1) + " is within the shared limit: " + seen.get(i));
                }
                assertRateLimited(seen.get(LIMIT));
            }
        }
    }

    @Test
    void readinessReportsRedisAndFailsWhenItStops() {
        RedisTestServer redis = RedisTestServer.start();
        try (TestKernel node = redisKernel(TestKernel.builder(), redis)) {
            HttpResult healthy = node.get("/observe/health", null);
            assertEquals(200, healthy.status(), healthy.body());
            assertEquals("UP", healthy.json().get("status").asText());
            JsonNode sharedState = check(healthy, "shared-state");
            assertEquals("UP", sharedState.get("status").asText());
            assertEquals("redis", sharedState.get("data").get("kind").asText());

            redis.close();

            HttpResult ready = node.get("/observe/health/ready", null);
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", ready.json().get("status").asText());
            assertEquals("DOWN", check(ready, "shared-state").get("status").asText());
            assertEquals("UP", check(ready, "database").get("status").asText(), "only Redis is gone");

            HttpResult live = node.get("/observe/health/live", null);
            assertEquals(200, live.status(), "the process itself still serves: " + live.body());
            assertEquals("UP", live.json().get("status").asText());

            HttpResult api = node.get("/api/v1/tenants", node.adminToken());
            assertEquals(503, api.status(), "an API call answers 'unavailable', not an internal error: " + api.body());
            assertEquals("application/problem+json", api.contentType());
            assertEquals("urn:voicecore:problem:unavailable", api.json().get("type").asText());
        } finally {
            redis.close();
        }
    }

    private static TestKernel redisKernel(TestKernel.Builder builder, RedisTestServer redis) {
        return builder.set("rate-limit.per-minute", Integer.toString(LIMIT))
                .set("redis.url", "redis://127.0.0.1:" + redis.port())
                .start();
    }

    private static void assertRateLimited(HttpResult result) {
        assertEquals(429, result.status(), result.toString());
        assertEquals(ProblemWriter.MEDIA_TYPE, result.contentType());
        JsonNode problem = result.json();
        assertEquals("urn:voicecore:problem:rate-limited", problem.get("type").asText());
        assertEquals(429, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains("retry after"), problem.get("detail").asText());
        String retryAfter = result.header("Retry-After");
        assertNotNull(retryAfter, "a 429 says when to retry");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After " + seconds + " is outside 1..60");
        String requestId = result.header("X-Request-Id");
        assertNotNull(requestId, "a 429 carries the request id");
        assertEquals(requestId, problem.get("requestId").asText());
    }

    private static JsonNode check(HttpResult health, String name) {
        for (JsonNode check : health.json().get("checks")) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no '" + name + "' check in " + health.body());
    }

    /** Seconds until the current one-minute window ends, 1..60, as the kernel computes Retry-After. */
    private static long secondsLeftInWindow() {
        long nowSeconds = System.currentTimeMillis() / 1000;
        return 60 - nowSeconds % 60;
    }

    /**
     * Runs a scenario so that all its requests fall into one window (one UTC minute, the kernel's clock is
     * this machine's). It waits for the next minute when little of the current one is left, and reruns the
     * scenario in a fresh window if it still straddled a boundary.
     */
    private static <T> T inOneWindow(Supplier<T> scenario) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long millisLeft = 60_000 - System.currentTimeMillis() % 60_000;
            if (millisLeft < SAFETY_MILLIS) {
                sleep(millisLeft + 100);
            }
            long window = System.currentTimeMillis() / 60_000;
            T result = scenario.get();
            if (System.currentTimeMillis() / 60_000 == window) {
                return result;
            }
            // Part of this attempt already counts in the window now running, so start in the one after it.
            sleep(60_000 - System.currentTimeMillis() % 60_000 + 100);
        }
        throw new AssertionError("three attempts each straddled a minute boundary; the machine is too slow for this test");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
