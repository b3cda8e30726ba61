package io.voicecore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.voicecore.kernel.http.PlatformThreadConnections;

/**
 * {@code plugin-route-vs-bare}: what the kernel's path costs for a trivial plugin route, against the same answer from
 * a bare Helidon handler. Both servers run in this JVM, on loopback, driven by {@link HttpLoad} over keep-alive
 * HTTP/1.1:
 * <ul>
 *   <li>bare: a Helidon {@link WebServer} of its own whose single GET handler answers a fixed small JSON;</li>
 *   <li>kernel: {@code GET /api/v1/tenants/{tenant}/hello/greeting} of the example plugin with a tenant API key, so
 *   every request is authenticated, rate limited, resolved to its tenant, checked against the plugin's enablement
 *   and grants, run by the plugin (reading its configuration) under the call guard, and counted in the metrics.</li>
 * </ul>
 * Sustained throughput is that of a saturating closed-loop run ({@link #CONNECTIONS} connections sending back to back,
 * no errors allowed). Latency is measured open-loop at the same offered rate for both, half of bare's sustained
 * throughput, from each request's due time, and again at half of the kernel's throughput, which neither server queues
 * at. A third target, a kernel route that calls no plugin, splits the kernel's cost between its HTTP path and the
 * plugin call. The kernel serves its connections on platform threads ({@link PlatformThreadConnections}), Helidon on
 * virtual threads, which in this JVM share their two carrier threads with the load generator's; so a fourth target, the
 * bare handler on platform threads as the kernel serves them, gives the kernel's cost like for like. Bare and kernel runs alternate, in alternating order; each figure is the median over the
 * repetitions, ratios are kernel / bare.
 */
final class PluginRouteScenario implements Scenario {
    static final String NAME = "plugin-route-vs-bare";
    private static final String KEY = "plugin_route_vs_bare.";
    /**
     * Tenants the kernel's requests are spread over, each with the plugin enabled and its own API key. A plugin runs
     * at most {@code limits.concurrency} (default 8) calls at once per tenant and answers 429 beyond; spreading the
     * connections keeps every tenant within that bulkhead, as a server with many tenants sees its load.
     */
    static final int TENANTS = 4;
    /** Keep-alive connections, in every run and for both servers: 8 per tenant, at most one request in flight each. */
    static final int CONNECTIONS = 8 * TENANTS;
    private static final byte[] BARE_ANSWER = "{\"greeting\":\"Welcome to our business!\"}".getBytes(StandardCharsets.UTF_8);

