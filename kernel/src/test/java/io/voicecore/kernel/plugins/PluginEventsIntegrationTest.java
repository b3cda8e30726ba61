package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/**
 * Events between two real plugins through a real kernel: delivery to the subscriber of the publishing
 * tenant only, delivery after a restart of everything that was committed before it, and a subscriber that
 * keeps failing ending as a dead letter that a tenant admin replays once the cause is fixed.
 */
class PluginEventsIntegrationTest {
    static final String TOPIC = "herald.news.posted";
    static final Duration DELIVERY = Duration.ofSeconds(10);

    /** Publishes {@value #TOPIC} from {@code POST /post} and answers the event id. */
    static PluginJar herald() {
        return plugin("herald", "1.0.0", List.of("events:publish"), List.of("POST /post"),
                "events:\n  publishes: [" + TOPIC + "]\n", """
                setup.route(HttpMethod.POST, "/post", (request, context) -> {
                    String id = context.events().publish("%s", Json.object().put("headline", "news").build());
                    return Response.created(Json.object().put("eventId", id).build());
                });
                """.formatted(TOPIC), "");
    }

    /**
     * Records the ids of the events it receives (once each: redeliveries carry the same id) and lists them
     * at {@code GET /received}. While its gate is closed ({@code PUT /gate {"open": false}}) it fails every
     * delivery, which stands for a subscriber whose downstream is broken.
     */
    static PluginJar listener() {
        return plugin("listener", "1.0.0", List.of("events:subscribe", "storage"), List.of("GET /received", "PUT /gate"),
                "events:\n  subscribes: [" + TOPIC + "]\n", """
                setup.onEvent("%s", (event, context) -> {
                    Optional<Row> gate = context.storage().queryOne("SELECT open FROM gate");
                    if (gate.isPresent() && !gate.get().bool("open").orElseThrow()) {
                        throw new IllegalStateException("gate closed for event " + event.id());
                    }
                    context.storage().update("INSERT INTO received (tenant_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                             Storage.TENANT, event.id());
                });
                setup.route(HttpMethod.GET, "/received", (request, context) -> {
                    List<Json> ids = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT event_id FROM received ORDER BY event_id")) {
                        ids.add(Json.of(row.string("event_id").orElseThrow()));
                    }
                    return Response.ok(Json.array(ids));
                });
                setup.route(HttpMethod.PUT, "/gate", (request, context) -> {
                    context.storage().update("INSERT INTO gate (tenant_id, open) VALUES (?, ?) "
                                             + "ON CONFLICT (tenant_id) DO UPDATE SET open = excluded.open",
                                             Storage.TENANT, request.json().get("open").asBoolean());
                    return Response.noContent();
                });
                """.formatted(TOPIC), "")
                .resource("db/migration/V1__received.sql", """
                        CREATE TABLE received (tenant_id uuid NOT NULL, event_id text NOT NULL, PRIMARY KEY (tenant_id, event_id));
                        CREATE TABLE gate (tenant_id uuid PRIMARY KEY, open boolean NOT NULL);
                        """);
    }

    private static void installBoth(TestKernel kernel) {
        assertEquals(201, install(kernel, herald().build()).status());
        assertEquals(201, install(kernel, listener().build()).status());
    }

    private static void enableBoth(TestKernel kernel, String tenant) {
        assertEquals(200, enable(kernel, tenant, "herald", List.of("events:publish")).status());
        assertEquals(200, enable(kernel, tenant, "listener", List.of("events:subscribe", "storage")).status());
    }

    private static String post(TestKernel kernel, String tenant) {
        HttpResult posted = kernel.post("/api/v1/tenants/" + tenant + "/herald/post", kernel.adminToken(), Map.of());
        assertEquals(201, posted.status(), posted.body());
        return posted.json().get("eventId").asText();
    }

    private static void gate(TestKernel kernel, String tenant, boolean open) {
        HttpResult result = kernel.put("/api/v1/tenants/" + tenant + "/listener/gate", kernel.adminToken(), Map.of("open", open));
        assertEquals(204, result.status(), result.body());
    }

