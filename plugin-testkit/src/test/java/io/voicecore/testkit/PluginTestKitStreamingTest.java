package io.voicecore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming routes through the test kit: a streamed body reaches a {@code stream: true} route past the ordinary body
 * limit, a streamed response is collected into the test response, and one whose writer fails is reported as cut off.
 */
class PluginTestKitStreamingTest {
    static final String MANIFEST = """
            id: streams
            name: Streams
            version: 1.0.0
            vendor: VoiceCore tests
            description: Streams bodies in and out.
            main: testkit.streams.Streams
            kernel: ">=0.1.0 <1.0.0"
            routes:
              - {route: POST /count, stream: true, timeoutMillis: 20000}
              - POST /buffered
              - {route: GET /lines, stream: true, timeoutMillis: 20000}
              - GET /broken
            """;
    static final String SOURCE = """
            package testkit.streams;
            import io.voicecore.sdk.*;
            import io.voicecore.sdk.json.Json;
            public class Streams implements Plugin {
                @Override
                public void setup(PluginSetup setup) {
                    setup.route(HttpMethod.POST, "/count", (request, context) -> {
                        long bytes = 0;
                        byte[] buffer = new byte[8192];
                        java.io.InputStream in = request.bodyStream();
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) { bytes += n; }
                        return Response.ok(Json.object().put("bytes", bytes).put("streamed", request.streamed()).build());
                    });
                    setup.route(HttpMethod.POST, "/buffered", (request, context) ->
                            Response.ok(Json.object().put("bytes", request.body().length).build()));
                    setup.route(HttpMethod.GET, "/lines", (request, context) -> {
                        int count = Integer.parseInt(request.query("n").orElse("10"));
                        return Response.stream(200, "text/plain; charset=utf-8", out -> {
                            for (int i = 1; i <= count; i++) {
                                out.write(("line " + i + "\\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            }
                        }).withHeader("Content-Disposition", "attachment; filename=\\"lines.txt\\"");
                    });
                    setup.route(HttpMethod.GET, "/broken", (request, context) -> Response.stream(200, "text/plain", out -> {
                        out.write("the first part\\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        throw new IllegalStateException("the rest is gone");
                    }));
                }
            }
            """;

    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.start(PluginJar.named("streams").manifest(MANIFEST).source("testkit.streams.Streams", SOURCE).build());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    /** {@code size} zero bytes, made up as they are read. */
    static InputStream zeros(long size) {
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                Arrays.fill(buffer, offset, offset + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    @Test
    void aStreamingRouteReadsABodyLargerThanTheOrdinaryLimit() {
        long size = 8L << 20;
        TestResponse counted = kit.request(HttpMethod.POST, "/count", Map.of(), zeros(size));
        assertEquals(200, counted.status(), counted.toString());
        assertEquals(size, counted.json().get("bytes").asLong());
        assertTrue(counted.json().get("streamed").asBoolean());

        TestResponse asBytes = kit.request(HttpMethod.POST, "/count", Map.of(), new byte[2 << 20]);
        assertEquals(2 << 20, asBytes.json().get("bytes").asLong(), asBytes.toString());

        TestResponse buffered = kit.request(HttpMethod.POST, "/buffered", Map.of(), zeros(2L << 20));
        assertEquals(413, buffered.status(), "http.max-body-bytes applies to an ordinary route: " + buffered);
        assertEquals(1000, kit.request(HttpMethod.POST, "/buffered", Map.of(), new byte[1000]).json().get("bytes").asLong());
    }

    @Test
    void aStreamedResponseIsCollectedWithItsHeaders() {
        TestResponse lines = kit.get("/lines?n=20000");
        assertEquals(200, lines.status(), lines.toString());
        assertEquals("text/plain; charset=utf-8", lines.contentType().orElseThrow());
        assertEquals("attachment; filename=\"lines.txt\"", lines.header("Content-Disposition").orElseThrow());
        assertEquals(20000, lines.body().lines().count());
        assertTrue(lines.body().endsWith("line 20000\n"));
    }

    @Test
    void aStreamedResponseThatFailsPartWayIsReportedAsCutOff() {
        PluginCallException cut = assertThrows(PluginCallException.class, () -> kit.get("/broken"));
        assertTrue(cut.getMessage().contains("cut off"), cut.getMessage());
        assertEquals(500, cut.response().status());
        assertEquals(IllegalStateException.class, cut.getCause().getClass());
    }
}
