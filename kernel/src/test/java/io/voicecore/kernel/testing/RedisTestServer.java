package io.voicecore.kernel.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence. {@link #shared()} is
 * one server for the whole test JVM (stopped when the JVM exits); {@link #start()} is a dedicated one
 * for a test that must stop it or must not share its keys. Tests on the shared server keep apart by
 * using a {@link #freshPrefix()} each.
 * <p>
 * The binary comes from {@code VOICECORE_TEST_REDIS_SERVER}, else {@code PATH}, else the usual install
 * locations. Without one the tests fail: Redis behaviour is part of the contract, never silently skipped.
 */
public final class RedisTestServer implements AutoCloseable {
    private static final String BINARY_ENV = "VOICECORE_TEST_REDIS_SERVER";
    private static final List<Path> USUAL_LOCATIONS = List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
    private static final long STARTUP_TIMEOUT_MILLIS = 10_000;
    private static final AtomicLong PREFIXES = new AtomicLong();
    private static RedisTestServer shared;

    private final Process process;
    private final int port;
    private final Path directory;

    private RedisTestServer(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    /** The server every test in this JVM may use; started on first use, stopped at JVM exit. */
    public static synchronized RedisTestServer shared() {
        if (shared == null) {
            RedisTestServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
            shared = server;
        }
        return shared;
    }

    /** Starts a dedicated server; the caller stops it with {@link #close()}. */
    public static RedisTestServer start() {
        Path binary = binary();
        IllegalStateException lastFailure = null;
        // A free port can be taken by someone else between probing and binding; try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return launch(binary, freePort());
            } catch (IllegalStateException e) {
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /** A key prefix no other caller in this JVM gets, so tests on the shared server never see each other's keys. */
    public static String freshPrefix() {
        return "test-" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + ":";
    }

    public int port() {
        return port;
    }

    /** The URL for {@code redis.url} / {@code RedisSharedState}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server (idempotent); clients see connection failures afterwards. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteDirectory();
    }

    static Path binary() {
        Optional<Path> fromEnv = Optional.ofNullable(System.getenv(BINARY_ENV)).filter(s -> !s.isBlank()).map(Path::of);
        if (fromEnv.isPresent()) {
            if (!Files.isExecutable(fromEnv.get())) {
                throw new IllegalStateException(BINARY_ENV + " points at " + fromEnv.get()
                                                + ", which is not an executable file; point it at a redis-server binary.");
            }
            return fromEnv.get();
        }
        List<Path> candidates = new ArrayList<>();
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "redis-server"));
            }
        }
        candidates.addAll(USUAL_LOCATIONS);
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "No redis-server binary found (looked at $" + BINARY_ENV + ", PATH and " + USUAL_LOCATIONS + "). "
                + "The shared-state and rate-limit tests need a real Redis: install the Debian package 'redis-server' "
                + "(apt-get install redis-server, as .ci/run does) or set " + BINARY_ENV + " to the binary."));
    }

    private static RedisTestServer launch(Path binary, int port) {
        Path directory;
        try {
            directory = Files.createTempDirectory("voicecore-test-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = directory.resolve("redis.log");
        Process process;
        try {
            process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", directory.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary, e);
        }
        RedisTestServer server = new RedisTestServer(process, port, directory);
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                String output = read(log);
                server.deleteDirectory();
                throw new IllegalStateException(binary + " exited with code " + process.exitValue() + " on port " + port
                                                + ":\n" + output);
            }
            if (answersPing(port)) {
                return server;
            }
            sleep(20);
        }
        String output = read(log);
        server.close();
        throw new IllegalStateException(binary + " did not answer PING on port " + port + " within "
                                        + STARTUP_TIMEOUT_MILLIS + " ms:\n" + output);
    }

    private static boolean answersPing(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover empty temp directory is harmless.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }
}
