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
    /** The media-stream phase alone, for a quicker look at it: {@code ./voicecore bench voice-streams}. */
    static final String STREAMS_NAME = "voice-streams";
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
    record Size(int calls, int tenants, double windowSeconds, int repetitions, int warmUpCalls, double warmUpSeconds,
                List<Integer> streamSteps, double streamSeconds) {
        static Size of(BenchOptions options) {
            return options.quick() ? new Size(200, 10, 15, 1, 100, 5, List.of(20, 50), 10)
                    : new Size(2000, 20, 40, 1, 400, 5, List.of(50, 100, 250, 500), 20);
        }

        /** The same calls all to one tenant, once: what the per-tenant limits of the plugins allow. */
        Size oneTenant() {
            return new Size(calls, 1, windowSeconds, 1, 0, 0, streamSteps, streamSeconds);
        }
    }

    /** The tenants set up for calls, and the auth token they share. */
    record Tenants(List<String> slugs, String authToken) {
        List<String> pluginBases() {
            return slugs.stream().map(slug -> "/api/v1/tenants/" + slug + "/voice").toList();
        }
    }

    private final boolean gather;

    /** @param gather whether the gather phase runs before the media-stream phase */
    VoiceScenario(boolean gather) {
        this.gather = gather;
    }

    @Override
    public String name() {
        return gather ? NAME : STREAMS_NAME;
    }

    @Override
    public String description() {
        return gather ? "concurrent phone calls through the voice plugin: gather-mode webhooks vs a bare Helidon handler (p50/p95/p99, errors),"
                        + " then media streams vs a bare WebSocket handler (frames late, reply time)"
                : "the media-stream phase of voice alone";
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
             BareProcess bare = BareProcess.start(BareTwilioWebhook.class, authToken)) {
            progress.printf("kernel (pid %d) on port %d with %s; bare handler (pid %d) on port %d%n", kernel.pid(), kernel.port(),
                            plugins, bare.process().pid(), bare.port());
            Tenants tenants = setUp(kernel, size.tenants(), authToken);
            List<Measurement> measurements = new ArrayList<>();
            if (gather) {
                measurements.addAll(gatherPhase(kernel.port(), bare.port(), tenants, size, KEY + "gather_", progress));
                // A node serves many tenants; one tenant with all the calls meets the plugins' per-tenant concurrency limits.
                Tenants one = new Tenants(tenants.slugs().subList(0, 1), authToken);
                measurements.addAll(gatherPhase(kernel.port(), bare.port(), one, size.oneTenant(), KEY + "gather_one_tenant_", progress));
            }
            measurements.addAll(streamPhase(kernel, tenants, size, progress));
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

    /**
     * The media-stream phase: the same tenants in stream mode (the AI gateway online against a local OpenAI stand-in,
     * which transcribes and speaks), and at each step that many callers on Media Streams at once for a while
     * ({@link MediaStreamLoad}), against the kernel and then against a bare Helidon WebSocket handler
     * ({@link BareMediaStream}) in a JVM of its own. A frame is late when handled more than
     * {@value MediaStreamLoad#LATE_MILLIS} ms after its time in the stream; the kernel's count is the voice plugin's own
     * ({@code mediaFramesLate} in {@code GET .../voice/status}), the bare handler's the same measure.
     */
    static List<Measurement> streamPhase(BenchKernel kernel, Tenants tenants, Size size, PrintStream progress) throws Exception {
        String openAiKey = "sk-bench-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        List<Measurement> measurements = new ArrayList<>();
        // OpenAI's stand-in runs in a JVM of its own, as OpenAI runs elsewhere: its speech synthesis is not the callers' load.
        try (BareProcess openAi = BareProcess.start(io.voicecore.standins.openai.OpenAiStandIn.class, "/standin/requests",
                                                    port -> List.of("--port", String.valueOf(port), "--key", openAiKey));
             BareProcess bare = BareProcess.start(BareMediaStream.class)) {
            String openAiBaseUrl = "http://127.0.0.1:" + openAi.port() + "/v1";
            for (String slug : tenants.slugs()) {
                kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/ai-gateway/secrets/openai.api-key", Map.of("value", openAiKey), 204);
                kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/ai-gateway/config", Map.of("baseUrl", openAiBaseUrl, "maxRetries", 0), 200);
                kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/voice/config",
                            Map.of("publicBaseUrl", "http://127.0.0.1:" + kernel.port(), "maxConcurrentCalls", 0, "mode", "stream"), 200);
            }
            MediaStreamLoad load = new MediaStreamLoad(tenants.authToken());
            MediaStreamLoad.Target toKernel = load.kernel(kernel.port(), tenants.pluginBases());
            MediaStreamLoad.Target toBare = MediaStreamLoad.bare(bare.port());
            progress.printf(Locale.ROOT, "streams: %s callers at once over %d tenants, %.0f s each; an utterance of %.1f s, then quiet until "
                                         + "the reply has played%n", size.streamSteps(), tenants.slugs().size(), size.streamSeconds(),
                            MediaStreamLoad.UTTERANCE_FRAMES * MediaStreamLoad.FRAME_MILLIS / 1000.0);
            // A short run first, not measured: the kernel's first streams also load and compile the code they run.
            load.run(toKernel, size.streamSteps().getFirst(), Math.min(10, size.streamSeconds()));
            load.run(toBare, size.streamSteps().getFirst(), Math.min(10, size.streamSeconds()));
            int sustained = 0;
            int bareSustained = 0;
            for (int streams : size.streamSteps()) {
                long[] before = serverFrames(kernel, tenants);
                MediaStreamLoad.Result run = load.run(toKernel, streams, size.streamSeconds());
                Thread.sleep(2_000); // the plugin writes a stream's counts once the stream has closed
                long[] after;
                try {
                    after = serverFrames(kernel, tenants);
                } catch (IllegalStateException refused) {
                    // Overloaded calls that ran past their deadline count as faults and quarantine the plugin for a
                    // tenant: the node did not sustain this step, and the next ones would find it quarantined.
                    progress.printf(Locale.ROOT, "%d streams: the voice plugin was quarantined for a tenant (%s); steps stop here%n",
                                    streams, refused.getMessage().length() > 160 ? refused.getMessage().substring(0, 160) : refused.getMessage());
                    measurements.add(new Measurement(KEY + "streams_" + streams + "_quarantined", 1, "flag",
                                                     "the voice plugin was quarantined (deadline faults under load) at this step"));
                    break;
                }
                long frames = after[0] - before[0];
                long late = after[1] - before[1];
                double latePercent = frames == 0 ? 100 : 100.0 * late / frames;
                long[] bareBefore = bare.streamStats();
                MediaStreamLoad.Result bareRun = load.run(toBare, streams, size.streamSeconds());
                long[] bareAfter = bare.streamStats();
                long bareFrames = bareAfter[0] - bareBefore[0];
                double bareLatePercent = bareFrames == 0 ? 100 : 100.0 * (bareAfter[1] - bareBefore[1]) / bareFrames;
                progress.printf(Locale.ROOT, "%d streams: voicecore %,d frames handled, %.2f %% late (sender %.2f %% late), %d of %d opened, "
                                             + "%,d replies (p50 %.0f ms, p99 %.0f ms after the utterance), %,d without reply, errors %s; "
                                             + "bare %,d frames, %.2f %% late (sender %.2f %%), errors %s%n",
                                streams, frames, latePercent, run.sentLatePercent(), run.opened(), streams, run.replies(), run.replyMillis(0.5),
                                run.replyMillis(0.99), run.noReplies(), run.errors(), bareFrames, bareLatePercent, bareRun.sentLatePercent(),
                                bareRun.errors());
                String key = KEY + "streams_" + streams + "_";
                measurements.add(new Measurement(key + "late_percent", latePercent, "%", "voicecore: frames handled > "
                                 + MediaStreamLoad.LATE_MILLIS + " ms after their time, " + streams + " streams at once; target < 1"));
                measurements.add(new Measurement(key + "bare_late_percent", bareLatePercent, "%", "bare handler, the same measure"));
                measurements.add(new Measurement(key + "sender_late_percent", run.sentLatePercent(), "%",
                                                 "frames the callers themselves sent late (the machine is shared)"));
                measurements.add(new Measurement(key + "reply_p50_ms", run.replyMillis(0.5), "ms",
                                                 "voicecore: end of an utterance to the first audio of its reply (transcription, turn, speech), p50"));
                measurements.add(new Measurement(key + "reply_p99_ms", run.replyMillis(0.99), "ms", "the same, p99"));
                measurements.add(new Measurement(key + "errors", run.errorCount() + (streams - run.opened()), "streams",
                                                 "voicecore: calls not opened, streams closed abnormally, error frames"));
                if (latePercent < 1 && run.opened() == streams && run.errorCount() == 0) {
                    sustained = streams;
                }
                if (bareLatePercent < 1 && bareRun.opened() == streams) {
                    bareSustained = streams;
                }
            }
            measurements.add(new Measurement(KEY + "streams_sustained", sustained, "streams",
                                             "most streams at once with < 1 % of frames late and no error (steps " + size.streamSteps() + "; target 500)"));
            measurements.add(new Measurement(KEY + "streams_bare_sustained", bareSustained, "streams", "the same for the bare handler"));
        }
        return measurements;
    }

    /** Frames the voice plugin handled, and how many late, over every tenant. */
    private static long[] serverFrames(BenchKernel kernel, Tenants tenants) throws IOException, InterruptedException {
        long frames = 0;
        long late = 0;
        for (String slug : tenants.slugs()) {
            com.fasterxml.jackson.databind.JsonNode status = kernel.json("GET", "/api/v1/tenants/" + slug + "/voice/status", null, 200);
            frames += status.path("mediaFrames").asLong();
            late += status.path("mediaFramesLate").asLong();
        }
        return new long[] {frames, late};
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

    /** A bare baseline server in a JVM of its own, started from this JVM's class path. */
    record BareProcess(Process process, int port, Path log) implements AutoCloseable {
        /** @param main the server's main class, given the port and then {@code args}; it answers {@code GET /health} */
        static BareProcess start(Class<?> main, String... args) throws IOException, InterruptedException {
            return start(main, "/health", port -> {
                List<String> all = new ArrayList<>(List.of(String.valueOf(port)));
                all.addAll(List.of(args));
                return all;
            });
        }

        /**
         * @param health a path that answers 200 once the server listens
         * @param args   the server's arguments, given its port
         */
        static BareProcess start(Class<?> main, String health, java.util.function.IntFunction<List<String>> args)
                throws IOException, InterruptedException {
            int port = ChildKernel.freePort();
            Path log = Files.createTempFile("voicecore-bare", ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            command.addAll(args.apply(port));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ChildKernel.awaitHealthy(process, URI.create("http://127.0.0.1:" + port + health), System.nanoTime(), log);
                return new BareProcess(process, port, log);
            } catch (IOException | InterruptedException | RuntimeException e) {
                ChildKernel.stop(process);
                Files.deleteIfExists(log);
                throw e;
            }
        }

        /** @return what {@link BareMediaStream} answers on {@code GET /stats}: frames handled and frames late */
        long[] streamStats() throws IOException, InterruptedException {
            String[] parts = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/stats")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body().split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
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
