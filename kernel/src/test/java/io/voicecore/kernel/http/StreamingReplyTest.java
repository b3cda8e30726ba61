package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.state.InProcessSharedState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A streamed reply (exports) that fails part-way must not reach the client as a complete body. */
class StreamingReplyTest {
    static WebServer server;
    static InProcessSharedState state = new InProcessSharedState();

    @BeforeAll
    static void start() {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new RequestFilter(new RequestMetrics()));
        Principal caller = new Principal("tester", Role.PLATFORM_ADMIN, Optional.empty(), "tester", false);
        ApiRoutes api = new ApiRoutes(routing, token -> caller, new RateLimiter(state, 1000, 60, Clock.systemUTC()), 1024,
                                      (context, principal, refusal) -> { }, ProblemMapper.NONE);
        api.get("/complete", Access.AUTHENTICATED, request -> ApiReply.stream("text/plain", out -> {
            for (int i = 0; i < 5000; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }));
        api.get("/fails-midway", Access.AUTHENTICATED, request -> ApiReply.stream("text/plain", out -> {
            for (int i = 0; i < 5000; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            throw new IOException("the database went away");
        }));
        server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        state.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", "Bearer x").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void completeStreamArrivesWhole() throws Exception {
        HttpResponse<String> response = get("/complete");
        assertEquals(200, response.statusCode());
        assertEquals(5000, response.body().lines().count());
    }

    @Test
    void failedStreamIsCutOffNotEndedNormally() {
        assertThrows(IOException.class, () -> get("/fails-midway"),
                     "the client must see a broken transfer, not a body that looks complete");
    }
}
