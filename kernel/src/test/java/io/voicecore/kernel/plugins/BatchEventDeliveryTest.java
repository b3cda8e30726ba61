package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import io.voicecore.kernel.plugins.runtime.EventCalls;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several events in one plugin call ({@link EventCalls#deliverAll}) with real plugins in a real kernel: a batch
 * handler ({@code PluginSetup.onEvents}) gets consecutive events of its topic in one invocation and succeeds or fails
 * as a whole; single handlers are called one event after another and stop the call at the first failure; every
 * handler invocation is held to the plugin's per-call deadline and allocation quota once per event it handles; and
 * no event starts after the caller's start-by time. The dispatcher uses it end to end.
 */
class BatchEventDeliveryTest {
    static final String TOPIC = "batch.item.added";
    static final String PER_EVENT_MIB = "perEventMiB";

    static TestKernel kernel;
    static EventCalls runtime;
    static UUID tenant;

    /**
     * Records each call of its batch handler (the n of its events, in order) in {@code calls}. An event with
     * {@code "fail": true} fails its batch; {@code "sleepMillis"} and {@code "allocateMiB"} make a batch take that long
     * and allocate that much per event it holds.
     */
    static String batcherSetup() {
        return """
                setup.onEvents("%s", (events, context) -> {
                    StringBuilder ns = new StringBuilder();
                    long sleep = 0;
                    long allocate = 0;
                    for (Event event : events) {
                        if (event.payload().has("fail")) {
                            throw new IllegalStateException("refused event " + event.id());
                        }
                        ns.append(ns.length() == 0 ? "" : ",").append(event.payload().get("n").asLong());
                        sleep += event.payload().has("sleepMillis") ? event.payload().get("sleepMillis").asLong() : 0;
                        allocate += event.payload().has("allocateMiB") ? event.payload().get("allocateMiB").asLong() : 0;
                    }
                    long kept = 0;
                    for (long i = 0; i < allocate * 16; i++) {
                        byte[] chunk = new byte[1 << 16];
                        kept += chunk.length;
                    }
                    Thread.sleep(sleep);
                    context.storage().update("INSERT INTO calls (tenant_id, ns, allocated) VALUES (?, ?, ?)", Storage.TENANT,
                                             ns.toString(), kept);
                });
                setup.route(HttpMethod.POST, "/publish", (request, context) -> {
                    long count = request.json().get("count").asLong();
                    context.storage().transaction(tx -> {
                        for (long i = 0; i < count; i++) {
                            context.events().publish("%s", Json.object().put("n", i).build());
                        }
                        return null;
                    });
                    return Response.ok(Json.object().put("published", count).build());
                });
                """.formatted(TOPIC, TOPIC);
    }

    /** Single handler: records each event's n in {@code handled}; {@code "fail"} throws, {@code "sleepMillis"} sleeps. */
    static String plodderSetup() {
        return """
                setup.onEvent("%s", (event, context) -> {
                    if (event.payload().has("fail")) {
                        throw new IllegalStateException("refused event " + event.id());
                    }
                    if (event.payload().has("sleepMillis")) {
                        Thread.sleep(event.payload().get("sleepMillis").asLong());
                    }
                    context.storage().update("INSERT INTO handled (tenant_id, n) VALUES (?, ?)", Storage.TENANT,
                                             event.payload().get("n").asLong());
                });
                """.formatted(TOPIC);
    }

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        runtime = kernel.kernel().services().plugins().events();
        tenant = UUID.fromString(kernel.createTenant("batches"));
        HttpResult batcher = install(kernel, plugin("batcher", "1.0.0", List.of("storage", "events:publish", "events:subscribe"),
                List.of("POST /publish"), "events:\n  publishes: [" + TOPIC + "]\n  subscribes: [" + TOPIC + "]\n"
                                          + "limits: {timeoutMillis: 1000, concurrency: 2}\n", batcherSetup(), "")
                .resource("db/migration/V1__calls.sql",
                          "CREATE TABLE calls (tenant_id uuid NOT NULL, id bigserial PRIMARY KEY, ns text NOT NULL, allocated bigint NOT NULL);")
                .build());
        assertEquals(201, batcher.status(), batcher.body());
        assertEquals(200, enable(kernel, "batches", "batcher", List.of("storage", "events:publish", "events:subscribe")).status());
        HttpResult plodder = install(kernel, plugin("plodder", "1.0.0", List.of("storage", "events:subscribe"), List.of(),
                "events:\n  subscribes: [" + TOPIC + "]\nlimits: {timeoutMillis: 1000, concurrency: 2}\n", plodderSetup(), "")
                .resource("db/migration/V1__handled.sql", "CREATE TABLE handled (tenant_id uuid NOT NULL, n bigint NOT NULL);")
                .build());
        assertEquals(201, plodder.status(), plodder.body());
        assertEquals(200, enable(kernel, "batches", "plodder", List.of("storage", "events:subscribe")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** Events of {@link #TOPIC} numbered from {@code from}, each payload {@code {"n": i}} plus the given members. */
    static List<Event> events(int from, int count, Map<String, Object> extra) {
        return IntStream.range(from, from + count).mapToObj(n -> {
            var payload = Json.object().put("n", n);
            extra.forEach(payload::put);
            return new Event(UUID.randomUUID().toString(), TOPIC, tenant.toString(), "kernel", payload.build(),
                             Instant.now().truncatedTo(ChronoUnit.MICROS), 1);
        }).toList();
    }

    static List<Event> concat(List<Event> a, List<Event> b) {
        List<Event> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static long later(long millis) {
        return System.nanoTime() + millis * 1_000_000;
    }

    /** Rows of a plugin table, one string per row, oldest first. */
    static List<String> rows(String sql) {
        try (Connection owner = kernel.ownerConnection(); Statement statement = owner.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void clear() {
        try (Connection owner = kernel.ownerConnection(); Statement statement = owner.createStatement()) {
            statement.execute("DELETE FROM plugin_batcher.calls; DELETE FROM plugin_plodder.handled");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchHandlerGetsTheEventsInOneInvocationInOrder() {
        clear();
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "batcher", events(0, 7, Map.of()), later(60_000));
        assertEquals(new PluginDispatcher.BatchOutcome(7, 0, Optional.empty()), outcome);
        assertEquals(List.of("0,1,2,3,4,5,6"), rows("SELECT ns FROM plugin_batcher.calls ORDER BY id"));
    }

    @Test
    void aBatchThatThrowsFailsAsAWhole() {
        clear();
        List<Event> batch = concat(events(0, 3, Map.of()), concat(events(3, 1, Map.of("fail", true)), events(4, 3, Map.of())));
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "batcher", batch, later(60_000));
        assertEquals(0, outcome.delivered(), "nothing of a batch that threw counts as delivered");
        assertEquals(7, outcome.failed(), "every event of the batch failed");
        PluginCallFailure failure = assertInstanceOf(PluginCallFailure.class, outcome.failure().orElseThrow());
        assertEquals(PluginCallFailure.Kind.FAILED, failure.kind());
        assertTrue(rows("SELECT ns FROM plugin_batcher.calls").isEmpty(), "a batch that threw recorded nothing");
    }

    @Test
    void aSingleEventReachesABatchHandlerAsAListOfOne() {
        clear();
        Event event = events(41, 1, Map.of()).getFirst();
        runtime.deliver(tenant, "batcher", event);
        assertEquals(List.of("41"), rows("SELECT ns FROM plugin_batcher.calls"));
    }

    @Test
    void aBatchGetsThePerCallDeadlineOncePerEvent() {
        clear();
        // 500 ms per event against a per-call deadline of 1 s: 3 events take 1.5 s in one invocation, within 3 x 1 s.
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "batcher", events(0, 3, Map.of("sleepMillis", 500)),
                                                                   later(60_000));
        assertEquals(new PluginDispatcher.BatchOutcome(3, 0, Optional.empty()), outcome);
        // 1.5 s for one event is over its own deadline.
        PluginDispatcher.BatchOutcome late = runtime.deliverAll(tenant, "batcher", events(4, 1, Map.of("sleepMillis", 1_500)), later(60_000));
        assertEquals(1, late.failed());
        assertEquals(PluginCallFailure.Kind.TIMEOUT, assertInstanceOf(PluginCallFailure.class, late.failure().orElseThrow()).kind());
    }

    @Test
    void aBatchGetsTheAllocationQuotaOncePerEvent() {
        clear();
        // 40 MiB per event against a 64 MiB per-call quota: 4 events allocate 160 MiB in one invocation, within 4 x 64 MiB.
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "batcher", events(0, 4, Map.of("allocateMiB", 40)),
                                                                   later(60_000));
        assertEquals(new PluginDispatcher.BatchOutcome(4, 0, Optional.empty()), outcome);
        assertEquals(List.of(String.valueOf(160L << 20)), rows("SELECT allocated FROM plugin_batcher.calls"));
        // 80 MiB per event is over the quota however many events the batch holds.
        PluginDispatcher.BatchOutcome hoarder = runtime.deliverAll(tenant, "batcher", events(4, 2, Map.of("allocateMiB", 80)),
                                                                   later(60_000));
        assertEquals(2, hoarder.failed());
        assertEquals(PluginCallFailure.Kind.MEMORY, assertInstanceOf(PluginCallFailure.class, hoarder.failure().orElseThrow()).kind());
    }

    @Test
    void singleHandlersRunOneAfterAnotherInOneCallEachWithItsOwnDeadline() {
        clear();
        // 600 ms each against a 1 s per-call deadline: 3 events (1.8 s) in one call all succeed.
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "plodder", events(0, 3, Map.of("sleepMillis", 600)),
                                                                   later(60_000));
        assertEquals(new PluginDispatcher.BatchOutcome(3, 0, Optional.empty()), outcome);
        assertEquals(List.of("0", "1", "2"), rows("SELECT n FROM plugin_plodder.handled ORDER BY n"));
    }

    @Test
    void aSingleHandlerFailureStopsTheCallLeavingTheRestUnstarted() {
        clear();
        List<Event> events = concat(events(0, 2, Map.of()), concat(events(2, 1, Map.of("fail", true)), events(3, 2, Map.of())));
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "plodder", events, later(60_000));
        assertEquals(2, outcome.delivered());
        assertEquals(1, outcome.failed(), "only the event whose handler threw failed");
        assertEquals(List.of("0", "1"), rows("SELECT n FROM plugin_plodder.handled ORDER BY n"), "nothing after the failure ran");
        // A deadline passed in the middle fails the event in progress only.
        clear();
        List<Event> slow = concat(events(10, 1, Map.of()), concat(events(11, 1, Map.of("sleepMillis", 3_000)), events(12, 2, Map.of())));
        PluginDispatcher.BatchOutcome timedOut = runtime.deliverAll(tenant, "plodder", slow, later(60_000));
        assertEquals(1, timedOut.delivered());
        assertEquals(1, timedOut.failed());
        assertEquals(PluginCallFailure.Kind.TIMEOUT, assertInstanceOf(PluginCallFailure.class, timedOut.failure().orElseThrow()).kind());
        assertEquals(List.of("10"), rows("SELECT n FROM plugin_plodder.handled ORDER BY n"));
    }

    @Test
    void noEventStartsAfterTheStartByTime() {
        clear();
        // 250 ms per event, nothing may start after 600 ms: at most three of six start, and none of them fails.
        PluginDispatcher.BatchOutcome outcome = runtime.deliverAll(tenant, "plodder", events(0, 6, Map.of("sleepMillis", 250)), later(600));
        assertEquals(0, outcome.failed());
        assertTrue(outcome.delivered() >= 1 && outcome.delivered() <= 3, "delivered " + outcome.delivered());
        assertEquals(outcome.delivered(), rows("SELECT n FROM plugin_plodder.handled").size());
        assertEquals(new PluginDispatcher.BatchOutcome(0, 0, Optional.empty()),
                     runtime.deliverAll(tenant, "plodder", events(10, 2, Map.of()), System.nanoTime() - 1), "past its start-by time nothing starts");
    }

    @Test
    void theDispatcherHandsAPublishedBacklogToTheBatchHandlerInFewCalls() throws InterruptedException {
        clear();
        HttpResult published = kernel.post("/api/v1/tenants/batches/batcher/publish", kernel.adminToken(), Map.of("count", 60));
        assertEquals(200, published.status(), published.body());
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<String> calls = rows("SELECT ns FROM plugin_batcher.calls ORDER BY id");
        while (calls.stream().mapToLong(ns -> ns.split(",").length).sum() < 60 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            calls = rows("SELECT ns FROM plugin_batcher.calls ORDER BY id");
        }
        List<String> received = calls.stream().flatMap(ns -> List.of(ns.split(",")).stream()).toList();
        assertEquals(IntStream.range(0, 60).mapToObj(String::valueOf).toList(), received, "each event once, in publication order");
        assertTrue(calls.size() < 60, "several events per call: " + calls.size() + " calls");
        // The plodder subscribes too and got every event through its single handler.
        while (rows("SELECT n FROM plugin_plodder.handled").size() < 60 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(60, rows("SELECT DISTINCT n FROM plugin_plodder.handled").size());
    }

    @Test
    void aTopicTakesOneKindOfHandler() {
        HttpResult both = install(kernel, plugin("doubler", "1.0.0", List.of("events:subscribe"), List.of(),
                "events:\n  subscribes: [" + TOPIC + "]\n", """
                setup.onEvent("%s", (event, context) -> { });
                setup.onEvents("%s", (events, context) -> { });
                """.formatted(TOPIC, TOPIC), "").build());
        assertEquals(422, both.status(), both.body());
        assertTrue(both.json().get("detail").asText().contains("one handler per topic"), both.body());
    }
}
