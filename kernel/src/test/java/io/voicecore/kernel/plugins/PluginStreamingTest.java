package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming plugin routes over real HTTP: a request body reaches a route declared {@code stream: true} unbuffered and
 * bounded by {@code plugins.max-stream-bytes} (not {@code http.max-body-bytes}); a streamed response of many
 * megabytes arrives whole, and one whose writer fails is cut off; the allocation allowance grows with the bytes
 * streamed while a route that streams nothing keeps the plain quota; a streaming route's own deadline applies.
 */
class PluginStreamingTest {
    static final long MAX_STREAM_BYTES = 60L << 20;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TestKernel kernel;
    static String base;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().set("plugins.max-stream-bytes", Long.toString(MAX_STREAM_BYTES)).start();
        kernel.createTenant("streams");
        String streamRoute = "{route: %s, stream: true, timeoutMillis: 5000}";
        HttpResult installed = install(kernel, plugin("streamer", "1.0.0", List.of(), List.of(
                streamRoute.formatted("POST /count"), streamRoute.formatted("POST /churn"), streamRoute.formatted("POST /hoard"),
                streamRoute.formatted("POST /swallow"), streamRoute.formatted("POST /slow-stream"), "POST /slow",
                "POST /buffered", streamRoute.formatted("GET /download"), streamRoute.formatted("GET /fails-midway"),
                streamRoute.formatted("POST /rows"), "{route: POST /stall, stream: true, timeoutMillis: 300}"),
                "limits: {timeoutMillis: 300}\n", """
                setup.route(HttpMethod.POST, "/count", (request, context) -> {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    long bytes = 0;
                    byte[] buffer = new byte[64 * 1024];
                    java.io.InputStream in = request.bodyStream();
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        crc.update(buffer, 0, n);
                        bytes += n;
                    }
                    return Response.ok(Json.object().put("bytes", bytes).put("crc", crc.getValue()).build());
                });
                // Allocates four times what it reads: more than the plain quota for a large body, within the credit.
                setup.route(HttpMethod.POST, "/churn", (request, context) -> {
                    long bytes = 0;
                    long churned = 0;
                    byte[] buffer = new byte[64 * 1024];
                    java.io.InputStream in = request.bodyStream();
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        bytes += n;
                        churned += new byte[n * 4].length;
                    }
                    return Response.ok(Json.object().put("bytes", bytes).put("churned", churned).build());
                });
                // Streams nothing, allocates without end: the plain quota must still stop it.
                setup.route(HttpMethod.POST, "/hoard", (request, context) -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) { hoard.add(new byte[1 << 20]); }
                });
                setup.route(HttpMethod.POST, "/swallow", (request, context) -> {
                    byte[] buffer = new byte[64 * 1024];
                    try {
                        java.io.InputStream in = request.bodyStream();
                        while (in.read(buffer) >= 0) { }
                    } catch (java.io.IOException ignored) {
                        // pretends the body was fine
                    }
                    return Response.ok(Json.object().put("swallowed", true).build());
                });
                setup.route(HttpMethod.POST, "/slow-stream", (request, context) -> { Thread.sleep(1000); return Response.noContent(); });
                setup.route(HttpMethod.POST, "/slow", (request, context) -> { Thread.sleep(1000); return Response.noContent(); });
                setup.route(HttpMethod.POST, "/buffered", (request, context) ->
                        Response.ok(Json.object().put("bytes", request.body().length).build()));
                setup.route(HttpMethod.GET, "/download", (request, context) -> {
                    int megabytes = Integer.parseInt(request.query("mb").orElse("1"));
                    return Response.stream(200, "application/octet-stream", out -> {
                        byte[] block = new byte[1 << 20];
                        for (int i = 0; i < block.length; i++) { block[i] = (byte) (i * 31); }
                        for (int i = 0; i < megabytes; i++) { out.write(block); }
                    }).withHeader("X-Megabytes", Integer.toString(megabytes));
                });
                setup.route(HttpMethod.POST, "/stall", (request, context) -> {
                    java.io.InputStream in = request.bodyStream();
                    while (in.read() >= 0) { }
                    return Response.noContent();
                });
                setup.route(HttpMethod.POST, "/rows", (request, context) -> {
                    String text = new String(request.bodyStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    List<Json> errors = new ArrayList<>();
                    String[] lines = text.split("\\n");
                    for (int i = 0; i < lines.length; i++) {
                        if (lines[i].isBlank()) {
                            errors.add(Json.object().put("line", i + 1).put("reason", "is empty").build());
                        }
                    }
                    throw new PluginProblem(422, "invalid-rows", errors.size() + " rows are invalid.",
                                            Map.of("errors", Json.of(errors), "note", Json.NULL));
                });
                setup.route(HttpMethod.GET, "/fails-midway", (request, context) -> Response.stream(200, "text/plain", out -> {
                    byte[] line = "a line of an export that will not finish\\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    for (int i = 0; i < 50_000; i++) { out.write(line); }
                    throw new java.io.IOException("the data source went away");
                }));
                """, "").build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals(200, enable(kernel, "streams", "streamer", List.of()).status());
        base = "/api/v1/tenants/streams/streamer";
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** A body of {@code size} bytes made up on the fly: no test memory grows with it. */
    static InputStream pattern(long size) {
        return new InputStream() {
            long position;

            @Override
            public int read() {
                return position < size ? (int) (position++ * 7 % 251) : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(length, size - position);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) (position++ * 7 % 251);
                }
                return n;
            }
        };
    }

    static long crcOfPattern(long size) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = pattern(size)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    /** Posts a generated body, chunked (no Content-Length) unless {@code declareLength}. */
    static HttpResult post(String route, long size, boolean declareLength) {
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> pattern(size));
        HttpRequest.BodyPublisher body = declareLength ? HttpRequest.BodyPublishers.fromPublisher(chunked, size) : chunked;
        return kernel.send(kernel.request(base + route, kernel.adminToken()).timeout(Duration.ofSeconds(60))
                                   .header("Content-Type", "application/octet-stream").POST(body).build());
    }

    @Test
    void aBodyFarBeyondTheOrdinaryLimitStreamsThroughAStreamingRouteOnly() throws IOException {
        long size = 50L << 20;
        for (boolean declareLength : List.of(true, false)) {
            HttpResult counted = post("/count", size, declareLength);
            assertEquals(200, counted.status(), counted.body());
            assertEquals(size, counted.json().get("bytes").asLong());
            assertEquals(crcOfPattern(size), counted.json().get("crc").asLong(), "every byte arrived, in order");
        }
        HttpResult buffered = post("/buffered", size, true);
        assertEquals(413, buffered.status(), buffered.body());
        assertEquals("urn:voicecore:problem:payload-too-large", buffered.json().get("type").asText());
        HttpResult bufferedChunked = post("/buffered", 2L << 20, false);
        assertEquals(413, bufferedChunked.status(), "http.max-body-bytes still holds for an ordinary route: " + bufferedChunked.body());
        HttpResult small = post("/buffered", 1000, true);
        assertEquals(1000, small.json().get("bytes").asInt(), small.body());
    }

    @Test
    void aBodyOverTheStreamLimitIsAnswered413EvenWhenThePluginSwallowsTheError() {
        for (boolean declareLength : List.of(true, false)) {
            for (String route : List.of("/count", "/swallow")) {
                HttpResult over = post(route, MAX_STREAM_BYTES + 1, declareLength);
                assertEquals(413, over.status(), route + " (Content-Length declared: " + declareLength + "): " + over.body());
                assertEquals("application/problem+json", over.contentType());
                assertTrue(over.json().get("detail").asText().contains(Long.toString(MAX_STREAM_BYTES)), over.body());
            }
        }
        HttpResult exactly = post("/count", MAX_STREAM_BYTES, false);
        assertEquals(200, exactly.status(), "a body of exactly the limit is accepted: " + exactly.body());
    }

    @Test
    void oversizedUploadsAreNotHeldAgainstThePlugin() {
        // Five faults in a minute quarantine a plugin; bodies cut at the limit are the caller's doing, not faults.
        for (int i = 0; i < 6; i++) {
            assertEquals(413, post("/count", MAX_STREAM_BYTES + 1, false).status());
        }
        HttpResult afterwards = post("/count", 10, false);
        assertEquals(200, afterwards.status(), "the plugin is not quarantined: " + afterwards.body());
    }

    @Test
    void uploadsThatStallPastTheDeadlineAreNotHeldAgainstThePlugin() throws Exception {
        // Five faults in a minute quarantine a plugin; a caller that stops sending is not the plugin's fault.
        for (int i = 0; i < 6; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", kernel.port())) {
                socket.setSoTimeout(10_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST " + base + "/stall HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kernel.adminToken()
                           + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n")
                                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                // ... and then nothing more: the route's 300 ms pass while the plugin waits for the rest.
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                // 504, or the connection closed: the server cannot read past the stalled body to keep it open.
                assertTrue(status == null || status.equals("HTTP/1.1 504 Gateway Timeout"), status);
            }
        }
        HttpResult afterwards = post("/count", 10, false);
        assertEquals(200, afterwards.status(), "not quarantined by the callers' stalls: " + afterwards.body());
    }

    @Test
    void theAllocationAllowanceGrowsWithTheBytesStreamedButNotWithoutThem() {
        long size = 40L << 20;
        HttpResult churned = post("/churn", size, false);
        assertEquals(200, churned.status(), churned.body());
        assertEquals(4 * size, churned.json().get("churned").asLong(),
                     "allocated " + (4 * size >> 20) + " MiB, more than the 64 MiB quota, credited by the streamed bytes");

        HttpResult hoarded = post("/hoard", 1000, false);
        assertEquals(503, hoarded.status(), hoarded.body());
        assertEquals("urn:voicecore:problem:plugin-resource-limit", hoarded.json().get("type").asText());
        assertTrue(hoarded.json().get("detail").asText().contains("64 MiB"), hoarded.body());
    }

    @Test
    void aStreamingRouteHasTheDeadlineItAskedForAndAnOrdinaryRouteThePluginsOwn() {
        HttpResult streaming = post("/slow-stream", 10, false);
        assertEquals(204, streaming.status(), "timeoutMillis 5000 on the streaming route: " + streaming.body());
        HttpResult ordinary = post("/slow", 10, false);
        assertEquals(504, ordinary.status(), "limits.timeoutMillis 300 on an ordinary route: " + ordinary.body());
    }

    @Test
    void aStreamedResponseOfManyMegabytesArrivesWhole() throws Exception {
        int megabytes = 40;
        HttpResponse<InputStream> response = HTTP.send(kernel.request(base + "/download?mb=" + megabytes, kernel.adminToken())
                                                               .timeout(Duration.ofSeconds(60)).GET().build(),
                                                       HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("40", response.headers().firstValue("X-Megabytes").orElse(""));
        assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
        long bytes = 0;
        boolean patternHolds = true;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    patternHolds &= buffer[i] == (byte) ((bytes + i) % (1 << 20) * 31);
                }
                bytes += n;
            }
        }
        assertEquals((long) megabytes << 20, bytes);
        assertTrue(patternHolds, "the body is the bytes the plugin wrote");
    }

    @Test
    void aStreamedResponseWhoseWriterFailsIsCutOffNotEnded() {
        HttpRequest request = kernel.request(base + "/fails-midway", kernel.adminToken()).GET().build();
        assertThrows(IOException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()),
                     "the client must see a broken transfer, not a body that looks complete");
        HttpResult stillServing = kernel.get(base + "/download?mb=1", kernel.adminToken());
        assertEquals(200, stillServing.status(), "the kernel and the plugin keep serving");
    }

    @Test
    void aProblemCarriesItsOwnMembersSuchAsTheRowsItRefused() {
        HttpResult refused = kernel.send(kernel.request(base + "/rows", kernel.adminToken()).header("Content-Type", "text/plain")
                                                 .POST(HttpRequest.BodyPublishers.ofString("a\n\nb\n \nc")).build());
        assertEquals(422, refused.status(), refused.body());
        assertEquals("urn:voicecore:plugin:streamer:invalid-rows", refused.json().get("type").asText());
        assertEquals("2 rows are invalid.", refused.json().get("detail").asText());
        assertEquals("streamer", refused.json().get("plugin").asText(), "the kernel's members stay");
        assertEquals("[{\"line\":2,\"reason\":\"is empty\"},{\"line\":4,\"reason\":\"is empty\"}]",
                     refused.json().get("errors").toString());
        assertTrue(refused.json().has("note") && refused.json().get("note").isNull(), refused.body());
    }

    @Test
    void theStreamingDeadlineKeyCannotExceedWhatAManifestMayAskFor() {
        assertEquals(Duration.ofMinutes(10), ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).pluginMaxStreamTimeout());
        assertEquals(Duration.ofMinutes(2), ConfigLoader.load(Optional.empty(), Map.of(),
                                                              Map.of("plugins.max-stream-timeout", "2m")).pluginMaxStreamTimeout());
        ConfigException tooLong = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("plugins.max-stream-timeout", "11m")));
        assertTrue(tooLong.getMessage().contains("plugins.max-stream-timeout"), tooLong.getMessage());
        assertEquals(268_435_456L, ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).pluginMaxStreamBytes());
    }
}
