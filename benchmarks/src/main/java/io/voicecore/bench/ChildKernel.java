package io.voicecore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A kernel in its own JVM, started exactly as {@code ./voicecore start} starts it
 * ({@code java -cp kernel/target/voicecore-kernel.jar:kernel/target/lib/* io.voicecore.kernel.Main start --port P --data DIR},
 * plugins directory, admin token and master key from the environment), timed from just before the process is created
 * to the first {@code 200} of {@code GET /observe/health}. Its log goes to a file, read afterwards for the kernel's
 * {@code Start-up phases} line.
 */
final class ChildKernel {
    private static final Pattern PHASES = Pattern.compile("Start-up phases \\(ms\\): (.*)");
    private static final Pattern PHASE = Pattern.compile("([a-z-]+)=(\\d+)");
    /** Between the wall times and the process CPU times of the phases in the kernel's log line. */
    private static final String CPU_SEPARATOR = "; process CPU (ms): ";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * One start.
     *
     * @param millis time from process creation to the first healthy answer
     * @param phases the kernel's own phase timings, in milliseconds ({@code database}, {@code plugins-installed}, ...)
     * @param cpu    the CPU time the child used during each phase, in milliseconds, as far as it logged them
     */
    record Start(double millis, Map<String, Long> phases, Map<String, Long> cpu) {
        long phase(String name) {
            return named(phases, name, "phase");
        }

        /** The CPU time the whole child process used during a phase, in milliseconds. */
        long cpu(String name) {
            return named(cpu, name, "process CPU time for the phase");
        }

        private static long named(Map<String, Long> values, String name, String what) {
            Long value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("the kernel logged no " + what + " '" + name + "': " + values);
            }
            return value;
        }
    }

    private ChildKernel() {
    }

    /** Starts a kernel over {@code data} with the jars of {@code plugins}, waits until healthy, stops it, and returns the timings. */
    static Start startAndStop(Path root, Path data, Path plugins, String adminToken, String masterKey) throws IOException, InterruptedException {
        try (Running kernel = start(root, data, plugins, adminToken, masterKey, Map.of())) {
            String line = phasesLine(kernel.log);
            int cpu = line.indexOf(CPU_SEPARATOR);
            return cpu < 0 ? new Start(kernel.millisToHealthy, values(line), Map.of())
                    : new Start(kernel.millisToHealthy, values(line.substring(0, cpu)), values(line.substring(cpu + CPU_SEPARATOR.length())));
        }
    }

    /**
     * A kernel running in its own JVM until closed (SIGTERM, as an operator stops it).
     *
     * @param port             where it listens, on 127.0.0.1
     * @param millisToHealthy  from process creation to the first healthy answer
     */
    record Running(Process process, int port, double millisToHealthy, Path log) implements AutoCloseable {
        @Override
        public void close() throws IOException, InterruptedException {
            try {
                stop(process);
            } finally {
                Files.deleteIfExists(log);
            }
        }
    }

    /**
     * Starts a kernel over {@code data} with the jars of {@code plugins} and waits until it is healthy.
     *
     * @param settings more configuration keys (e.g. {@code rate-limit.per-minute}), passed as the environment variables
     *                 {@code ./voicecore start} reads
     */
    static Running start(Path root, Path data, Path plugins, String adminToken, String masterKey, Map<String, String> settings)
            throws IOException, InterruptedException {
        int port = freePort();
        Path log = Files.createTempFile("voicecore-child", ".log");
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = root.resolve("kernel/target/voicecore-kernel.jar") + java.io.File.pathSeparator + root.resolve("kernel/target/lib") + "/*";
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary,
                "-Djava.util.logging.manager=io.voicecore.kernel.observe.KernelLogManager"));
        command.addAll(childJavaOptions());
        command.addAll(List.of("-cp", classpath, "io.voicecore.kernel.Main", "start", "--port", String.valueOf(port), "--data", data.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("VOICECORE_"));
        env.put("VOICECORE_HOST", "127.0.0.1");
        env.put("VOICECORE_PLUGINS_DIR", plugins.toString());
        env.put("VOICECORE_ADMIN_TOKEN", adminToken);
        env.put("VOICECORE_MASTER_KEY", masterKey);
        env.put("VOICECORE_LOG_FORMAT", "text");
        settings.forEach((key, value) -> env.put(io.voicecore.kernel.config.ConfigLoader.environmentName(key), value));
        URI health = URI.create("http://127.0.0.1:" + port + "/observe/health");
        long begin = System.nanoTime();
        Process process = builder.start();
        try {
            return new Running(process, port, awaitHealthy(process, health, begin, log), log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            Files.deleteIfExists(log);
            throw e;
        }
    }

    /**
     * Extra JVM options for the child, from {@code VOICECORE_BENCH_CHILD_JAVA_OPTS} (split on spaces), e.g. to profile it:
     * {@code -XX:StartFlightRecording=filename=/tmp/child.jfr,settings=profile}. None by default: the child runs exactly as
     * {@code ./voicecore start} does.
     */
    static List<String> childJavaOptions() {
        String options = System.getenv().getOrDefault("VOICECORE_BENCH_CHILD_JAVA_OPTS", "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * Waits until {@code health} answers 200.
     *
     * @param log the process's output, whose end is shown when it does not get there
     * @return milliseconds from {@code begin}
     */
    static double awaitHealthy(Process process, URI health, long begin, Path log) throws IOException, InterruptedException {
        long deadline = begin + TimeUnit.MINUTES.toNanos(3);
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + " before it was healthy:\n" + tail(log));
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - begin) / 1e6;
                }
            } catch (IOException notListeningYet) {
                // The server is not up yet.
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the process was not healthy within 3 minutes:\n" + tail(log));
    }

    private static String phasesLine(Path log) throws IOException, InterruptedException {
        // The line is logged right after the server starts listening; give the log a moment to reach the file.
        for (int attempt = 0; attempt < 200; attempt++) {
            for (String line : Files.readAllLines(log)) {
                Matcher matcher = PHASES.matcher(line);
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the kernel logged no start-up phases:\n" + tail(log));
    }

    private static Map<String, Long> values(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        Matcher value = PHASE.matcher(text);
        while (value.find()) {
            values.put(value.group(1), Long.parseLong(value.group(2)));
        }
        return values;
    }

    /** SIGTERM, as an operator stops it: the kernel stops its embedded PostgreSQL on the way out. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Deletes a directory and everything in it. */
    static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }
}
