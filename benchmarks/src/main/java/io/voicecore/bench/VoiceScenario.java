package io.voicecore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code voice}: phone calls answered by the voice plugin, as many at once as a node is meant to hold. The kernel runs
 * in a JVM of its own exactly as {@code ./voicecore start} runs it (embedded PostgreSQL, the core plugin jars of
 * {@code plugins/} installed at start-up, the AI gateway's offline engine), with tenants set up as a tenant admin does
 * for calls (gateway, receptionist, CRM, voice with its Twilio auth token and {@code publicBaseUrl}).
 *
 * <p><b>Gather phase.</b> {@link SimulatedCalls} keeps a number of calls in progress (2,000; 200 quick), each a real
 * call: incoming, four utterances in Spanish or English (a booking with name and number, or questions), then Twilio's
 * status callback, with 2 to 5 s of speech between webhooks. Its webhook latencies are compared with those of a bare
 * Helidon handler in a JVM of its own ({@link BareTwilioWebhook}: parse, verify the signature, fixed TwiML) driven by
 * the identical calls in the same run. Every answer is checked; errors are reported, never hidden.
 *
 * <p>Phases are methods returning their measurements, run one after the other against the same kernel and tenants
 * from {@link #run}: a media-stream phase is appended there the same way.
 */
final class VoiceScenario implements Scenario {
    static final String NAME = "voice";
    private static final String KEY = "voice.";
    /** The core plugins a tenant enables for calls, in the order they depend on each other. */
    private static final List<String> PLUGINS = List.of("ai-gateway", "receptionist", "crm", "voice");

    /**
     * How many.
     *
     * @param calls         calls in progress at once
     * @param tenants       tenants the calls are spread over
     * @param windowSeconds the measured window of each run, after the ramp
     * @param repetitions   runs of each server
     * @param warmUpCalls   calls in progress during the warm-up (not measured), whose window is {@code warmUpSeconds}
     */
    record Size(int calls, int tenants, double windowSeconds, int repetitions, int warmUpCalls, double warmUpSeconds) {
        static Size of(BenchOptions options) {
            return options.quick() ? new Size(200, 10, 15, 1, 100, 5) : new Size(2000, 20, 40, 1, 400, 5);
        }

        /** The same calls all to one tenant, once: what the per-tenant limits of the plugins allow. */
        Size oneTenant() {
            return new Size(calls, 1, windowSeconds, 1, 0, 0);
        }
    }

    /** The tenants set up for calls, and the auth token they share. */
    record Tenants(List<String> slugs, String authToken) {
        List<String> pluginBases() {
            return slugs.stream().map(slug -> "/api/v1/tenants/" + slug + "/voice").toList();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "concurrent gather-mode phone calls through the voice plugin vs a bare Helidon webhook handler: p50/p95/p99/max, errors";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        Size size = Size.of(options);
        Path plugins = options.root().resolve("plugins");
        for (String plugin : PLUGINS) {
            if (!Files.isRegularFile(plugins.resolve(plugin + "-plugin-0.1.0-SNAPSHOT.jar"))) {
                throw new IllegalStateException("no " + plugin + " plugin jar in " + plugins + "; build first: ./voicecore build");
            }
        }
        String authToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        try (BenchKernel kernel = BenchKernel.startProcess(options.root(), plugins);
             BareProcess bare = BareProcess.start(authToken)) {
            progress.printf("kernel (pid %d) on port %d with %s; bare handler (pid %d) on port %d%n", kernel.pid(), kernel.port(),
                            plugins, bare.process().pid(), bare.port());
            Tenants tenants = setUp(kernel, size.tenants(), authToken);
            List<Measurement> measurements = new ArrayList<>(gatherPhase(kernel.port(), bare.port(), tenants, size, KEY + "gather_", progress));
            // A node serves many tenants; one tenant with all the calls meets the plugins' per-tenant concurrency limits.
            Tenants one = new Tenants(tenants.slugs().subList(0, 1), authToken);
            measurements.addAll(gatherPhase(kernel.port(), bare.port(), one, size.oneTenant(), KEY + "gather_one_tenant_", progress));
            // A further phase (media streams) runs here, on the same kernel and tenants, and adds its measurements.
            return measurements;
        }
    }

    /** Tenants as a tenant admin sets them up for calls: every plugin a call uses, the auth token, the public URL. */
    private static Tenants setUp(BenchKernel kernel, int count, String authToken) throws IOException, InterruptedException {
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String slug = kernel.tenant();
            kernel.enable(slug, "ai-gateway", Map.of());
            kernel.enable(slug, "receptionist", Map.of("assistantName", "Ava", "businessName", "Clínica Sol", "languages", "es,en",
                                                      "businessHours", "Mon-Sun 00:00-24:00", "timeZone", "Europe/Madrid"));
            kernel.enable(slug, "crm", Map.of("defaultCountryCode", "34"));
            kernel.enable(slug, "voice", Map.of("publicBaseUrl", "http://127.0.0.1:" + kernel.port(), "maxConcurrentCalls", 0));
            kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/voice/secrets/twilio.auth-token", Map.of("value", authToken), 204);
            slugs.add(slug);
        }
        return new Tenants(slugs, authToken);
    }

    /**
     * The gather phase: {@link Size#calls()} calls in progress against each server, alternating which goes first.
     *
     * @param key the measurements' key prefix, e.g. {@code voice.gather_}
     * @return the measurements
     */
    static List<Measurement> gatherPhase(int kernelPort, int barePort, Tenants tenants, Size size, String key, PrintStream progress)
            throws Exception {
        SimulatedCalls kernelCalls = new SimulatedCalls(kernelPort, tenants.pluginBases(), tenants.authToken());
        SimulatedCalls bareCalls = new SimulatedCalls(barePort, tenants.pluginBases(), tenants.authToken());
        progress.printf(Locale.ROOT, "gather: %,d calls in progress over %d tenant(s), %d webhooks a call, %.0f-%.0f s between them"
                                     + " (ramp %.1f s, window %.0f s)%n", size.calls(), tenants.slugs().size(), SimulatedCalls.WEBHOOKS_PER_CALL,
                        SimulatedCalls.THINK_MIN_SECONDS, SimulatedCalls.THINK_MAX_SECONDS, SimulatedCalls.meanCallSeconds(), size.windowSeconds());
        if (size.warmUpCalls() > 0) {
            progress.println("warm-up (not measured)");
            report(progress, "warm-up bare", bareCalls.run(size.warmUpCalls(), size.warmUpSeconds(), "bare warm-up", progress));
            report(progress, "warm-up voicecore", kernelCalls.run(size.warmUpCalls(), size.warmUpSeconds(), "voicecore warm-up", progress));
        }
        List<SimulatedCalls.Result> bareRuns = new ArrayList<>();
        List<SimulatedCalls.Result> kernelRuns = new ArrayList<>();
        for (int i = 0; i < size.repetitions(); i++) {
            // Which server goes first alternates, so neither always meets the other's leftovers (the machine's load, GC).
            boolean bareFirst = i % 2 == 0;
            if (bareFirst) {
                bareRuns.add(report(progress, "#" + (i + 1) + " bare", bareCalls.run(size.calls(), size.windowSeconds(), "bare", progress)));
            }
            kernelRuns.add(report(progress, "#" + (i + 1) + " voicecore", kernelCalls.run(size.calls(), size.windowSeconds(), "voicecore", progress)));
            if (!bareFirst) {
                bareRuns.add(report(progress, "#" + (i + 1) + " bare", bareCalls.run(size.calls(), size.windowSeconds(), "bare", progress)));
            }
        }
        String at = " at " + String.format(Locale.ROOT, "%,d", size.calls()) + " calls in progress";
        String reps = size.repetitions() > 1 ? " (median of " + size.repetitions() + " runs)" : "";
        List<Measurement> measurements = new ArrayList<>();
        measurements.add(new Measurement(key + "calls", size.calls(), "calls", "calls in progress at once (target 2,000), over "
                                                                                      + tenants.slugs().size() + " tenant(s)"));
        measurements.add(new Measurement(key + "calls_in_progress", median(kernelRuns, SimulatedCalls.Result::meanInProgress), "calls",
                                         "calls in progress during the window, mean of 100 ms samples (voicecore)"));
        for (double quantile : List.of(0.50, 0.95, 0.99)) {
            String q = "p" + Math.round(quantile * 100);
            measurements.add(new Measurement(key + q + "_ms", median(kernelRuns, run -> run.millis(quantile)), "ms",
                                             "voicecore webhook latency, " + q + at + reps + (quantile == 0.99 ? "; target < 50" : "")));
            measurements.add(new Measurement(key + "bare_" + q + "_ms", median(bareRuns, run -> run.millis(quantile)), "ms",
                                             "bare handler webhook latency, " + q + reps));
        }
        measurements.add(new Measurement(key + "max_ms", median(kernelRuns, run -> run.millis(1.0)), "ms", "voicecore, slowest webhook" + reps));
        measurements.add(new Measurement(key + "bare_max_ms", median(bareRuns, run -> run.millis(1.0)), "ms", "bare handler, slowest webhook" + reps));
        measurements.add(new Measurement(key + "p99_ratio", ratio(kernelRuns, bareRuns, run -> run.millis(0.99)), "ratio",
                                         "voicecore / bare p99" + reps));
        measurements.add(new Measurement(key + "p50_ratio", ratio(kernelRuns, bareRuns, run -> run.millis(0.50)), "ratio",
                                         "voicecore / bare p50" + reps));
        for (SimulatedCalls.Webhook webhook : SimulatedCalls.Webhook.values()) {
            String name = webhook.name().toLowerCase(Locale.ROOT);
            measurements.add(new Measurement(key + name + "_p50_ms",
                                             median(kernelRuns, run -> SimulatedCalls.Result.millis(run.byWebhook().get(webhook), 0.50)), "ms",
                                             "voicecore, " + webhook.route + " only, p50"));
            measurements.add(new Measurement(key + name + "_p99_ms",
                                             median(kernelRuns, run -> SimulatedCalls.Result.millis(run.byWebhook().get(webhook), 0.99)), "ms",
                                             "voicecore, " + webhook.route + " only, p99"));
        }
        measurements.add(new Measurement(key + "webhooks_per_second", median(kernelRuns, SimulatedCalls.Result::webhooksPerSecond), "req/s",
                                         "voicecore webhooks answered per second in the window"));
        measurements.add(new Measurement(key + "bare_webhooks_per_second", median(bareRuns, SimulatedCalls.Result::webhooksPerSecond),
                                         "req/s", "bare handler webhooks answered per second in the window"));
        measurements.add(new Measurement(key + "calls_completed", kernelRuns.stream().mapToLong(SimulatedCalls.Result::callsCompleted).sum(),
                                         "calls", "voicecore calls with every webhook answered right, all runs"));
        measurements.add(new Measurement(key + "errors", kernelRuns.stream().mapToLong(SimulatedCalls.Result::errorCount).sum(), "webhooks",
                                         "voicecore webhooks answered wrong (non-2xx, not TwiML, no <Gather>) or not at all, all runs"));
        measurements.add(new Measurement(key + "bare_errors", bareRuns.stream().mapToLong(SimulatedCalls.Result::errorCount).sum(),
                                         "webhooks", "bare handler webhooks answered wrong or not at all, all runs"));
        return measurements;
    }

    private static SimulatedCalls.Result report(PrintStream progress, String what, SimulatedCalls.Result run) {
        progress.printf(Locale.ROOT, "%s: %,.0f in progress (least %,d), %,d webhooks %,.0f/s; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms"
                                     + " (incoming p99 %.1f, gather p99 %.1f, status p99 %.1f); %,d calls completed, %,d failed: %s%n",
                        what, run.meanInProgress(), run.minInProgress(), run.webhooks(), run.webhooksPerSecond(), run.millis(0.50),
                        run.millis(0.95), run.millis(0.99), run.millis(1.0),
                        SimulatedCalls.Result.millis(run.byWebhook().get(SimulatedCalls.Webhook.INCOMING), 0.99),
                        SimulatedCalls.Result.millis(run.byWebhook().get(SimulatedCalls.Webhook.GATHER), 0.99),
                        SimulatedCalls.Result.millis(run.byWebhook().get(SimulatedCalls.Webhook.STATUS), 0.99),
                        run.callsCompleted(), run.callsFailed(), run.errorSummary());
        return run;
    }

    private static double median(List<SimulatedCalls.Result> runs, ToDoubleFunction<SimulatedCalls.Result> value) {
        return Stats.median(runs.stream().map(run -> value.applyAsDouble(run)).toList());
    }

    /** The median of the per-repetition ratios: each pair of runs saw the same moment of the machine. */
    private static double ratio(List<SimulatedCalls.Result> kernel, List<SimulatedCalls.Result> bare, ToDoubleFunction<SimulatedCalls.Result> value) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < kernel.size(); i++) {
            ratios.add(value.applyAsDouble(kernel.get(i)) / value.applyAsDouble(bare.get(i)));
        }
        return Stats.median(ratios);
    }

    /** The bare handler in a JVM of its own, started from this JVM's class path. */
    record BareProcess(Process process, int port, Path log) implements AutoCloseable {
        static BareProcess start(String authToken) throws IOException, InterruptedException {
            int port = ChildKernel.freePort();
            Path log = Files.createTempFile("voicecore-bare", ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(ChildKernel.childJavaOptions());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareTwilioWebhook.class.getName(), String.valueOf(port), authToken));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ChildKernel.awaitHealthy(process, URI.create("http://127.0.0.1:" + port + "/health"), System.nanoTime(), log);
                return new BareProcess(process, port, log);
            } catch (IOException | InterruptedException | RuntimeException e) {
                ChildKernel.stop(process);
                Files.deleteIfExists(log);
                throw e;
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                ChildKernel.stop(process);
            } finally {
                Files.deleteIfExists(log);
            }
        }
    }
}