    private static List<String> received(TestKernel kernel, String tenant) {
        HttpResult result = kernel.get("/api/v1/tenants/" + tenant + "/listener/received", kernel.adminToken());
        assertEquals(200, result.status(), result.body());
        List<String> ids = new ArrayList<>();
        result.json().forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static void await(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void anEventReachesTheSubscriberOfItsOwnTenantOnly() {
        try (TestKernel kernel = TestKernel.start()) {
            installBoth(kernel);
            kernel.createTenant("events-a");
            kernel.createTenant("events-b");
            enableBoth(kernel, "events-a");
            enableBoth(kernel, "events-b");

            String fromA = post(kernel, "events-a");
            await(DELIVERY, () -> received(kernel, "events-a").contains(fromA), () -> "events-a received " + received(kernel, "events-a"));
            String fromB = post(kernel, "events-b");
            await(DELIVERY, () -> received(kernel, "events-b").contains(fromB), () -> "events-b received " + received(kernel, "events-b"));

            assertEquals(List.of(fromA), received(kernel, "events-a"), "events-a never sees events-b's event");
            assertEquals(List.of(fromB), received(kernel, "events-b"), "events-b never sees events-a's event");
        }
    }

    @Test
    void anEventCommittedBeforeARestartIsDeliveredAfterIt() throws SQLException {
        String token = "restart-admin-" + java.util.UUID.randomUUID();
        String url;
        String eventId;
        try (TestKernel first = TestKernel.builder().adminToken(token).start()) {
            url = first.jdbcUrl();
            installBoth(first);
            first.createTenant("events-restart");
            enableBoth(first, "events-restart");
            // Closed gate: this kernel cannot deliver the event, whatever the timing of its dispatcher.
            gate(first, "events-restart", false);
            eventId = post(first, "events-restart");
        }
        try (Connection owner = java.sql.DriverManager.getConnection(url, "postgres", "");
             PreparedStatement count = owner.prepareStatement("SELECT count(*) FROM plugin_listener.received WHERE event_id = ?")) {
            count.setString(1, eventId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the event was not delivered before the restart");
            }
        }

        try (TestKernel second = TestKernel.builder().database(url).adminToken(token).start()) {
            assertEquals(200, second.get("/api/v1/plugins/listener", token).status(), "installed plugins are loaded again");
            gate(second, "events-restart", true);
            await(Duration.ofSeconds(30), () -> received(second, "events-restart").contains(eventId),
                  () -> "after the restart events-restart received " + received(second, "events-restart"));
            List<String> ids = received(second, "events-restart");
            assertEquals(1, new HashSet<>(ids).size(), "one distinct event: " + ids);
            assertEquals(List.of(eventId), ids);
        }
    }

    @Test
    void aSubscriberThatKeepsFailingLeavesADeadLetterThatIsReplayedAfterTheFix() {
        try (TestKernel kernel = TestKernel.builder().set("plugins.events.max-attempts", "2")
                .set("plugins.events.retry-backoff", "200ms").start()) {
            installBoth(kernel);
            kernel.createTenant("events-dead");
            kernel.createTenant("events-alive");
            enableBoth(kernel, "events-dead");
            enableBoth(kernel, "events-alive");
            gate(kernel, "events-dead", false);
            String eventId = post(kernel, "events-dead");
            String healthy = post(kernel, "events-alive");

            String deadLetters = "/api/v1/tenants/events-dead/events/dead-letters";
            await(Duration.ofSeconds(20), () -> deadLetter(kernel, deadLetters, eventId).isPresent(),
                  () -> "dead letters: " + kernel.get(deadLetters, kernel.adminToken()).body());
            JsonNode letter = deadLetter(kernel, deadLetters, eventId).orElseThrow();
            assertEquals("listener", letter.get("subscriber").asText());
            assertEquals("herald", letter.get("publisher").asText());
            assertEquals(TOPIC, letter.get("topic").asText());
            assertEquals(2, letter.get("attempts").asInt(), letter.toString());
            assertFalse(letter.get("lastError").asText().isBlank(), letter.toString());
            assertEquals("news", letter.get("payload").get("headline").asText());
            assertTrue(received(kernel, "events-dead").isEmpty());

            await(DELIVERY, () -> received(kernel, "events-alive").contains(healthy), () -> "the other tenant is unaffected");
            assertTrue(kernel.get("/api/v1/tenants/events-alive/events/dead-letters", kernel.adminToken()).json()
                               .get("items").isEmpty(), "no dead letter for the other tenant");

            String tenantUser = kernel.createApiKey("events-dead", "tenant-user");
            String replay = deadLetters + "/" + eventId + "/listener/replay";
            assertEquals(403, kernel.post(replay, tenantUser, Map.of()).status(), "replay is for tenant admins");

            gate(kernel, "events-dead", true);
            HttpResult replayed = kernel.post(replay, kernel.createApiKey("events-dead", "tenant-admin"), Map.of());
            assertEquals(200, replayed.status(), replayed.body());
            await(DELIVERY, () -> received(kernel, "events-dead").contains(eventId),
                  () -> "after the replay events-dead received " + received(kernel, "events-dead"));
            assertTrue(deadLetter(kernel, deadLetters, eventId).isEmpty(), "no longer a dead letter");
            assertEquals(1, kernel.get("/api/v1/tenants/events-dead/audit?action=event.dead-letter.replay", kernel.adminToken())
                    .json().get("items").size());
        }
    }

    private static Optional<JsonNode> deadLetter(TestKernel kernel, String path, String eventId) {
        HttpResult result = kernel.get(path, kernel.adminToken());
        assertEquals(200, result.status(), result.body());
        for (JsonNode item : result.json().get("items")) {
            if (item.get("eventId").asText().equals(eventId)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }
}