    /** One repetition: closed-loop throughput and open-loop latency of one target. */
    private record Run(double throughput, double p50, double p99, double p999, double p50AtKernelHalf, double p99AtKernelHalf,
                       long errors) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "trivial plugin GET route through the whole kernel path vs a bare Helidon handler: throughput, p50/p99";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        // Short runs, alternated many times: on a shared machine the load of other processes changes from one second to
        // the next, and a ratio is only fair between runs that saw the same load.
        int repetitions = options.quick() ? 3 : 7;
        double saturate = options.quick() ? 1 : 3;
        double open = options.quick() ? 1 : 3;
        WebServer bare = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(routing -> routing.get("/greeting", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(BARE_ANSWER);
                }))
                .build().start();
        PlatformThreadConnections barePlatformConnections = new PlatformThreadConnections(List.of(),
                Thread.ofPlatform().daemon().name("bare-connection-", 0).factory(), 256);
        WebServer barePlatform = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .addConnectionSelector(barePlatformConnections)
                .routing(routing -> routing.get("/greeting", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(BARE_ANSWER);
                }))
                .build().start();
        List<Double> barePlatformThroughputs = new ArrayList<>();
        List<Run> bareRuns = new ArrayList<>();
        List<Run> kernelRuns = new ArrayList<>();
        List<Double> kernelOnlyThroughputs = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(List.of(helloJar(options.root())))) {
            List<HttpLoad.Target> targets = new ArrayList<>();
            List<HttpLoad.Target> kernelOnlyTargets = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String tenant = kernel.tenantWith("hello", Map.of());
                String key = kernel.json("POST", "/api/v1/tenants/" + tenant + "/api-keys", Map.of("name", "bench", "role", "tenant-user"), 201)
                        .get("secret").asText();
                targets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant + "/hello/greeting", Map.of("Authorization", "Bearer " + key)));
                kernelOnlyTargets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant, Map.of("Authorization", "Bearer " + key)));
            }
            HttpLoad bareLoad = new HttpLoad(bare.port(), List.of(new HttpLoad.Target("/greeting", Map.of())));
            HttpLoad barePlatformLoad = new HttpLoad(barePlatform.port(), List.of(new HttpLoad.Target("/greeting", Map.of())));
            HttpLoad kernelLoad = new HttpLoad(kernel.uri("/").getPort(), targets);
            HttpLoad kernelOnlyLoad = new HttpLoad(kernel.uri("/").getPort(), kernelOnlyTargets);
            progress.println("warm-up (not measured)");
            for (int i = 0; i < 2; i++) {
                check("bare warm-up", bareLoad.closedLoop(CONNECTIONS, saturate));
                check("kernel warm-up", kernelLoad.closedLoop(CONNECTIONS, saturate));
                check("kernel-only warm-up", kernelOnlyLoad.closedLoop(CONNECTIONS, saturate));
                check("bare on platform threads warm-up", barePlatformLoad.closedLoop(CONNECTIONS, saturate));
            }
            for (int i = 0; i < repetitions; i++) {
                // Which server runs first alternates, so neither always meets the other's leftovers (GC, JIT, caches).
                boolean bareFirst = i % 2 == 0;
                HttpLoad.Result bareSaturated = bareFirst ? check("bare", bareLoad.closedLoop(CONNECTIONS, saturate)) : null;
                HttpLoad.Result kernelSaturated = check("kernel", kernelLoad.closedLoop(CONNECTIONS, saturate));
                if (!bareFirst) {
                    bareSaturated = check("bare", bareLoad.closedLoop(CONNECTIONS, saturate));
                }
                double rate = Math.floor(bareSaturated.throughput() / 2);
                HttpLoad.Result bareOpen = bareLoad.openLoop(CONNECTIONS, rate, open);
                HttpLoad.Result kernelOpen = kernelLoad.openLoop(CONNECTIONS, rate, open);
                // Also at half of the kernel's own throughput, a load neither server queues at: the cost per request.
                double kernelRate = Math.floor(kernelSaturated.throughput() / 2);
                HttpLoad.Result bareAtKernelRate = bareLoad.openLoop(CONNECTIONS, kernelRate, open);
                HttpLoad.Result kernelAtKernelRate = kernelLoad.openLoop(CONNECTIONS, kernelRate, open);
                HttpLoad.Result kernelOnly = check("kernel-only", kernelOnlyLoad.closedLoop(CONNECTIONS, saturate));
                HttpLoad.Result barePlatformSaturated = check("bare on platform threads", barePlatformLoad.closedLoop(CONNECTIONS, saturate));
                barePlatformThroughputs.add(barePlatformSaturated.throughput());
                Run bareRun = run(bareSaturated, bareOpen, bareAtKernelRate);
                Run kernelRun = run(kernelSaturated, kernelOpen, kernelAtKernelRate);
                bareRuns.add(bareRun);
                kernelRuns.add(kernelRun);
                kernelOnlyThroughputs.add(kernelOnly.throughput());
                report(progress, i + 1, "bare", bareRun, rate, kernelRate);
                report(progress, i + 1, "kernel", kernelRun, rate, kernelRate);
                progress.printf(Locale.ROOT, "#%d kernel route without a plugin (GET /api/v1/tenants/{tenant}) closed loop %,8.0f req/s%n",
                                i + 1, kernelOnly.throughput());
                progress.printf(Locale.ROOT, "#%d bare on platform threads closed loop %,8.0f req/s%n", i + 1,
                                barePlatformSaturated.throughput());
            }
        } finally {
            bare.stop();
            barePlatform.stop();
            barePlatformConnections.close();
        }
        double bareThroughput = median(bareRuns, Run::throughput);
        double kernelThroughput = median(kernelRuns, Run::throughput);
        String reps = " (median of " + repetitions + ")";
        List<Measurement> measurements = new ArrayList<>(List.of(
                new Measurement(KEY + "throughput_ratio", median(pairs(kernelRuns, bareRuns, Run::throughput)), "ratio",
                                "kernel / bare sustained throughput" + reps + "; target >= 0.90"),
                new Measurement(KEY + "p99_ratio", median(pairs(kernelRuns, bareRuns, Run::p99)), "ratio",
                                "kernel / bare p99 at half of bare's throughput" + reps + "; target <= 1.2"),
                new Measurement(KEY + "p50_ratio", median(pairs(kernelRuns, bareRuns, Run::p50)), "ratio",
                                "kernel / bare p50 at half of bare's throughput" + reps),
                new Measurement(KEY + "bare_rps", bareThroughput, "req/s", "bare handler, closed loop, " + CONNECTIONS + " connections"),
                new Measurement(KEY + "kernel_rps", kernelThroughput, "req/s", "plugin route, closed loop, " + CONNECTIONS + " connections"),
                new Measurement(KEY + "bare_p50_ms", median(bareRuns, Run::p50), "ms", "bare handler, open loop at half of bare's throughput"),
                new Measurement(KEY + "bare_p99_ms", median(bareRuns, Run::p99), "ms", "bare handler, open loop"),
                new Measurement(KEY + "kernel_p50_ms", median(kernelRuns, Run::p50), "ms", "plugin route, open loop, same rate"),
                new Measurement(KEY + "kernel_p99_ms", median(kernelRuns, Run::p99), "ms", "plugin route, open loop, same rate"),
                new Measurement(KEY + "kernel_p999_ms", median(kernelRuns, Run::p999), "ms", "plugin route, open loop, same rate"),
                new Measurement(KEY + "p99_ratio_at_kernel_half", median(pairs(kernelRuns, bareRuns, Run::p99AtKernelHalf)), "ratio",
                                "kernel / bare p99 at half of the kernel's throughput (neither queues)" + reps),
                new Measurement(KEY + "p50_ratio_at_kernel_half", median(pairs(kernelRuns, bareRuns, Run::p50AtKernelHalf)), "ratio",
                                "kernel / bare p50 at half of the kernel's throughput" + reps),
                new Measurement(KEY + "kernel_only_rps", Stats.median(kernelOnlyThroughputs), "req/s",
                                "kernel route without a plugin call (GET /api/v1/tenants/{tenant}, same keys), closed loop"),
                new Measurement(KEY + "kernel_only_ratio", median(java.util.stream.IntStream.range(0, repetitions)
                                        .mapToObj(i -> kernelOnlyThroughputs.get(i) / bareRuns.get(i).throughput()).toList()),
                                "ratio", "kernel route without a plugin / bare sustained throughput"),
                new Measurement(KEY + "bare_platform_rps", Stats.median(barePlatformThroughputs), "req/s",
                                "bare handler on platform threads as the kernel serves connections, closed loop"),
                new Measurement(KEY + "throughput_ratio_same_threads", median(java.util.stream.IntStream.range(0, repetitions)
                                        .mapToObj(i -> kernelRuns.get(i).throughput() / barePlatformThroughputs.get(i)).toList()),
                                "ratio", "kernel / bare on platform threads sustained throughput: the kernel's cost like for like"),
                new Measurement(KEY + "kernel_only_ratio_same_threads", median(java.util.stream.IntStream.range(0, repetitions)
                                        .mapToObj(i -> kernelOnlyThroughputs.get(i) / barePlatformThroughputs.get(i)).toList()),
                                "ratio", "kernel route without a plugin / bare on platform threads sustained throughput")));
        return measurements;
    }

    private static Run run(HttpLoad.Result saturated, HttpLoad.Result open, HttpLoad.Result atKernelHalf) {
        return new Run(saturated.throughput(), open.latencyMillis(0.50), open.latencyMillis(0.99), open.latencyMillis(0.999),
                       atKernelHalf.latencyMillis(0.50), atKernelHalf.latencyMillis(0.99),
                       saturated.errors() + open.errors() + atKernelHalf.errors());
    }

    /** A saturating run only counts without errors: a server that fails requests is not keeping up. */
    private static HttpLoad.Result check(String what, HttpLoad.Result result) {
        if (result.errors() > 0) {
            throw new IllegalStateException(what + ": " + result.errors() + " failed requests of " + (result.errors() + result.completed())
                                            + ", the first: " + result.firstError());
        }
        return result;
    }

    private static void report(PrintStream progress, int repetition, String what, Run run, double rate, double kernelRate) {
        progress.printf(Locale.ROOT, "#%d %-6s closed loop %,8.0f req/s; open loop at %,.0f req/s: p50 %.2f ms, p99 %.2f ms,"
                                     + " p99.9 %.2f ms; at %,.0f req/s: p50 %.2f ms, p99 %.2f ms%s%n", repetition, what,
                        run.throughput(), rate, run.p50(), run.p99(), run.p999(), kernelRate, run.p50AtKernelHalf(),
                        run.p99AtKernelHalf(), run.errors() > 0 ? ", " + run.errors() + " ERRORS" : "");
    }

    private static List<Double> pairs(List<Run> kernel, List<Run> bare, java.util.function.ToDoubleFunction<Run> value) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < kernel.size(); i++) {
            ratios.add(value.applyAsDouble(kernel.get(i)) / value.applyAsDouble(bare.get(i)));
        }
        return ratios;
    }

    private static double median(List<Double> values) {
        return Stats.median(values);
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        return Stats.median(runs.stream().map(run -> value.applyAsDouble(run)).toList());
    }

    /** The example plugin's jar the build produced; its {@code GET /greeting} is the trivial route. */
    static Path helloJar(Path root) throws IOException {
        Path target = root.resolve("examples/hello-plugin/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(f -> f.getFileName().toString().matches("hello-plugin-.*\\.jar")).sorted().toList();
                if (!jars.isEmpty()) {
                    return jars.get(jars.size() - 1);
                }
            }
        }
        throw new IllegalStateException("no hello plugin jar in " + target + "; build first: ./voicecore build");
    }
}
