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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.config.ConfigLoader;

/**
 * A kernel in a JVM of its own, started as {@code ./voicecore start} starts it ({@code java -cp
 * voicecore-kernel.jar:lib/* io.voicecore.kernel.Main start}) from the packaged jar, configured through the
 * environment variables an operator sets. For tests of several nodes, where a node must be able to die as a process
 * does ({@link #kill()}: SIGKILL, no shutdown hook runs). Its JVM is kept small (384 MB heap, serial collector, C1
 * only), so that three of them and the build fit on a small test machine.
 *
 * <p>The packaged kernel is found through the system property {@code kernel.jar} (failsafe sets it), its libraries
 * beside it in {@code lib/}.
 */
public final class KernelProcess implements AutoCloseable {
    private static final long STARTUP_MILLIS = 180_000;

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private KernelProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a kernel on a free loopback port and waits until it answers {@code /observe/health}.
     *
     * @param settings configuration keys (e.g. {@code db.url}, {@code redis.url}), passed as environment variables
     */
    public static KernelProcess start(String name, Map<String, String> settings) {
        Path jar = Path.of(System.getProperty("kernel.jar", "target/voicecore-kernel.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged kernel at " + jar + ": run after 'mvn package' (failsafe sets kernel.jar)");
        }
        int port = freePort();
        Path log;
        try {
            log = Files.createTempFile("voicecore-" + name + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=io.voicecore.kernel.observe.KernelLogManager",
                "-cp", jar + File.pathSeparator + jar.resolveSibling("lib") + "/*", "io.voicecore.kernel.Main", "start"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("VOICECORE_"));
        env.put(ConfigLoader.environmentName("host"), "127.0.0.1");
        env.put(ConfigLoader.environmentName("port"), Integer.toString(port));
        env.put(ConfigLoader.environmentName("log.format"), "text");
        settings.forEach((key, value) -> env.put(ConfigLoader.environmentName(key), value));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a kernel process", e);
        }
        KernelProcess kernel = new KernelProcess(name, process, port, log);
        try {
            kernel.awaitHealthy();
        } catch (RuntimeException e) {
            kernel.close();
            throw e;
        }
        return kernel;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A request straight to this node, past any proxy. */
    public HttpResult send(String method, String path, String token, String contentType, byte[] body) {
        return OneShotHttp.send(port, method, path, token, contentType, body);
    }

    /**
     * Kills the process with SIGKILL, as the kernel of an OOM killer or a lost machine would: nothing of it runs any
     * more, no shutdown hook, no graceful close. Returns the exit code, 137 (128 + 9) when SIGKILL ended it.
     */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** The end of the node's log, for a failure message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the node as an operator does (SIGTERM), and forcibly if it does not end within 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // A leftover log in the temp folder is harmless.
        }
    }

    private void awaitHealthy() {
        long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was healthy:\n" + logTail(40));
            }
            try {
                if (OneShotHttp.send(port, "GET", "/observe/health", null, null, null).status() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // Not up yet.
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " was not healthy within " + STARTUP_MILLIS / 1000 + " s:\n" + logTail(40));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
