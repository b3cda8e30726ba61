package io.voicecore.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code soak}: a realistic mix for a long time, sampled at regular intervals, so that a leak shows as a slope. On one
 * kernel, {@link #TENANTS} tenants each have the AI gateway (offline), the receptionist, the CRM and a pair of event
 * plugins; closed loops (each client sends its next request as soon as the last was answered) run at once:
 * <ul>
 *   <li>receptionist conversations: open, three caller turns, end (which publishes {@code conversation.ended} to the
 *   CRM), one client per tenant;</li>
 *   <li>CRM reads and writes: create a contact, search, read it back, one client per tenant;</li>
 *   <li>events: a plugin publishing ten events a call to a subscribing plugin, one client per tenant;</li>
 *   <li>a plugin upgrade: the publishing plugin is uploaded in a new version every {@code upgradeEvery} while it
 *   serves, and its tenants move to it.</li>
 * </ul>
 * Every {@code sampleEvery} it records the window's completed requests per second and their p99, the live heap after a
 * full collection and the process's open file descriptors (the kernel runs in this JVM, so they are the kernel's, plus
 * the clients' few fixed connections), and at the end the least-squares slope per hour of heap and descriptors, over the
 * whole run and over its second half (which leaves out the warm-up).
 *
 * <p>Full mode runs 30 minutes, sampling and upgrading every minute. {@code --quick} runs it only when named
 * ({@code ./voicecore bench --quick soak}): 2 minutes, sampling every 15 s, upgrading every 30 s; a quick run of every
 * scenario leaves it out, so that it still takes minutes.
 */
final class SoakScenario implements Scenario {
    static final String NAME = "soak";
    private static final String KEY = "soak.";
    static final int TENANTS = 4;
    private static final String PUBLISHER = "soak-herald";
    private static final String SUBSCRIBER = "soak-sink";
    private static final String TOPIC = "soak.tick";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TURNS = List.of("Hola, me llamo Marta Ruiz y quiero pedir una cita para una limpieza",
            "Mi teléfono es el 612 345 678", "¿Tenéis aparcamiento cerca?");

    /**
     * How long, how often.
     *
     * @param run          how long the mix runs
     * @param sampleEvery  the length of one sample's window
     * @param upgradeEvery how often the publishing plugin is upgraded
     */
    record Plan(Duration run, Duration sampleEvery, Duration upgradeEvery) {
        /** The plan for these options; empty when the run is quick and does not name the scenario. */
        static java.util.Optional<Plan> of(BenchOptions options) {
            if (!options.quick()) {
                return java.util.Optional.of(new Plan(Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofMinutes(1)));
            }
            return options.scenarios().contains(NAME)
                    ? java.util.Optional.of(new Plan(Duration.ofMinutes(2), Duration.ofSeconds(15), Duration.ofSeconds(30)))
                    : java.util.Optional.empty();
        }

        int samples() {
            return (int) (run.toMillis() / sampleEvery.toMillis());
        }
    }

    /** One sample: the window's throughput and p99, and the process's state at its end. */
    record Sample(double minutes, double requestsPerSecond, double p99Millis, double heapMiB, long openFds, long errors) {
    }

    /** Latencies (ns) and errors of the current window, shared by every client. */
    private static final class Window {
        private long[] latencies = new long[16 * 1024];
        private int count;
        private long errors;
        private String firstError;

        synchronized void ok(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        synchronized void failed(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }

        /** The window so far, and a fresh start for the next. */
        synchronized long[] take() {
            long[] taken = Arrays.copyOf(latencies, count);
            count = 0;
            return taken;
        }

        synchronized long errors() {
            return errors;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final Window window = new Window();
    private final AtomicLong published = new AtomicLong();
    private volatile boolean running = true;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a realistic mix (receptionist conversations, CRM reads and writes, events, a plugin upgrade a minute) for 30 minutes:"
               + " throughput, p99, live heap and open files over time, and their slopes";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        java.util.Optional<Plan> chosen = Plan.of(options);
        if (chosen.isEmpty()) {
            progress.println("skipped in a quick run of every scenario; run it with ./voicecore bench --quick soak (2 min) or in full mode");
            return List.of();
        }
        Plan plan = chosen.get();
        Path plugins = options.root().resolve("plugins");
        List<Path> jars = new ArrayList<>();
        for (String plugin : List.of("ai-gateway", "receptionist", "crm")) {
            Path jar = plugins.resolve(plugin + "-plugin-0.1.0-SNAPSHOT.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no " + plugin + " plugin jar in " + plugins + "; build first: ./voicecore build");
            }
            jars.add(jar);
        }
        Path generated = Files.createTempDirectory("voicecore-bench-soak");
        Path publisher = publisherJar().writeTo(generated);
        jars.add(publisher);
        jars.add(subscriberJar().writeTo(generated));
        try (BenchKernel kernel = BenchKernel.start(jars)) {
            List<Map<String, String>> tenants = new ArrayList<>();
            List<String> slugs = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String slug = kernel.tenant();
                kernel.enable(slug, "ai-gateway", Map.of());
                kernel.enable(slug, "receptionist", Map.of("assistantName", "Ava", "businessName", "Clínica Sol", "languages", "es,en",
                                                          "businessHours", "Mon-Sun 00:00-24:00", "timeZone", "Europe/Madrid"));
                kernel.enable(slug, "crm", Map.of("defaultCountryCode", "34"));
                kernel.enable(slug, PUBLISHER, Map.of());
                kernel.enable(slug, SUBSCRIBER, Map.of());
                String key = kernel.json("POST", "/api/v1/tenants/" + slug + "/api-keys", Map.of("name", "soak", "role", "tenant-admin"), 201)
                        .get("secret").asText();
                tenants.add(Map.of("Authorization", "Bearer " + key));
                slugs.add(slug);
            }
            progress.printf(Locale.ROOT, "%d tenants with the gateway, receptionist, CRM and event plugins; running %d min, a sample every %d s, "
                            + "an upgrade every %d s%n", TENANTS, plan.run().toMinutes(), plan.sampleEvery().toSeconds(),
                            plan.upgradeEvery().toSeconds());
            List<Sample> samples = new ArrayList<>();
            int upgrades;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < TENANTS; i++) {
                    String base = kernel.uri("/api/v1/tenants/" + slugs.get(i)).toString();
                    Map<String, String> auth = tenants.get(i);
                    int client = i;
                    clients.submit(() -> loop(() -> conversation(base, auth)));
                    clients.submit(() -> loop(() -> crm(base, auth, client)));
                    clients.submit(() -> loop(() -> publish(base, auth)));
                }
                upgrades = measure(kernel, plan, publisher, samples, progress);
                running = false;
            }
            long pending = kernel.services().database().inPlatform(tx -> tx.get(
                    "SELECT count(*) AS pending FROM kernel.event_deliveries WHERE status = 'pending'")
                    .map(row -> row.column("pending").get(Long.class)).orElse(0L));
            return measurements(plan, samples, upgrades, pending);
        } finally {
            try (Stream<Path> files = Files.list(generated)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(generated);
        }
    }

    /** Samples at every window's end and upgrades the publisher on its schedule, until the run is over. */
    private int measure(BenchKernel kernel, Plan plan, Path publisher, List<Sample> samples, PrintStream progress) throws Exception {
        Map<String, Long> fdsAtStart = Map.of();
        long start = System.nanoTime();
        long nextUpgrade = start + plan.upgradeEvery().toNanos();
        int upgrades = 0;
        long windowStart = start;
        long errorsBefore = 0;
        for (int s = 1; s <= plan.samples(); s++) {
            long windowEnd = start + plan.sampleEvery().toNanos() * s;
            while (System.nanoTime() < windowEnd) {
                if (System.nanoTime() >= nextUpgrade) {
                    upgrades++;
                    upgrade(kernel, publisher, upgrades);
                    nextUpgrade += plan.upgradeEvery().toNanos();
                }
                Thread.sleep(Math.max(1, Math.min(windowEnd, nextUpgrade) - System.nanoTime()) / 1_000_000 + 1);
            }
            long[] latencies = window.take();
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            windowStart = System.nanoTime();
            Arrays.sort(latencies);
            double p99 = latencies.length == 0 ? Double.NaN : latencies[Math.max(0, (int) Math.ceil(latencies.length * 0.99) - 1)] / 1e6;
            long errors = window.errors();
            Sample sample = new Sample((windowStart - start) / 6e10, latencies.length / seconds, p99, HeapSampler.liveHeapBytes() / 1048576.0,
                                       openFileDescriptors(), errors - errorsBefore);
            errorsBefore = errors;
            samples.add(sample);
            if (s == 1) {
                // After the first window, when every client has its connections: what grows from here on is kept.
                fdsAtStart = fileDescriptorKinds();
            }
            progress.printf(Locale.ROOT, "%5.1f min: %,7.0f req/s, p99 %7.1f ms, live heap %6.1f MiB, %d open files, %d errors, %d upgrades%n",
                            sample.minutes(), sample.requestsPerSecond(), sample.p99Millis(), sample.heapMiB(), sample.openFds(),
                            sample.errors(), upgrades);
        }
        if (window.firstError != null) {
            progress.println("first error: " + window.firstError);
        }
        Map<String, Long> fdsAtEnd = fileDescriptorKinds();
        java.util.TreeSet<String> kinds = new java.util.TreeSet<>(fdsAtStart.keySet());
        kinds.addAll(fdsAtEnd.keySet());
        for (String kind : kinds) {
            long change = fdsAtEnd.getOrDefault(kind, 0L) - fdsAtStart.getOrDefault(kind, 0L);
            if (change != 0) {
                progress.printf(Locale.ROOT, "open files of kind %s: %+d from the first sample to the end%n", kind, change);
            }
        }
        return upgrades;
    }

    private List<Measurement> measurements(Plan plan, List<Sample> samples, int upgrades, long pendingAtEnd) {
        List<Measurement> out = new ArrayList<>();
        double totalRequests = samples.stream().mapToDouble(s -> s.requestsPerSecond() * plan.sampleEvery().toSeconds()).sum();
        out.add(new Measurement(KEY + "minutes", plan.run().toSeconds() / 60.0, "min", "how long the mix ran"));
        out.add(new Measurement(KEY + "sample_seconds", plan.sampleEvery().toSeconds(), "s", "length of one sample's window"));
        out.add(new Measurement(KEY + "requests_per_second", totalRequests / plan.run().toSeconds(), "req/s", "completed requests, whole run"));
        out.add(new Measurement(KEY + "p99_ms_worst_sample", samples.stream().mapToDouble(Sample::p99Millis).max().orElse(Double.NaN), "ms",
                                "the highest of the samples' p99"));
        out.add(new Measurement(KEY + "errors", samples.stream().mapToLong(Sample::errors).sum(), "requests",
                                "answers other than 2xx and failed exchanges, whole run"));
        out.add(new Measurement(KEY + "upgrades", upgrades, "upgrades", "new versions of the publishing plugin installed while it served"));
        out.add(new Measurement(KEY + "events_published", published.get(), "events", "events published by the publishing plugin"));
        out.add(new Measurement(KEY + "event_deliveries_pending_at_end", pendingAtEnd, "deliveries", "deliveries not yet made when the run ended"));
        int half = samples.size() / 2;
        out.add(new Measurement(KEY + "heap_slope_mb_per_hour", slopePerHour(samples, Sample::heapMiB), "MiB/h",
                                "least-squares slope of the live heap after a full collection, every sample"));
        out.add(new Measurement(KEY + "heap_slope_mb_per_hour_second_half", slopePerHour(samples.subList(half, samples.size()), Sample::heapMiB),
                                "MiB/h", "the same over the second half of the run (no warm-up)"));
        out.add(new Measurement(KEY + "fd_slope_per_hour", slopePerHour(samples, s -> s.openFds()), "fds/h",
                                "least-squares slope of the open file descriptors, every sample"));
        out.add(new Measurement(KEY + "fd_slope_per_hour_second_half", slopePerHour(samples.subList(half, samples.size()), s -> s.openFds()),
                                "fds/h", "the same over the second half of the run"));
        out.add(new Measurement(KEY + "throughput_slope_per_hour", slopePerHour(samples, Sample::requestsPerSecond), "req/s per h",
                                "least-squares slope of the samples' throughput (a slowdown shows negative)"));
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            String prefix = String.format(Locale.ROOT, "%ssample_%02d.", KEY, i + 1);
            String when = String.format(Locale.ROOT, " (sample %d, at %.1f min)", i + 1, sample.minutes());
            out.add(new Measurement(prefix + "requests_per_second", sample.requestsPerSecond(), "req/s", "completed requests" + when));
            out.add(new Measurement(prefix + "p99_ms", sample.p99Millis(), "ms", "99th percentile of the window's requests" + when));
            out.add(new Measurement(prefix + "heap_mb", sample.heapMiB(), "MiB", "live heap after a full collection" + when));
            out.add(new Measurement(prefix + "open_fds", sample.openFds(), "fds", "open file descriptors of the kernel's process" + when));
        }
        return out;
    }

    /** The least-squares slope of {@code value} over the samples' minutes, per hour; 0 with fewer than two samples. */
    static double slopePerHour(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanX = samples.stream().mapToDouble(Sample::minutes).average().orElse(0);
        double meanY = samples.stream().mapToDouble(value).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (Sample sample : samples) {
            double dx = sample.minutes() - meanX;
            covariance += dx * (value.applyAsDouble(sample) - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? 0 : covariance / variance * 60;
    }

    /** Open file descriptors of this process: the JVM's own count, or the entries of /proc/self/fd. */
    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /**
     * This process's open file descriptors by what they are (socket, pipe, a jar, a file of some extension), read from
     * /proc/self/fd; empty where there is none. What grew between two readings says where descriptors leak.
     */
    static Map<String, Long> fileDescriptorKinds() {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException gone) {
                    continue;
                }
                String kind = target.startsWith("socket:") ? "socket" : target.startsWith("pipe:") ? "pipe"
                        : target.startsWith("anon_inode:") ? target
                        : target.contains(".") ? "*" + target.substring(target.lastIndexOf('.')) : "other";
                kinds.merge(kind, 1L, Long::sum);
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return Map.of();
        }
        return kinds;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Repeats a client's step until the run ends; a failed step is counted and the client goes on. */
    private void loop(Step step) {
        while (running) {
            try {
                step.run();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                window.failed(e.toString());
            }
        }
    }

    private void conversation(String base, Map<String, String> auth) throws Exception {
        JsonNode opened = call("POST", base + "/receptionist/conversations", auth, "{\"channel\":\"chat\"}");
        if (opened == null) {
            return;
        }
        String id = opened.get("id").asText();
        for (String turn : TURNS) {
            call("POST", base + "/receptionist/conversations/" + id + "/messages", auth, JSON.writeValueAsString(Map.of("text", turn)));
        }
        call("POST", base + "/receptionist/conversations/" + id + "/end", auth, null);
    }

    private final AtomicLong contacts = new AtomicLong();

    private void crm(String base, Map<String, String> auth, int client) throws Exception {
        long n = contacts.incrementAndGet();
        String body = String.format(Locale.ROOT, "{\"name\":\"Soak Client %s\",\"phones\":[\"+3472%07d\"],\"emails\":[\"soak%d@bench.example\"],"
                                                 + "\"company\":\"Soak Co\",\"tags\":[\"soak\"]}", letters(n), n % 10_000_000, n);
        JsonNode created = call("POST", base + "/crm/contacts", auth, body);
        call("GET", base + "/crm/contacts?limit=20&q=" + letters(Math.max(1, n - client)), auth, null);
        if (created != null) {
            call("GET", base + "/crm/contacts/" + created.get("id").asText(), auth, null);
        }
    }

    /** A number written in letters (a, b, ... ba, bb), so the contact search reads it as a word. */
    private static String letters(long n) {
        StringBuilder text = new StringBuilder();
        do {
            text.insert(0, (char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return text.toString();
    }

    private void publish(String base, Map<String, String> auth) throws Exception {
        if (call("POST", base + "/" + PUBLISHER + "/publish", auth, "{\"count\":10}") != null) {
            published.addAndGet(10);
        }
    }

    /** One request, timed into the window; the parsed answer, or null when it failed (counted as an error). */
    private JsonNode call(String method, String url, Map<String, String> headers, String jsonBody) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        headers.forEach(request::header);
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        long sent = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long latency = System.nanoTime() - sent;
        if (response.statusCode() / 100 != 2) {
            window.failed(method + " " + URI.create(url).getPath() + " answered " + response.statusCode() + ": "
                          + response.body().substring(0, Math.min(300, response.body().length())));
            return null;
        }
        window.ok(latency);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /**
     * Uploads the publishing plugin in version 1.0.{@code n}: the first jar with its manifest's version changed, so no
     * compiler runs in this JVM during the measurement. Its tenants move to it as they would after any upgrade.
     */
    private static void upgrade(BenchKernel kernel, Path publisher, int n) throws Exception {
        byte[] jar = withVersion(Files.readAllBytes(publisher), "1.0." + n);
        HttpResponse<String> answer = kernel.send(kernel.request("/api/v1/plugins").header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jar)).build());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("upgrade to " + PUBLISHER + " 1.0." + n + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** The jar with {@code version:} of its {@code plugin.yaml} replaced, every other entry copied as it is. */
    static byte[] withVersion(byte[] jar, String version) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(jar.length + 64);
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(jar));
             java.util.jar.JarOutputStream copy = in.getManifest() == null ? new java.util.jar.JarOutputStream(out)
                     : new java.util.jar.JarOutputStream(out, in.getManifest())) {
            for (java.util.jar.JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("plugin.yaml")) {
                    bytes = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replaceFirst("(?m)^version: .*$", "version: " + version)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                copy.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                copy.write(bytes);
                copy.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static GeneratedPluginJar publisherJar() {
        return GeneratedPluginJar.withId(PUBLISHER)
                .manifest("""
                        permissions:
                          - name: storage
                            reason: publishes inside a storage transaction, so a call's events commit together
                          - name: events:publish
                            reason: publishes the soak's events
                        routes:
                          - POST /publish
                        events:
                          publishes: [%s]
                        """.formatted(TOPIC))
                .setup("""
                        setup.route(HttpMethod.POST, "/publish", (request, context) -> {
                            long count = request.json().get("count").asLong();
                            context.storage().transaction(tx -> {
                                for (long i = 0; i < count; i++) {
                                    context.events().publish("%s", Json.object().put("n", i).build());
                                }
                                return null;
                            });
                            return Response.ok(Json.object().put("published", count).build());
                        });
                        """.formatted(TOPIC))
                .resource("db/migration/V1__marker.sql", "CREATE TABLE marker (tenant_id uuid NOT NULL);");
    }

    private static GeneratedPluginJar subscriberJar() {
        return GeneratedPluginJar.withId(SUBSCRIBER)
                .manifest("""
                        permissions:
                          - name: events:subscribe
                            reason: receives the soak's events
                        events:
                          subscribes: [%s]
                        """.formatted(TOPIC))
                .setup("""
                        setup.onEvents("%s", (events, context) -> {
                            if (events.isEmpty()) {
                                throw new IllegalStateException("an empty batch");
                            }
                        });
                        """.formatted(TOPIC));
    }
}
