package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a plugin while it serves: no call fails, in-flight calls finish on the version they started
 * on, new calls go to the new version, and a version asking for more permissions waits for each
 * tenant's consent.
 */
class HotUpgradeTest {
    static final int CLIENTS = 4;
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        // The clients below send a few thousand requests a minute; the default rate limit would refuse them.
        kernel = TestKernel.builder().set("rate-limit.per-minute", "10000000").start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** A version of the plugin: {@code /version} answers at once, {@code /slow} after about a second. */
    private static PluginJar upgrader(String version, List<String> permissions) {
        return plugin("upgrader", version, permissions, List.of("GET /version", "GET /slow"),
                "limits: {timeoutMillis: 5000, concurrency: 32}\n", """
                setup.route(HttpMethod.GET, "/version", (request, context) ->
                        Response.ok(Json.object().put("version", "%1$s").build()));
                setup.route(HttpMethod.GET, "/slow", (request, context) -> {
                    Thread.sleep(1000);
                    return Response.ok(Json.object().put("version", "%1$s").build());
                });
                """.formatted(version), "");
    }

    /** One client call: when it started, and what it got. */
    record Call(long startedNanos, int status, String version, String body) {
    }

    private static Call call(String tenant, String route) {
        long started = System.nanoTime();
        HttpResult result = kernel.get("/api/v1/tenants/" + tenant + "/upgrader" + route, kernel.adminToken());
        String version = result.status() == 200 ? result.json().get("version").asText() : "";
        return new Call(started, result.status(), version, result.body());
    }

    private static String version(String tenant) {
        Call call = call(tenant, "/version");
        assertEquals(200, call.status(), call.body());
        return call.version();
    }

    @Test
    void upgradeUnderLoadLosesNoCallAndConsentGatesNewPermissions() throws Exception {
        kernel.createTenant("hot-a");
        Path v2 = upgrader("2.0.0", List.of("usage")).build();
        Path v3 = upgrader("3.0.0", List.of("usage", "secrets")).build();
        assertEquals(201, install(kernel, upgrader("1.0.0", List.of("usage")).build()).status());
        assertEquals(200, enable(kernel, "hot-a", "upgrader", List.of("usage")).status());
        assertEquals("1.0.0", version("hot-a"));

        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        long upgradedAt;
        Call slow;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                loops.add(clients.submit(() -> {
                    // Bounded: stops when told, after 10 s, or after 20 000 calls, whichever comes first.
                    for (int n = 0; n < 20_000 && !stop.get() && System.nanoTime() < deadline; n++) {
                        calls.add(call("hot-a", "/version"));
                    }
                }));
            }
            Thread.sleep(1000);
            Future<Call> inFlight = clients.submit(() -> call("hot-a", "/slow"));
            Thread.sleep(300); // the slow call is now inside version 1.0.0's handler
            HttpResult upgraded = install(kernel, v2);
            upgradedAt = System.nanoTime();
            assertEquals(201, upgraded.status(), upgraded.body());
            assertEquals("1.0.0", upgraded.json().get("upgradedFrom").asText());
            assertEquals(1, upgraded.json().get("tenantsMoved").asInt());
            Thread.sleep(1700);
            stop.set(true);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            slow = inFlight.get(30, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            clients.shutdownNow();
        }

        assertEquals(200, slow.status(), slow.body());
        assertEquals("1.0.0", slow.version(), "a call in flight during the upgrade finishes on the version it started on");

        Map<String, Integer> seen = new java.util.TreeMap<>();
        List<Call> failures = new ArrayList<>();
        List<Call> staleAfterUpgrade = new ArrayList<>();
        for (Call c : calls) {
            if (c.status() != 200 || !(c.version().equals("1.0.0") || c.version().equals("2.0.0"))) {
                failures.add(c);
                continue;
            }
            seen.merge(c.version(), 1, Integer::sum);
            if (c.startedNanos() > upgradedAt && !c.version().equals("2.0.0")) {
                staleAfterUpgrade.add(c);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + calls.size() + " calls failed, e.g. "
                                       + failures.stream().limit(3).toList());
        assertTrue(seen.getOrDefault("1.0.0", 0) > 0 && seen.getOrDefault("2.0.0", 0) > 0, "both versions answered: " + seen);
        assertTrue(staleAfterUpgrade.isEmpty(), staleAfterUpgrade.size() + " calls started after the upgrade answered "
                                                + "from 1.0.0, e.g. " + staleAfterUpgrade.stream().limit(3).toList());
        assertEquals("2.0.0", version("hot-a"));

        // Version 3.0.0 asks for one more permission: hot-a stays on 2.0.0 until its admin consents.
        HttpResult third = install(kernel, v3);
        assertEquals(201, third.status(), third.body());
        assertEquals(0, third.json().get("tenantsMoved").asInt());
        assertEquals(1, third.json().get("tenantsAwaitingConsent").asInt());
        assertEquals("2.0.0", version("hot-a"));
        JsonNode waiting = kernel.get("/api/v1/tenants/hot-a/plugins/upgrader", kernel.adminToken()).json();
        assertEquals("upgrade-awaiting-consent", waiting.get("state").asText(), waiting.toString());
        assertEquals("2.0.0", waiting.get("activeVersion").asText());
        assertEquals("3.0.0", waiting.get("latestVersion").asText());
        assertEquals("[\"secrets\"]", waiting.get("pendingPermissions").toString());

        kernel.createTenant("hot-b");
        assertEquals(422, enable(kernel, "hot-b", "upgrader", List.of("usage")).status(), "a new tenant consents to 3.0.0's permissions");
        assertEquals(200, enable(kernel, "hot-b", "upgrader", List.of("usage", "secrets")).status());
        assertEquals("3.0.0", version("hot-b"));
        assertEquals("2.0.0", version("hot-a"), "another tenant's consent does not move hot-a");

        String hotAdmin = kernel.createApiKey("hot-a", "tenant-admin");
        HttpResult consent = kernel.put("/api/v1/tenants/hot-a/plugins/upgrader", hotAdmin,
                                        Map.of("grantedPermissions", List.of("usage", "secrets")));
        assertEquals(200, consent.status(), consent.body());
        assertEquals("enabled", consent.json().get("state").asText(), consent.body());
        assertEquals("3.0.0", consent.json().get("activeVersion").asText());
        assertEquals("3.0.0", version("hot-a"));
    }
}
