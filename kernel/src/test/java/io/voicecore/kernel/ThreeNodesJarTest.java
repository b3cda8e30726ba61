package io.voicecore.kernel;

import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.KernelProcess;
import io.voicecore.kernel.testing.OneShotHttp;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.RedisTestServer;
import io.voicecore.kernel.testing.RoundRobinProxy;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.TestPostgres;

/**
 * Three kernel processes, started from the packaged jar as an operator starts them, on one PostgreSQL and one real
 * Redis, behind a round-robin load balancer: what one node changes binds the others within a second, limits and
 * quarantine hold across them, a cron job runs once per due time, events are delivered at least once and repeated only
 * within the documented bound, and a node killed with SIGKILL under load loses no committed event and only the requests
 * in flight on it. The scenarios share the cluster and run in order; the last one kills a node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodesJarTest {
    /**
     * How soon a change made through one node must bind the others, from the moment that node answered the change
     * (docs/operator-guide.md, "Several nodes").
     */
    private static final long PROPAGATION_MILLIS = 1_000;
    private static final int RATE_LIMIT = 300;
    /** A node's claim on deliveries: how late the others take over what a dead node had started. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(1);
    /** Deliveries a dead node may repeat: its share in progress, at most one batch (docs/plugin-events.md). */
    private static final int REPEAT_BOUND = 500;
    private static final String TOPIC = "herald.news.posted";

    private static RedisTestServer redis;
    private static final List<KernelProcess> nodes = new ArrayList<>();
    private static RoundRobinProxy proxy;
    private static String adminToken;
    private static String tenant;
    private static final List<Path> folders = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisTestServer.start();
        String database = TestPostgres.newDatabase();
        adminToken = "test-admin-" + java.util.UUID.randomUUID();
        Path plugins = folder("voicecore-nodes-plugins");
        List<Future<KernelProcess>> starting = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            for (String name : List.of("node-a", "node-b", "node-c")) {
                Map<String, String> settings = new HashMap<>();
                settings.put("db.url", database);
                settings.put("db.user", "postgres");
                settings.put("db.pool-size", "6");
                settings.put("redis.url", redis.url());
                settings.put("admin-token", adminToken);
                settings.put("master-key", TestKernel.MASTER_KEY);
                settings.put("data", folder("voicecore-" + name).toString());
                settings.put("plugins.dir", plugins.toString());
                settings.put("rate-limit.per-minute", Integer.toString(RATE_LIMIT));
                settings.put("plugins.events.claim-timeout", CLAIM_TIMEOUT.toSeconds() + "s");
                starting.add(starter.submit(() -> KernelProcess.start(name, settings)));
                // The first node migrates the database alone; the others start once it is up.
                if (name.equals("node-a")) {
                    nodes.add(starting.get(0).get(4, TimeUnit.MINUTES));
                }
            }
            for (Future<KernelProcess> node : starting.subList(1, starting.size())) {
                nodes.add(node.get(4, TimeUnit.MINUTES));
            }
        } finally {
            starter.shutdown();
        }
        proxy = new RoundRobinProxy(nodes.stream().map(KernelProcess::port).toList());
        tenant = created(nodeA().send("POST", "/api/v1/tenants", adminToken, null,
                OneShotHttp.json("{\"name\": \"Three nodes\", \"slug\": \"three-nodes\"}"))).get("id").asText();
        // The cron job runs all along; its runs are counted at the end.
        install(ticker());
        enable("ticker", "[\"scheduler\", \"storage\"]");
    }

    @AfterAll
    static void stopCluster() {
        if (proxy != null) {
            proxy.close();
        }
        nodes.forEach(KernelProcess::close);
        if (redis != null) {
            redis.close();
        }
        folders.forEach(ThreeNodesJarTest::deleteTree);
    }

    @Test
    @Order(1)
    void aPluginInstalledUpgradedOrDisabledThroughOneNodeServesSoOnTheOthers() {
        String hello = "/api/v1/tenants/" + tenant + "/greeter/hello";
        // Installed and enabled through node A: B and C serve it.
        List<String> keys = pollingKeys();
        install(TestPlugins.wellBehaved("1.0.0"));
        long installed = System.nanoTime();
        enable("greeter", "[\"storage\"]");
        long served = awaitOnOthers(keys, hello, r -> r.status() == 200 && r.body().contains("hello from 1.0.0"));
        assertWithinPropagation("install and enable", installed, served);

        keys = pollingKeys();
        HttpResult upgrade = install(TestPlugins.wellBehaved("2.0.0"));
        long upgraded = System.nanoTime();
        assertEquals(1, upgrade.json().get("tenantsMoved").asInt(), upgrade.body());
        served = awaitOnOthers(keys, hello, r -> r.status() == 200 && r.body().contains("hello from 2.0.0"));
        assertWithinPropagation("upgrade", upgraded, served);

        keys = pollingKeys();
        HttpResult disable = nodeA().send("DELETE", "/api/v1/tenants/" + tenant + "/plugins/greeter", adminToken, null, null);
        long disabled = System.nanoTime();
        assertEquals(200, disable.status(), disable.body());
        served = awaitOnOthers(keys, hello, r -> r.status() != 200);
        assertWithinPropagation("disable", disabled, served);
        for (KernelProcess node : nodes) {
            HttpResult refused = node.send("GET", hello, newKey(), null, null);
            assertEquals("urn:voicecore:problem:plugin-not-enabled", refused.json().get("type").asText(),
                         node.name() + " still serves the disabled plugin: " + refused);
        }
    }

    @Test
    @Order(2)
    void aPluginQuarantinedThroughFaultsOnSomeNodesIsQuarantinedOnEveryNode() {
        install(plugin("flaky", "1.0.0", List.of(), List.of("GET /boom"), "", """
                setup.route(HttpMethod.GET, "/boom", (request, context) -> {
                    throw new IllegalStateException("broken on purpose");
                });
                """, ""));
        enable("flaky", "[]");
        String boom = "/api/v1/tenants/" + tenant + "/flaky/boom";
        String key = newKey();
        // Five faults (the quarantine threshold) through the balancer: they fall on all three nodes.
        List<String> keys = pollingKeys();
        for (int i = 0; i < 5; i++) {
            HttpResult fault = viaProxy("GET", boom, key, null);
            assertEquals(500, fault.status(), "fault " + (i + 1) + ": " + fault);
        }
        long faulted = System.nanoTime();
        long quarantined = awaitOnAll(keys, boom, r -> r.status() == 503);
        assertWithinPropagation("quarantine", faulted, quarantined);
        for (KernelProcess node : nodes) {
            HttpResult refused = node.send("GET", boom, key, null, null);
            assertEquals("urn:voicecore:problem:plugin-quarantined", refused.json().get("type").asText(), node.name() + ": " + refused);
        }
    }

    @Test
    @Order(3)
    void theRateLimitOfAKeyHoldsAcrossNodesWithinTheDocumentedTolerance() throws Exception {
        String path = "/api/v1/tenants/" + tenant;
        int[] before = {proxy.connections(0), proxy.connections(1), proxy.connections(2)};
        // The limit counts per UTC minute: a run that a busy machine stretched over two minutes is run again.
        List<Integer> statuses = List.of();
        for (int attempt = 0; attempt < 3 && statuses.isEmpty(); attempt++) {
            awaitWindowWithAtLeast(Duration.ofSeconds(25));
            statuses = requestsInOneWindow(path, newKey(), RATE_LIMIT + 60);
        }
        assertFalse(statuses.isEmpty(), "three runs of the requests each straddled two minutes");
        long admitted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        System.out.println("Rate limit across three nodes: " + admitted + " of " + statuses.size() + " admitted, limit " + RATE_LIMIT);
        assertEquals(statuses.size(), admitted + refused, "every answer is 200 or 429: " + statuses);
        // Each node takes a fiftieth of the limit from Redis at once; what it took and did not use is lost to the others.
        int chunk = RATE_LIMIT / 50;
        assertTrue(admitted <= RATE_LIMIT && admitted >= RATE_LIMIT - 3 * (chunk - 1),
                   admitted + " admitted across three nodes with a limit of " + RATE_LIMIT + " a minute");
        for (int node = 0; node < 3; node++) {
            assertTrue(proxy.connections(node) - before[node] >= statuses.size() / 4,
                       "the balancer spread the requests over the nodes: node " + node + " got " + (proxy.connections(node) - before[node]));
        }
    }

    @Test
    @Order(4)
    void eventsPublishedThroughEveryNodeAreDeliveredOnceEachWhileNoNodeDies() {
        install(herald());
        install(listener());
        enable("herald", "[\"events:publish\"]");
        enable("listener", "[\"events:subscribe\", \"storage\"]");
        String key = newKey();
        Set<String> published = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            HttpResult posted = viaProxy("POST", "/api/v1/tenants/" + tenant + "/herald/post", key, "{}");
            assertEquals(201, posted.status(), posted.body());
            published.add(posted.json().get("eventId").asText());
        }
        JsonNode deliveries = awaitDeliveries(published, Duration.ofSeconds(30));
        assertEquals(published.size(), deliveries.get("distinct").asInt(), deliveries.toString());
        assertEquals(published.size(), deliveries.get("rows").asInt(), "no event delivered twice while every node lives: " + deliveries);
    }

    @Test
    @Order(5)
    void aNodeKilledUnderLoadLosesNoCommittedEventAndOnlyItsRequestsInFlight() throws Exception {
        KernelProcess victim = nodes.get(2);
        ConcurrentLinkedQueue<String> committed = new ConcurrentLinkedQueue<>();
        record Failure(long startedNanos, String what) {
        }
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> successStarts = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        int clients = 6;
        ExecutorService load = Executors.newFixedThreadPool(clients);
        long killedAt;
        int exitCode;
        int deliveredBefore = deliveries(newKey()).get("rows").asInt();
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                // Keys enough that the load stays under each one's rate limit: only the kill may fail a request.
                List<String> keys = List.of(newKey(), newKey(), newKey(), newKey(), newKey(), newKey());
                loops.add(load.submit(() -> {
                    for (int request = 0; !stop.get(); request++) {
                        long started = System.nanoTime();
                        try {
                            HttpResult posted = viaProxy("POST", "/api/v1/tenants/" + tenant + "/herald/post",
                                                         keys.get(request % keys.size()), "{}");
                            if (posted.status() == 201) {
                                committed.add(posted.json().get("eventId").asText());
                                successStarts.add(started);
                            } else {
                                failures.add(new Failure(started, posted.toString()));
                            }
                        } catch (UncheckedIOException broken) {
                            failures.add(new Failure(started, broken.getMessage()));
                        }
                    }
                }));
            }
            Thread.sleep(3_000);
            exitCode = victim.kill();
            killedAt = System.nanoTime();
            Thread.sleep(4_000);
            stop.set(true);
            for (Future<?> loop : loops) {
                loop.get(1, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            load.shutdownNow();
        }

        assertEquals(137, exitCode, "the node died of SIGKILL (128 + 9)");
        assertTrue(proxy.isDown(2), "the balancer took the dead node out");
        assertTrue(failures.size() <= clients, failures.size() + " requests failed, more than the " + clients
                   + " that can have been in flight on the dead node: " + failures);
        List<Failure> afterKill = failures.stream().filter(f -> f.startedNanos() > killedAt).toList();
        assertTrue(afterKill.isEmpty(), "requests started after the node died failed: " + afterKill);
        assertTrue(successStarts.stream().anyMatch(started -> started > killedAt), "the other nodes kept serving the load");
        System.out.println("Kill under load: " + committed.size() + " events committed, " + failures.size()
                           + " requests failed (in flight on the dead node), " + proxy.refusedConnections()
                           + " connections refused by it and sent on");
        for (KernelProcess survivor : nodes.subList(0, 2)) {
            HttpResult health = survivor.send("GET", "/api/v1/tenants/" + tenant, newKey(), null, null);
            assertEquals(200, health.status(), survivor.name() + " after the kill: " + health);
        }

        // Every event whose request got its 201 is delivered, those the dead node held once its claim lapsed.
        Set<String> expected = new HashSet<>(committed);
        JsonNode deliveries = awaitDeliveries(expected, CLAIM_TIMEOUT.plusSeconds(45));
        int repeats = deliveries.get("rows").asInt() - deliveredBefore - (deliveries.get("distinct").asInt() - 60);
        assertTrue(repeats <= REPEAT_BOUND, repeats + " repeated deliveries, more than one batch");
        System.out.println("Deliveries after the kill: " + repeats + " repeated");
        assertEquals(0, deliveries.get("firstAttemptRepeats").asInt(),
                     "only a lapsed claim repeats a delivery, with the next attempt number: " + deliveries);
    }

    @Test
    @Order(6)
    void aCronJobRunsOncePerDueTimeAcrossTheNodes() throws Exception {
        // The ticker was enabled before the first scenario; wait until it ran for at least one due minute.
        String key = newKey();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
        JsonNode ticks = ticks(key);
        while (ticks.size() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            ticks = ticks(key);
        }
        assertFalse(ticks.isEmpty(), "the job never ran");
        for (JsonNode minute : ticks) {
            assertEquals(1, minute.get("runs").asInt(), "the job ran more than once for the due time " + minute);
        }
    }

    /** Sends the requests with one key from six clients through the balancer; empty if they did not fit one minute. */
    private static List<Integer> requestsInOneWindow(String path, String key, int requests) throws Exception {
        long window = System.currentTimeMillis() / 60_000;
        List<Integer> statuses = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Integer>>> runs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                runs.add(clients.submit(() -> {
                    List<Integer> seen = new ArrayList<>();
                    for (int i = 0; i < requests / 6; i++) {
                        seen.add(viaProxy("GET", path, key, null).status());
                    }
                    return seen;
                }));
            }
            for (Future<List<Integer>> run : runs) {
                statuses.addAll(run.get(2, TimeUnit.MINUTES));
            }
        } finally {
            clients.shutdownNow();
        }
        return window == System.currentTimeMillis() / 60_000 ? statuses : List.of();
    }

    // --- plugins

    private static PluginJar ticker() {
        return plugin("ticker", "1.0.0", List.of("scheduler", "storage"), List.of("GET /ticks"), "", """
                setup.job("tick", "* * * * *", context -> context.storage().update(
                        "INSERT INTO ticks (tenant_id, minute) VALUES (?, date_trunc('minute', now()))", Storage.TENANT));
                setup.route(HttpMethod.GET, "/ticks", (request, context) -> {
                    List<Json> minutes = new ArrayList<>();
                    for (Row row : context.storage().query(
                            "SELECT minute::text AS minute, count(*) AS runs FROM ticks GROUP BY minute ORDER BY minute")) {
                        minutes.add(Json.object().put("minute", row.string("minute").orElseThrow())
                                .put("runs", row.number("runs").orElseThrow()).build());
                    }
                    return Response.ok(Json.array(minutes));
                });
                """, "").resource("db/migration/V1__ticks.sql", "CREATE TABLE ticks (tenant_id uuid NOT NULL, minute timestamptz NOT NULL);");
    }

    private static PluginJar herald() {
        return plugin("herald", "1.0.0", List.of("events:publish"), List.of("POST /post"),
                "events:\n  publishes: [" + TOPIC + "]\n", """
                setup.route(HttpMethod.POST, "/post", (request, context) -> {
                    String id = context.events().publish("%s", Json.object().put("headline", "news").build());
                    return Response.created(Json.object().put("eventId", id).build());
                });
                """.formatted(TOPIC), "");
    }

    /** Records every delivery, repeats included, with its attempt number. */
    private static PluginJar listener() {
        return plugin("listener", "1.0.0", List.of("events:subscribe", "storage"), List.of("GET /deliveries"),
                "events:\n  subscribes: [" + TOPIC + "]\n", """
                setup.onEvent("%s", (event, context) -> context.storage().update(
                        "INSERT INTO deliveries (tenant_id, event_id, attempt) VALUES (?, ?, ?)",
                        Storage.TENANT, event.id(), event.attempt()));
                setup.route(HttpMethod.GET, "/deliveries", (request, context) -> {
                    // One query, so the counts and the ids describe the same moment.
                    long rows = 0;
                    Set<String> ids = new TreeSet<>();
                    Set<String> firstAttempts = new HashSet<>();
                    long firstAttemptRepeats = 0;
                    for (Row row : context.storage().query("SELECT event_id, attempt FROM deliveries")) {
                        rows++;
                        String id = row.string("event_id").orElseThrow();
                        ids.add(id);
                        if (row.number("attempt").orElseThrow() == 1 && !firstAttempts.add(id)) {
                            firstAttemptRepeats++;
                        }
                    }
                    List<Json> idList = new ArrayList<>();
                    ids.forEach(id -> idList.add(Json.of(id)));
                    return Response.ok(Json.object().put("rows", rows).put("distinct", (long) ids.size())
                            .put("firstAttemptRepeats", firstAttemptRepeats).put("ids", Json.array(idList)).build());
                });
                """.formatted(TOPIC), "")
                .resource("db/migration/V1__deliveries.sql",
                          "CREATE TABLE deliveries (tenant_id uuid NOT NULL, event_id text NOT NULL, attempt int NOT NULL);");
    }

    // --- helpers

    private static KernelProcess nodeA() {
        return nodes.get(0);
    }

    private static HttpResult viaProxy(String method, String path, String token, String json) {
        return OneShotHttp.send(proxy.port(), method, path, token, null, json == null ? null : OneShotHttp.json(json));
    }

    private static HttpResult install(PluginJar jar) {
        try {
            HttpResult result = nodeA().send("POST", "/api/v1/plugins", adminToken, "application/java-archive",
                                             Files.readAllBytes(jar.build()));
            assertEquals(201, result.status(), result.body());
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void enable(String pluginId, String grants) {
        HttpResult result = nodeA().send("PUT", "/api/v1/tenants/" + tenant + "/plugins/" + pluginId, adminToken, null,
                                         OneShotHttp.json("{\"grantedPermissions\": " + grants + "}"));
        assertEquals(200, result.status(), result.body());
    }

    /** A fresh tenant-admin key, so no scenario spends another's rate limit. */
    private static String newKey() {
        return created(nodeA().send("POST", "/api/v1/tenants/" + tenant + "/api-keys", adminToken, null,
                OneShotHttp.json("{\"name\": \"key\", \"role\": \"tenant-admin\"}"))).get("secret").asText();
    }

    private static JsonNode created(HttpResult result) {
        assertEquals(201, result.status(), result.body());
        return result.json();
    }

    /** Polls nodes B and C until both answer as wanted; returns when the later one did. */
    private static long awaitOnOthers(List<String> keys, String path, Predicate<HttpResult> wanted) {
        return await(nodes.subList(1, 3), keys, path, wanted);
    }

    private static long awaitOnAll(List<String> keys, String path, Predicate<HttpResult> wanted) {
        return await(nodes, keys, path, wanted);
    }

    /** A fresh key for each node, made before the change whose arrival is timed (its polls may spend a key's limit). */
    private static List<String> pollingKeys() {
        return List.of(newKey(), newKey(), newKey());
    }

    private static long await(List<KernelProcess> which, List<String> keys, String path, Predicate<HttpResult> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long latest = 0;
        for (int i = 0; i < which.size(); i++) {
            KernelProcess node = which.get(i);
            String key = keys.get(i);
            HttpResult last = node.send("GET", path, key, null, null);
            while (!wanted.test(last)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(node.name() + " still answers " + last + " after 10 s");
                }
                sleep(5);
                last = node.send("GET", path, key, null, null);
            }
            latest = Math.max(latest, System.nanoTime());
        }
        return latest;
    }

    private static void assertWithinPropagation(String change, long changedNanos, long seenNanos) {
        long millis = (seenNanos - changedNanos) / 1_000_000;
        System.out.println("Propagation of the " + change + " to the other nodes: " + millis + " ms");
        assertTrue(millis <= PROPAGATION_MILLIS, "the " + change + " made through node A reached the other nodes after "
                   + millis + " ms, more than " + PROPAGATION_MILLIS + " ms");
    }

    private static JsonNode deliveries(String key) {
        HttpResult result = nodeA().send("GET", "/api/v1/tenants/" + tenant + "/listener/deliveries", key, null, null);
        assertEquals(200, result.status(), result.body());
        return result.json();
    }

    private static JsonNode awaitDeliveries(Set<String> expected, Duration limit) {
        String key = newKey();
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            JsonNode deliveries = deliveries(key);
            Set<String> missing = new HashSet<>(expected);
            deliveries.get("ids").forEach(id -> missing.remove(id.asText()));
            if (missing.isEmpty()) {
                return deliveries;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing.size() + " of " + expected.size() + " committed events were not delivered within "
                                         + limit + ", e.g. " + missing.stream().limit(3).toList());
            }
            sleep(1_000);
        }
    }

    private static JsonNode ticks(String key) {
        HttpResult result = nodeA().send("GET", "/api/v1/tenants/" + tenant + "/ticker/ticks", key, null, null);
        assertEquals(200, result.status(), result.body());
        return result.json();
    }

    /** Waits, if need be, for the next minute, so a run of requests fits in one rate-limit window. */
    private static void awaitWindowWithAtLeast(Duration left) {
        long millisLeft = 60_000 - System.currentTimeMillis() % 60_000;
        if (millisLeft < left.toMillis()) {
            sleep(millisLeft + 50);
        }
    }

    private static Path folder(String prefix) {
        Path folder = TestKernel.tempDir(prefix);
        folders.add(folder);
        return folder;
    }

    private static void deleteTree(Path folder) {
        try (var walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
