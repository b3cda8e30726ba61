package io.voicecore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator of {@code plugin-route-vs-bare}, against a real Helidon server on loopback. */
class HttpLoadTest {
    private WebServer server;
    private final java.util.Queue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(routing -> routing
                        .get("/ok", (req, res) -> res.send("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)))
                        .get("/fail", (req, res) -> res.status(Status.INTERNAL_SERVER_ERROR_500).send("no"))
                        .get("/slow", (req, res) -> {
                            Thread.sleep(100);
                            res.send("slow");
                        })
                        .get("/auth", (req, res) -> res.status(req.headers().contains(io.helidon.http.HeaderNames.AUTHORIZATION)
                                                               ? Status.OK_200 : Status.UNAUTHORIZED_401).send())
                        .post("/once", (req, res) -> {
                            received.add(req.headers().first(io.helidon.http.HeaderNames.create("Idempotency-Key")).orElse("")
                                         + " " + req.content().as(String.class));
                            res.status(Status.CREATED_201).send();
                        })
                        .post("/contacts", (req, res) -> {
                            boolean json = req.headers().contentType().map(type -> type.text().startsWith("application/json")).orElse(false);
                            String body = req.content().as(String.class);
                            res.status(json && body.equals("{\"name\":\"Ada\"}") ? Status.CREATED_201 : Status.BAD_REQUEST_400).send(body);
                        }))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void anOpenLoopRunSendsEveryDueRequestOverKeepAliveConnections() throws Exception {
        HttpLoad.Result result = new HttpLoad(server.port(), List.of(new HttpLoad.Target("/ok", Map.of()))).openLoop(4, 200, 1);
        assertEquals(200, result.completed());
        assertEquals(0, result.errors());
        assertEquals(200, result.sortedLatencyNanos().length);
        assertTrue(result.seconds() >= 0.99, "requests are spread over the second: " + result.seconds());
    }

    @Test
    void latencyRunsFromTheDueTimeSoAStalledServerCannotHideItsQueue() throws Exception {
        // One connection, a request due every 20 ms, each answered after 100 ms: the 50th is due at ~1 s but
        // answered only after ~5 s. Measured from sending, every latency would be ~100 ms.
        HttpLoad.Result result = new HttpLoad(server.port(), List.of(new HttpLoad.Target("/slow", Map.of()))).openLoop(1, 50, 1);
        assertEquals(50, result.completed());
        assertTrue(result.latencyMillis(0.99) > 3000, "p99 " + result.latencyMillis(0.99));
        assertTrue(result.latencyMillis(0.0) < 300, "the first request waited for nothing: " + result.latencyMillis(0.0));
    }

    @Test
    void failedAnswersAreErrorsNotLatencies() throws Exception {
        HttpLoad.Result result = new HttpLoad(server.port(), List.of(new HttpLoad.Target("/fail", Map.of()))).closedLoop(2, 0.3);
        assertEquals(0, result.completed());
        assertTrue(result.errors() > 0);
        assertEquals("status 500", result.firstError());
    }

    @Test
    void eachConnectionSendsItsTargetsHeaders() throws Exception {
        HttpLoad load = new HttpLoad(server.port(), List.of(new HttpLoad.Target("/auth", Map.of("Authorization", "Bearer x")),
                                                            new HttpLoad.Target("/auth", Map.of())));
        HttpLoad.Result result = load.openLoop(2, 100, 0.5);
        assertEquals(25, result.completed());
        assertEquals(25, result.errors());
    }

    @Test
    void aPostTargetSendsItsJsonBodyEveryTimeOnTheSameConnection() throws Exception {
        HttpLoad load = new HttpLoad(server.port(), List.of(HttpLoad.Target.post("/contacts", Map.of(), "{\"name\":\"Ada\"}")));
        HttpLoad.Result result = load.openLoop(1, 50, 0.4);
        assertEquals(20, result.completed(), result.firstError());
        assertEquals(0, result.errors());
        HttpLoad.Result wrong = new HttpLoad(server.port(), List.of(HttpLoad.Target.post("/contacts", Map.of(), "{\"name\":\"Bob\"}")))
                .openLoop(1, 50, 0.1);
        assertEquals("status 400", wrong.firstError());
    }

    @Test
    void eachOnceSendsEveryTargetExactlyOnceOverTheConnections() throws Exception {
        List<HttpLoad.Target> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            targets.add(HttpLoad.Target.post("/once", Map.of("Idempotency-Key", "key-" + i), "{\"n\":" + i + "}"));
        }
        HttpLoad.Result result = new HttpLoad(server.port(), targets).eachOnce(4);
        assertEquals(50, result.completed(), result.firstError());
        assertEquals(0, result.errors());
        assertEquals(50, result.sortedLatencyNanos().length);
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("key-" + i + " {\"n\":" + i + "}");
        }
        assertEquals(expected.stream().sorted().toList(), received.stream().sorted().toList());
        assertEquals(1, new HttpLoad(server.port(), targets.subList(0, 1)).eachOnce(4).completed(), "more connections than targets");
    }

    @Test
    void theRouteScenarioIsRegisteredAndFindsTheHelloJarOrSaysHowToBuildIt(@TempDir Path dir) throws IOException {
        assertTrue(BenchMain.scenarios().containsKey("plugin-route-vs-bare"));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> PluginRouteScenario.helloJar(dir));
        assertTrue(missing.getMessage().contains("./voicecore build"), missing.getMessage());
        Path target = Files.createDirectories(dir.resolve("examples/hello-plugin/target"));
        Files.writeString(target.resolve("hello-plugin-1.0.0.jar"), "");
        assertEquals(target.resolve("hello-plugin-1.0.0.jar"), PluginRouteScenario.helloJar(dir));
    }
}
