package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.audit.DeniedRequestAuditor;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.http.RateLimiter;
import io.voicecore.kernel.http.RequestFilter;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.tenancy.TenantDirectory;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestPostgres;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter endpoints over real HTTP: the kernel's ApiRoutes (authentication, problems, refusal
 * auditing) with {@link EventRoutes}, over a real database and a running dispatcher. Tokens stand for
 * fixed principals, so the test controls who asks.
 */
class DeadLetterApiTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int MAX_ATTEMPTS = 3;
    static final Duration WAIT = Duration.ofSeconds(20);

    static InProcessSharedState state = new InProcessSharedState();
    static EventNode node;
    static RecordingPlugins plugins = new RecordingPlugins();
    static WebServer server;
    static UUID tenantA;
    static UUID tenantB;

    @BeforeAll
    static void start() {
        node = new EventNode(TestPostgres.newDatabase(), state);
        tenantA = node.createTenant("letters-a");
        tenantB = node.createTenant("letters-b");
        Map<String, Principal> principals = Map.of(
                "platform", new Principal("platform-admin", Role.PLATFORM_ADMIN, Optional.empty(), "platform", false),
                "admin-a", new Principal("user:admin-a", Role.TENANT_ADMIN, Optional.of(tenantA), "admin-a", false),
                "user-a", new Principal("user:user-a", Role.TENANT_USER, Optional.of(tenantA), "user-a", false),
                "admin-b", new Principal("user:admin-b", Role.TENANT_ADMIN, Optional.of(tenantB), "admin-b", false));
        AuditLog audit = new AuditLog(Clock.systemUTC());
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new RequestFilter(new RequestMetrics()));
        ApiRoutes api = new ApiRoutes(routing, token -> Optional.ofNullable(principals.get(token)).orElseThrow(
                () -> new ApiException.Unauthenticated("credentials-invalid", "unknown test token")),
                                      new RateLimiter(state, 100_000, 60, Clock.systemUTC()), 1024 * 1024,
                                      new DeniedRequestAuditor(node.database(), audit), ProblemMapper.NONE);
        new EventRoutes(node.database(), audit, node.bus(), new TenantResolver(node.database(), new TenantRepository(),
                new TenantDirectory(node.database(), new TenantRepository(), new NearCache("tenants", state, Duration.ofSeconds(30), 10_000, Clock.systemUTC())))).register(api);
        api.finish();
        server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
        node.startDispatcher(plugins, EventNode.quickSettings().withMaxAttempts(MAX_ATTEMPTS));
    }

    @AfterAll
    static void stop() {
        server.stop();
        node.close();
        state.close();
    }

    static HttpResult send(String method, String path, String token) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.headers(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes events to a subscriber that always fails and waits until all are dead letters. */
    static List<UUID> deadLetters(UUID tenant, String subscriber, String topic, int count) {
        plugins.subscribe(tenant, topic, subscriber);
        plugins.behave(subscriber, (t, p, event) -> {
            throw new IllegalStateException("mail server said no; password=hunter2");
        });
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            ids.add(node.database().inTenant(tenant, tx -> node.bus().publish(tx, tenant, "crm", topic,
                    Json.object().put("contactId", "c-" + n).put("n", n).build())));
        }
        node.bus().wakeDispatchers();
        EventNode.await(WAIT, () -> node.count("SELECT count(*) AS n FROM kernel.event_deliveries WHERE subscriber = ? AND status = 'dead'",
                                               subscriber) == count, () -> count + " dead letters for " + subscriber);
        return ids;
    }

    @Test
    void deadLetterIsListedForItsTenantOnlyAndReplayDeliversIt() {
        UUID eventId = deadLetters(tenantA, "mailer", "crm.contact.created", 1).get(0);

        HttpResult list = send("GET", "/api/v1/tenants/letters-a/events/dead-letters", "admin-a");
        assertEquals(200, list.status(), list.toString());
        JsonNode items = list.json().get("items");
        JsonNode letter = findLetter(items, eventId, "mailer");
        assertEquals(tenantA.toString(), letter.get("tenantId").asText());
        assertEquals("crm.contact.created", letter.get("topic").asText());
        assertEquals("crm", letter.get("publisher").asText());
        assertEquals(MAX_ATTEMPTS, letter.get("attempts").asInt());
        assertEquals("IllegalStateException: mail server said no; password=***", letter.get("lastError").asText());
        assertEquals("c-0", letter.get("payload").get("contactId").asText());
        assertFalse(list.body().contains("hunter2"));

        // Other tenants, lesser roles and other tenants' admins see nothing of it.
        assertEquals(404, send("GET", "/api/v1/tenants/letters-a/events/dead-letters", "admin-b").status());
        assertFalse(send("GET", "/api/v1/tenants/letters-b/events/dead-letters", "admin-b").body().contains(eventId.toString()));
        assertEquals(403, send("GET", "/api/v1/tenants/letters-a/events/dead-letters", "user-a").status());
        assertEquals(403, send("GET", "/api/v1/events/dead-letters", "admin-a").status());
        assertEquals(404, send("POST", "/api/v1/tenants/letters-b/events/dead-letters/" + eventId + "/mailer/replay", "admin-b").status());
        assertEquals(404, send("POST", "/api/v1/tenants/letters-a/events/dead-letters/" + eventId + "/mailer/replay", "admin-b").status());
        assertEquals(403, send("POST", "/api/v1/tenants/letters-a/events/dead-letters/" + eventId + "/mailer/replay", "user-a").status());
        assertEquals(Map.of("mailer", "dead/" + MAX_ATTEMPTS), node.deliveriesOf(eventId));
        assertFalse(node.isDelivered(eventId));

        // The platform sees it across tenants.
        JsonNode platformItems = send("GET", "/api/v1/events/dead-letters?limit=500", "platform").json().get("items");
        assertEquals(tenantA.toString(), findLetter(platformItems, eventId, "mailer").get("tenantId").asText());

        // The subscriber is fixed; replay puts the delivery back with its attempts reset, and it is delivered.
        plugins.behave("mailer", (t, p, event) -> { });
        HttpResult replay = send("POST", "/api/v1/tenants/letters-a/events/dead-letters/" + eventId + "/mailer/replay", "admin-a");
        assertEquals(200, replay.status(), replay.toString());
        assertEquals("pending", replay.json().get("status").asText());
        assertEquals(MAX_ATTEMPTS, replay.json().get("previousAttempts").asInt());
        EventNode.await(WAIT, () -> node.deliveriesOf(eventId).equals(Map.of("mailer", "delivered/1")),
                        () -> "the replayed delivery delivered; rows are " + node.deliveriesOf(eventId));
        EventNode.await(WAIT, () -> node.isDelivered(eventId), () -> "event " + eventId + " delivered once replayed");
        RecordingPlugins.Delivery last = plugins.deliveriesTo("mailer").getLast();
        assertEquals(eventId.toString(), last.event().id());
        assertTrue(last.succeeded());
        assertEquals(1, last.event().attempt());

        assertEquals(1, node.count("SELECT count(*) AS n FROM kernel.audit_log WHERE tenant_id = ? AND action = 'event.dead-letter.replay' "
                                   + "AND actor = 'user:admin-a' AND target = ?", tenantA, "event:" + eventId + "/mailer"));
        assertFalse(findLetterIn(send("GET", "/api/v1/tenants/letters-a/events/dead-letters", "admin-a").json().get("items"),
                                 eventId, "mailer").isPresent());
        HttpResult again = send("POST", "/api/v1/tenants/letters-a/events/dead-letters/" + eventId + "/mailer/replay", "admin-a");
        assertEquals(404, again.status(), "a delivered event is no dead letter: " + again);
        assertTrue(again.json().get("detail").asText().contains("dead-letters"), again.body());
    }

    @Test
    void deadLettersArePagedWithACursorWithoutGapsOrOverlap() {
        List<UUID> ids = deadLetters(tenantB, "pager", "billing.invoice.paid", 5);
        Set<String> seen = new HashSet<>();
        String path = "/api/v1/tenants/" + tenantB + "/events/dead-letters?limit=2";
        int pages = 0;
        String next = null;
        do {
            HttpResult page = send("GET", path + (next == null ? "" : "&cursor=" + next), "admin-b");
            assertEquals(200, page.status(), page.toString());
            JsonNode items = page.json().get("items");
            assertTrue(items.size() <= 2);
            for (JsonNode item : items) {
                if (item.get("subscriber").asText().equals("pager")) {
                    assertTrue(seen.add(item.get("eventId").asText()), "each dead letter appears once");
                }
            }
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        } while (next != null && pages < 20);
        assertEquals(ids.stream().map(UUID::toString).collect(java.util.stream.Collectors.toSet()), seen);
        assertTrue(pages >= 3, "five letters in pages of two: " + pages + " pages");

        HttpResult badCursor = send("GET", "/api/v1/tenants/" + tenantB + "/events/dead-letters?cursor=nonsense", "admin-b");
        assertEquals(400, badCursor.status());
        HttpResult badId = send("POST", "/api/v1/tenants/" + tenantB + "/events/dead-letters/not-a-uuid/pager/replay", "admin-b");
        assertEquals(404, badId.status());
        assertTrue(badId.json().get("detail").asText().contains("UUID"), badId.body());
    }

    static JsonNode findLetter(JsonNode items, UUID eventId, String subscriber) {
        return findLetterIn(items, eventId, subscriber)
                .orElseThrow(() -> new AssertionError("no dead letter " + eventId + " -> " + subscriber + " in " + items));
    }

    static Optional<JsonNode> findLetterIn(JsonNode items, UUID eventId, String subscriber) {
        for (JsonNode item : items) {
            if (item.get("eventId").asText().equals(eventId.toString()) && item.get("subscriber").asText().equals(subscriber)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }
}
