package io.voicecore.kernel.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.RedisTestServer;
import io.voicecore.kernel.testing.TestKernel;

/**
 * Each node caches API keys and tenants for the request path; a change made through one node must bind every node:
 * at once on the node that made it, and as soon as the notification crosses Redis on the others.
 */
class CachedCredentialsAcrossNodesTest {
    private static final long PROPAGATION_MILLIS = 5_000;

    @Test
    void aKeyRevokedOnOneNodeIsRefusedOnEveryNode() {
        try (RedisTestServer redis = RedisTestServer.start();
             TestKernel nodeA = redisKernel(TestKernel.builder(), redis);
             TestKernel nodeB = redisKernel(TestKernel.builder().database(nodeA.jdbcUrl()).adminToken(nodeA.adminToken()), redis)) {
            String shop = nodeA.createTenant("revoke-across");
            HttpResult created = nodeA.post("/api/v1/tenants/" + shop + "/api-keys", nodeA.adminToken(),
                                            Map.of("name", "front desk", "role", "tenant-user"));
            String secret = created.json().get("secret").asText();
            String keyId = created.json().get("id").asText();
            String path = "/api/v1/tenants/" + shop;
            for (int i = 0; i < 3; i++) {
                assertEquals(200, nodeA.get(path, secret).status());
                assertEquals(200, nodeB.get(path, secret).status());
            }

            assertEquals(200, nodeA.delete("/api/v1/tenants/" + shop + "/api-keys/" + keyId, nodeA.adminToken()).status());

            HttpResult onA = nodeA.get(path, secret);
            assertEquals(401, onA.status(), "the revoking node refuses the key at once: " + onA);
            assertEquals("urn:voicecore:problem:credentials-revoked", onA.json().get("type").asText());
            HttpResult onB = eventually(() -> nodeB.get(path, secret), r -> r.status() == 401);
            assertEquals(401, onB.status(), "the other node refuses it once notified: " + onB);
        }
    }

    @Test
    void aTenantSuspendedOnOneNodeIsRefusedOnEveryNodeAndItsChangesAreSeen() {
        try (RedisTestServer redis = RedisTestServer.start();
             TestKernel nodeA = redisKernel(TestKernel.builder(), redis);
             TestKernel nodeB = redisKernel(TestKernel.builder().database(nodeA.jdbcUrl()).adminToken(nodeA.adminToken()), redis)) {
            String shop = nodeA.createTenant("suspend-across");
            String key = nodeA.createApiKey(shop, "tenant-admin");
            String path = "/api/v1/tenants/suspend-across";
            assertEquals("Tenant suspend-across", nodeB.get(path, key).json().get("name").asText());
            assertEquals(200, nodeA.get(path, key).status());

            assertEquals(200, nodeA.patch("/api/v1/tenants/" + shop, key, Map.of("name", "Renamed Co")).status());
            HttpResult renamed = eventually(() -> nodeB.get(path, key), r -> "Renamed Co".equals(name(r)));
            assertEquals("Renamed Co", name(renamed), "the other node serves the renamed tenant: " + renamed);

            assertEquals(200, nodeA.patch("/api/v1/tenants/" + shop, nodeA.adminToken(), Map.of("status", "suspended")).status());
            HttpResult onA = nodeA.get(path, key);
            assertEquals(403, onA.status(), "the suspending node refuses the tenant's key at once: " + onA);
            assertEquals("urn:voicecore:problem:tenant-suspended", onA.json().get("type").asText());
            assertEquals(403, eventually(() -> nodeB.get(path, key), r -> r.status() == 403).status());

            assertEquals(200, nodeB.patch("/api/v1/tenants/" + shop, nodeB.adminToken(), Map.of("status", "active")).status());
            assertEquals(200, nodeB.get(path, key).status());
            assertEquals(200, eventually(() -> nodeA.get(path, key), r -> r.status() == 200).status(), "reactivated everywhere");
        }
    }

    private static String name(HttpResult result) {
        JsonNode json = result.status() == 200 ? result.json() : null;
        return json == null ? null : json.get("name").asText();
    }

    private static HttpResult eventually(Supplier<HttpResult> request, java.util.function.Predicate<HttpResult> done) {
        long deadline = System.currentTimeMillis() + PROPAGATION_MILLIS;
        HttpResult result = request.get();
        while (!done.test(result) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            result = request.get();
        }
        return result;
    }

    private static TestKernel redisKernel(TestKernel.Builder builder, RedisTestServer redis) {
        return builder.set("redis.url", "redis://127.0.0.1:" + redis.port()).start();
    }
}
