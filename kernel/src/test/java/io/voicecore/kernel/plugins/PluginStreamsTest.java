package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.LogCapture;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plugin streams over real WebSockets (the JDK's client against the running kernel): the same authentication,
 * tenant resolution and enablement checks as plugin routes on the upgrade, one contained plugin call per
 * message with error frames, one-time tickets for browsers, limits, metrics, and streams ending when the
 * tenant may no longer use the plugin.
 */
class PluginStreamsTest {
    static final int MAX_FRAME = 1024;
    static final int MAX_PER_TENANT = 3;
    static TestKernel kernel;
    static String admin;
    static String aliceKey;
    static String bobKey;
    static String aliceId;

    /** A plugin with an echo stream per room: greets with what it knows of the stream, echoes, fails on request. */
    static PluginJar streamer(String version) {
        return streamer("streamer", version);
    }

    static PluginJar streamer(String id, String version) {
        return plugin(id, version, List.of("storage"), List.of("GET /ping"),
                "streams: [\"/rooms/{room}/echo\", /broken]\n",
                """
                setup.route(HttpMethod.GET, "/ping", (request, context) -> Response.ok(Json.object().put("pong", true).build()));
                setup.stream("/rooms/{room}/echo", new StreamHandler() {
                    @Override
                    public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
                        session.send(Json.object().put("type", "hello").put("room", request.pathParam("room").orElseThrow())
                                .put("actor", request.caller().actorId()).put("role", request.caller().role())
                                .put("tenant", context.tenantId()).put("version", context.plugin().version())
                                .put("lang", request.query("lang").orElse("")).put("ticketPassed", request.query("ticket").isPresent())
                                .put("contextCaller", context.caller().map(Caller::actorId).orElse("")).build());
                    }

                    @Override
                    public void onMessage(StreamSession session, String text, PluginContext context) {
                        switch (text) {
                            case "fault" -> throw new IllegalStateException("the plugin broke on purpose");
                            case "problem" -> throw new PluginProblem(422, "not-today", "The room refuses this message.");
                            case "bye" -> session.close(4001, "see you");
                            case "slow" -> session.submit((stream, taskContext) -> {
                                Thread.sleep(400);
                                stream.send(Json.object().put("type", "task-done").put("tenant", taskContext.tenantId()).build());
                            });
                            case "failing-task" -> session.submit((stream, taskContext) -> {
                                throw new PluginProblem(409, "not-now", "The task refuses.");
                            });
                            default -> session.send(Json.object().put("type", "echo").put("text", text)
                                    .put("room", session.request().pathParam("room").orElseThrow()).build());
                        }
                    }
                });
                setup.stream("/broken", new StreamHandler() {
                    @Override
                    public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
                        throw new PluginProblem(409, "room-closed", "This room is closed.");
                    }

                    @Override
                    public void onMessage(StreamSession session, String text, PluginContext context) {
                    }
                });
                """, "");
    }

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().set("plugins.streams.max-frame-bytes", Integer.toString(MAX_FRAME))
                .set("plugins.streams.max-per-tenant", Integer.toString(MAX_PER_TENANT)).start();
        admin = kernel.adminToken();
        assertEquals(201, install(kernel, streamer("1.0.0").build()).status());
        aliceId = kernel.createTenant("alice");
        kernel.createTenant("bob");
        assertEquals(200, enable(kernel, "alice", "streamer", List.of("storage")).status());
        aliceKey = kernel.createApiKey("alice", "tenant-user");
        bobKey = kernel.createApiKey("bob", "tenant-admin");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + kernel.port() + path);
    }

    private static void assertProblem(JsonNode problem, int status, String type) {
        assertEquals(status, problem.get("status").asInt(), problem.toString());
        assertEquals("urn:voicecore:problem:" + type, problem.get("type").asText(), problem.toString());
        assertFalse(problem.get("detail").asText().isBlank(), problem.toString());
        assertFalse(problem.get("requestId").asText().isBlank(), problem.toString());
    }

    private static WsClient.Handshake refused(WsClient.Handshake handshake, int status) {
        assertEquals(status, handshake.status(), handshake.body());
        return handshake;
    }

    @Test
    void echoStreamKnowsItsPathParametersCallerAndTenant() {
        String tenantId = kernel.get("/api/v1/tenants/alice", admin).json().get("id").asText();
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/lobby%20one/echo?lang=es"), aliceKey).open()) {
            JsonNode hello = client.nextJson();
            assertEquals("hello", hello.get("type").asText(), hello.toString());
            assertEquals("lobby one", hello.get("room").asText(), "path parameters are decoded");
            assertEquals("tenant-user", hello.get("role").asText());
            assertTrue(hello.get("actor").asText().startsWith("api-key:"), hello.toString());
            assertEquals(hello.get("actor").asText(), hello.get("contextCaller").asText(), "the context knows the caller too");
            assertEquals(tenantId, hello.get("tenant").asText());
            assertEquals("1.0.0", hello.get("version").asText());
            assertEquals("es", hello.get("lang").asText());

            for (String text : List.of("first", "second", "ünïcödé ✓")) {
                JsonNode echo = client.send(text).nextJson();
                assertEquals("echo", echo.get("type").asText(), echo.toString());
                assertEquals(text, echo.get("text").asText());
                assertEquals("lobby one", echo.get("room").asText());
            }

            client.send("bye");
            assertEquals(new WsClient.Closure(4001, "see you"), client.awaitClose(), "the plugin closes with its own code");
        }
        // A plain GET on a stream path is an ordinary plugin request: this plugin has no such route.
        HttpResult plain = kernel.get("/api/v1/tenants/alice/streamer/rooms/lobby/echo", aliceKey);
        assertEquals(404, plain.status(), plain.body());
        assertEquals("urn:voicecore:problem:route-not-found", plain.json().get("type").asText());
    }

    @Test
    void theUpgradeIsAuthenticatedLikeEveryApiCall() {
        String path = "/api/v1/tenants/alice/streamer/rooms/lobby/echo";
        WsClient.Handshake anonymous = refused(WsClient.connect(ws(path), null), 401);
        assertProblem(anonymous.problem(), 401, "credentials-missing");
        assertTrue(anonymous.problem().get("detail").asText().contains("stream-tickets"), anonymous.body());
        assertProblem(refused(WsClient.connect(ws(path), "vck_not-a-real-key"), 401).problem(), 401, "credentials-invalid");
        assertProblem(refused(WsClient.connect(ws(path + "?ticket=vct_guessed"), null), 401).problem(), 401, "credentials-invalid");
    }

    @Test
    void anotherTenantsStreamAndADisabledPluginAreNotFound() {
        String path = "/api/v1/tenants/alice/streamer/rooms/lobby/echo";
        assertProblem(refused(WsClient.connect(ws(path), bobKey), 404).problem(), 404, "tenant-not-found");
        assertProblem(refused(WsClient.connect(ws("/api/v1/tenants/bob/streamer/rooms/lobby/echo"), bobKey), 404).problem(),
                      404, "plugin-not-enabled");
        assertProblem(refused(WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/lobby"), aliceKey), 404).problem(),
                      404, "route-not-found");
        assertProblem(refused(WsClient.connect(ws("/api/v1/tenants/alice/nobody/live"), aliceKey), 404).problem(),
                      404, "plugin-not-enabled");
    }

    @Test
    void aSubmittedTaskRunsWhileTheStreamsNextMessagesAreHandled() {
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/tasks/echo"), aliceKey).open()) {
            client.nextJson();
            client.send("slow").send("quick");
            JsonNode first = client.nextJson();
            assertEquals("echo", first.get("type").asText(), "the next message is not held up by the task: " + first);
            JsonNode done = client.nextJson();
            assertEquals("task-done", done.get("type").asText(), done.toString());
            assertEquals(aliceId, done.get("tenant").asText(), "the task runs for the stream's tenant");

            JsonNode refused = client.send("failing-task").nextJson();
            assertEquals("error", refused.get("type").asText(), refused.toString());
            assertEquals(409, refused.get("problem").get("status").asInt(), refused.toString());
            assertEquals("urn:voicecore:plugin:streamer:not-now", refused.get("problem").get("type").asText(), refused.toString());
            assertEquals("still here", client.send("still here").nextJson().get("text").asText(), "a failed task leaves the stream open");
        }
    }

    @Test
    void withNoOriginsListedABrowserMayOpenStreamsOnlyFromTheApisOwnOrigin() {
        String auth = "Bearer " + aliceKey;
        try (WsClient client = WsClient.connectWithHeaders(ws("/api/v1/tenants/alice/streamer/rooms/own/echo"),
                java.util.Map.of("Origin", "http://127.0.0.1:" + kernel.port(), "Authorization", auth)).open()) {
            assertEquals("hello", client.nextJson().get("type").asText());
        }
        for (String origin : List.of("https://evil.example", "http://127.0.0.1:1", "null")) {
            WsClient.Handshake foreign = refused(WsClient.connectWithHeaders(ws("/api/v1/tenants/alice/streamer/rooms/own/echo"),
                    java.util.Map.of("Origin", origin, "Authorization", auth)), 403);
            assertProblem(foreign.problem(), 403, "origin-not-allowed");
            assertTrue(foreign.problem().get("detail").asText().contains("plugins.streams.allowed-origins"), foreign.body());
        }
    }

    @Test
    void aTicketOpensOneStreamOnce() {
        try (LogCapture logs = LogCapture.everything()) {
            String ticket = ticketOpensOneStreamOnce();
            assertTrue(logs.lines().stream().noneMatch(line -> line.contains(ticket)), "a ticket is never logged");
        }
    }

    private static String ticketOpensOneStreamOnce() {
        HttpResult issued = kernel.post("/api/v1/tenants/alice/stream-tickets", aliceKey, "{}");
        assertEquals(201, issued.status(), issued.body());
        assertEquals("no-store", issued.header("Cache-Control"));
        String ticket = issued.json().get("ticket").asText();
        assertTrue(ticket.startsWith("vct_"), ticket);
        assertEquals(60, issued.json().get("expiresInSeconds").asInt());

        String path = "/api/v1/tenants/alice/streamer/rooms/ticketed/echo?ticket=" + ticket;
        try (WsClient client = WsClient.connect(ws(path), null).open()) {
            JsonNode hello = client.nextJson();
            assertEquals("ticketed", hello.get("room").asText());
            assertTrue(hello.get("actor").asText().startsWith("api-key:"), "the ticket acts as the key that asked for it");
            assertFalse(hello.get("ticketPassed").asBoolean(), "the ticket is not passed on to the plugin");
            assertEquals("echo", client.send("with a ticket").nextJson().get("type").asText());
        }
        assertProblem(refused(WsClient.connect(ws(path), null), 401).problem(), 401, "credentials-invalid");

        // A ticket is bound to the tenant it was issued for.
        String bobTicket = kernel.post("/api/v1/tenants/bob/stream-tickets", admin, "{}").json().get("ticket").asText();
        JsonNode elsewhere = refused(WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/x/echo?ticket=" + bobTicket), null),
                                     401).problem();
        assertProblem(elsewhere, 401, "credentials-invalid");
        assertTrue(elsewhere.get("detail").asText().contains("another tenant"), elsewhere.toString());

        assertEquals(404, kernel.post("/api/v1/tenants/alice/stream-tickets", bobKey, "{}").status(), "only for visible tenants");
        assertEquals(401, kernel.post("/api/v1/tenants/alice/stream-tickets", null, "{}").status());
        return ticket;
    }

    @Test
    void aFailingMessageAnswersAnErrorFrameAndTheStreamStaysOpen() {
        try (LogCapture logs = LogCapture.everything();
             WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/faulty/echo"), aliceKey).open()) {
            client.nextJson();
            JsonNode fault = client.send("fault").nextJson();
            assertEquals("error", fault.get("type").asText(), fault.toString());
            assertProblem(fault.get("problem"), 500, "plugin-failure");
            String requestId = fault.get("problem").get("requestId").asText();
            assertTrue(fault.get("problem").get("detail").asText().contains(requestId), "the detail quotes the logged request id");
            assertFalse(fault.toString().contains("on purpose"), "the exception itself stays in the log");

            JsonNode problem = client.send("problem").nextJson();
            assertEquals(422, problem.get("problem").get("status").asInt(), problem.toString());
            assertEquals("urn:voicecore:plugin:streamer:not-today", problem.get("problem").get("type").asText());
            assertEquals("The room refuses this message.", problem.get("problem").get("detail").asText());
            assertEquals("/api/v1/tenants/alice/streamer/rooms/faulty/echo", problem.get("problem").get("instance").asText());
            assertTrue(!problem.get("problem").get("requestId").asText().equals(requestId), "each message has its own request id");
            // Messages of a stream are handled one after the other, so the first one's log line is written by now.
            assertTrue(logs.lines().stream().anyMatch(line -> line.contains("STREAM /api/v1/tenants/alice/streamer/rooms/faulty/echo "
                    + "message 500") && line.contains("request=" + requestId)), "each message is logged with its request id");

            JsonNode echo = client.send("still here").nextJson();
            assertEquals("still here", echo.get("text").asText(), "the stream stays open after failures");
            assertFalse(client.isClosed());
        }
    }

    @Test
    void aStreamWhoseOpenFailsIsClosedWithTheProblem() {
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/broken"), aliceKey).open()) {
            JsonNode error = client.nextJson();
            assertEquals(409, error.get("problem").get("status").asInt(), error.toString());
            assertEquals("urn:voicecore:plugin:streamer:room-closed", error.get("problem").get("type").asText());
            assertEquals(new WsClient.Closure(4409, "room-closed"), client.awaitClose());
        }
    }

    @Test
    void disablingThePluginClosesItsStreams() {
        kernel.createTenant("carol");
        assertEquals(200, enable(kernel, "carol", "streamer", List.of("storage")).status());
        WsClient first = WsClient.connect(ws("/api/v1/tenants/carol/streamer/rooms/a/echo"), admin).open();
        WsClient second = WsClient.connect(ws("/api/v1/tenants/carol/streamer/rooms/b/echo"), admin).open();
        first.nextJson();
        second.nextJson();
        assertEquals(200, kernel.delete("/api/v1/tenants/carol/plugins/streamer", admin).status());
        assertEquals(new WsClient.Closure(4404, "plugin-not-enabled"), first.awaitClose());
        assertEquals(new WsClient.Closure(4404, "plugin-not-enabled"), second.awaitClose());
        assertProblem(refused(WsClient.connect(ws("/api/v1/tenants/carol/streamer/rooms/a/echo"), admin), 404).problem(),
                      404, "plugin-not-enabled");
    }

    @Test
    void repeatedFaultsQuarantineThePluginAndCloseItsStreams() {
        kernel.createTenant("frank");
        assertEquals(200, enable(kernel, "frank", "streamer", List.of("storage")).status());
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/frank/streamer/rooms/flaky/echo"), admin).open()) {
            client.nextJson();
            for (int i = 0; i < 5; i++) {
                assertEquals("urn:voicecore:problem:plugin-failure",
                             client.send("fault").nextJson().get("problem").get("type").asText(), "fault " + i);
            }
            assertEquals(new WsClient.Closure(4503, "plugin-quarantined"), client.awaitClose());
        }
        WsClient.Handshake refused = refused(WsClient.connect(ws("/api/v1/tenants/frank/streamer/rooms/flaky/echo"), admin), 503);
        assertProblem(refused.problem(), 503, "plugin-quarantined");
    }

    @Test
    void anUpgradeClosesStreamsOfTheOldVersionAndReconnectingReachesTheNewOne() {
        kernel.createTenant("grace");
        assertEquals(201, install(kernel, streamer("upstream", "1.0.0").build()).status());
        assertEquals(200, enable(kernel, "grace", "upstream", List.of("storage")).status());
        String path = "/api/v1/tenants/grace/upstream/rooms/r/echo";
        try (WsClient client = WsClient.connect(ws(path), admin).open()) {
            assertEquals("1.0.0", client.nextJson().get("version").asText());
            assertEquals(201, install(kernel, streamer("upstream", "1.1.0").build()).status());
            assertEquals(new WsClient.Closure(1012, "plugin-upgraded"), client.awaitClose());
        }
        try (WsClient client = WsClient.connect(ws(path), admin).open()) {
            assertEquals("1.1.0", client.nextJson().get("version").asText(), "a new stream reaches the new version");
        }
    }

    @Test
    void anOversizedMessageIsRefused() {
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/big/echo"), aliceKey).open()) {
            client.nextJson();
            assertEquals(MAX_FRAME, client.send("x".repeat(MAX_FRAME)).nextJson().get("text").asText().length(),
                         "a message of exactly the limit passes");
            client.send("x".repeat(MAX_FRAME + 1));
            assertEquals(1009, client.awaitClose().code());
        }
    }

    @Test
    void aTenantHoldsAtMostTheConfiguredNumberOfStreams() {
        kernel.createTenant("dave");
        assertEquals(200, enable(kernel, "dave", "streamer", List.of("storage")).status());
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_TENANT; i++) {
                WsClient client = WsClient.connect(ws("/api/v1/tenants/dave/streamer/rooms/r" + i + "/echo"), admin).open();
                client.nextJson();
                clients.add(client);
            }
            WsClient.Handshake over = refused(WsClient.connect(ws("/api/v1/tenants/dave/streamer/rooms/more/echo"), admin), 429);
            assertProblem(over.problem(), 429, "stream-limit-reached");
            try (WsClient otherTenant = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/more/echo"), aliceKey).open()) {
                assertEquals("hello", otherTenant.nextJson().get("type").asText(), "the limit is per tenant");
            }
            clients.remove(0).close();
            WsClient again = waitForSlot("/api/v1/tenants/dave/streamer/rooms/again/echo");
            clients.add(again);
            assertEquals("hello", again.nextJson().get("type").asText(), "a closed stream frees its slot");
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static WsClient waitForSlot(String path) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            WsClient.Handshake handshake = WsClient.connect(ws(path), admin);
            if (handshake.client().isPresent() || System.currentTimeMillis() > deadline) {
                return handshake.open();
            }
            sleep(100);
        }
    }

    @Test
    void aLostConnectionEndsTheStream() {
        kernel.createTenant("erin");
        assertEquals(200, enable(kernel, "erin", "streamer", List.of("storage")).status());
        WsClient client = WsClient.connect(ws("/api/v1/tenants/erin/streamer/rooms/gone/echo"), admin).open();
        client.nextJson();
        assertEquals(1, openStreams("erin"));
        client.abort();
        long deadline = System.currentTimeMillis() + 10_000;
        while (openStreams("erin") > 0 && System.currentTimeMillis() < deadline) {
            sleep(100);
        }
        assertEquals(0, openStreams("erin"), "a connection dropped without a close frame is noticed");
    }

    private static long openStreams(String tenant) {
        java.util.UUID id = java.util.UUID.fromString(kernel.get("/api/v1/tenants/" + tenant, admin).json().get("id").asText());
        return kernel.kernel().services().streams().openStreams(id, "streamer");
    }

    @Test
    void metricsCountOpenStreamsAndMessages() {
        try (WsClient client = WsClient.connect(ws("/api/v1/tenants/alice/streamer/rooms/metered/echo"), aliceKey).open()) {
            client.nextJson();
            String before = kernel.get("/observe/metrics", null).body();
            long open = metric(before, "voicecore_plugin_streams_open\\{plugin=\"streamer\"}");
            assertTrue(open >= 1, before);
            long ok = metric(before, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"200\"}");
            long failed = metric(before, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"500\"}");
            client.send("one").nextJson();
            client.send("two").nextJson();
            client.send("fault").nextJson();
            // A message is counted once its call returned, which can be just after the client read the plugin's reply.
            String after = kernel.get("/observe/metrics", null).body();
            long deadline = System.currentTimeMillis() + 5_000;
            while ((metric(after, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"200\"}") < ok + 2
                    || metric(after, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"500\"}") < failed + 1)
                   && System.currentTimeMillis() < deadline) {
                sleep(50);
                after = kernel.get("/observe/metrics", null).body();
            }
            assertEquals(ok + 2, metric(after, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"200\"}"));
            assertEquals(failed + 1, metric(after, "voicecore_plugin_stream_messages_total\\{plugin=\"streamer\",status=\"500\"}"));
            assertTrue(after.contains("# TYPE voicecore_plugin_streams_open gauge"), after);
            assertTrue(after.contains("voicecore_http_requests_total{method=\"GET\",route=\"/api/v1/tenants/{tenant}/streamer"
                                      + "/rooms/{room}/echo\",status=\"101\"}"), "the upgrade is labelled with the stream's template");
        }
    }

    private static long metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\d+)$").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void aSetupThatRegistersAnUndeclaredStreamIsRefused() {
        PluginJar undeclared = plugin("sneaky-stream", "1.0.0", List.of(), List.of(), "",
                "setup.stream(\"/secret\", (session, text, context) -> session.send(text));", "");
        HttpResult refused = install(kernel, undeclared.build());
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("stream /secret is not declared under 'streams'"), refused.body());
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
