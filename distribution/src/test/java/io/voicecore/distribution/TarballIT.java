package io.voicecore.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as an operator gets it: unpacked into an empty folder and started with {@code bin/voicecore start}, with
 * a Java runtime and nothing else of the build on the PATH, it serves the health endpoints the Helm chart probes, with
 * the core plugins installed from its own {@code plugins/}; stopped with SIGTERM, it exits cleanly; then
 * {@code bin/voicecore migrate} migrates the same embedded database and exits.
 */
class TarballIT {
    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    /** The kernel's health endpoints (ObserveRoutes), which the Helm chart's probes may use. */
    static final java.util.Set<String> HEALTH_PATHS = java.util.Set.of("/observe/health/live", "/observe/health/ready");

    @Test
    void unpackedItStartsServesHealthStopsAndMigrates(@TempDir Path home) throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("voicecore-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("target/voicecore-*.tar.gz: run the package phase first"));
        }
        assertEquals(0, new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString()).directory(home.toFile())
                .inheritIO().start().waitFor());
        assertTrue(Files.isExecutable(home.resolve("bin/voicecore")));

        int port = freePort();
        Path log = home.resolve("start.log");
        Process kernel = launcher(home, log, "start", "--port", String.valueOf(port)).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            HttpResponse<String> ready = null;
            while (System.nanoTime() < deadline && kernel.isAlive()) {
                try {
                    ready = get(http, port, "/observe/health/ready");
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            assertTrue(ready != null, "the kernel did not listen within " + START_LIMIT + ":\n" + Files.readString(log));
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"database\""), ready.body());
            for (String path : HEALTH_PATHS) {
                HttpResponse<String> health = get(http, port, path);
                assertEquals(200, health.statusCode(), path + ": " + health.body());
                assertTrue(health.body().startsWith("{\"status\":\"UP\""), path + ": " + health.body());
            }
            HttpResponse<String> plugins = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/plugins"))
                    .header("Authorization", "Bearer tarball-test-token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, plugins.statusCode(), plugins.body());
            for (String plugin : List.of("crm", "ai-gateway", "receptionist", "voice")) {
                assertTrue(plugins.body().contains("\"id\":\"" + plugin + "\""), plugin + " installed from plugins/: " + plugins.body());
            }
            // The web console ships in lib/ and is served on the API port.
            HttpResponse<String> console = get(http, port, "/console/");
            assertEquals(200, console.statusCode(), console.body());
            assertTrue(console.body().contains("<div id=\"root\">"), console.body());
        } finally {
            kernel.destroy();
            assertTrue(kernel.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
        }
        assertEquals(143, kernel.exitValue(), "ended by SIGTERM, through the shutdown hook");
        assertTrue(Files.readString(log).contains("VoiceCore stopped"), "a graceful stop");
        assertTrue(Files.isDirectory(home.resolve("data/postgres")), "the embedded database lives in the unpacked folder");

        Path migrateLog = home.resolve("migrate.log");
        Process migrate = launcher(home, migrateLog, "migrate").start();
        assertTrue(migrate.waitFor(3, TimeUnit.MINUTES), "migrate returns");
        assertEquals(0, migrate.exitValue(), Files.readString(migrateLog));
        assertTrue(Files.readString(migrateLog).contains("migrations applied to embedded PostgreSQL"), Files.readString(migrateLog));
    }

    /** {@code bin/voicecore} run from another folder, with the test's Java runtime as JAVA_HOME and a bare PATH. */
    private static ProcessBuilder launcher(Path home, Path log, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/voicecore").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("VOICECORE_ADMIN_TOKEN", "tarball-test-token");
        env.put("VOICECORE_LOG_FORMAT", "text");
        env.put("VOICECORE_JAVA_OPTS", "-Xmx512m");
        return builder;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
