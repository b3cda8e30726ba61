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
import java.util.function.ToDoubleFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * {@code script-route-vs-java}: what running a route in the script sandbox (sandbox layer 6: GraalJS, interpreter-only
 * on a stock JDK) costs against the same route in a Java plugin. One kernel serves both plugins, generated at bench
 * time, each answering {@code GET /greeting} with the tenant's configured greeting and its tenant id; the same
 * {@value #TENANTS} tenants have both enabled, and the same {@value #CONNECTIONS} connections drive each. Each
 * repetition runs both closed loops (which first alternates), then both open loops at half of the Java plugin's
 * sustained throughput, where neither queues; ratios are script / Java per repetition, then the median.
 */
final class ScriptRouteScenario implements Scenario {
    static final String NAME = "script-route-vs-java";
    private static final String KEY = "script_route_vs_java.";
    static final int TENANTS = 4;
    /** Two per tenant: within the script sandbox's 8 threads, so the loops measure calls, not a queue for threads. */
    static final int CONNECTIONS = 2 * TENANTS;
    private static final String CONFIG = "config:\n  greeting: {type: string, default: Welcome}\nroutes:\n  - GET /greeting\n";

    private record Run(double throughput, double p50, double p99, double p999) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the same GET route in a script plugin (GraalJS sandbox) vs a Java plugin: req/s, p50/p99";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 3 : 7;
        double saturate = options.quick() ? 2 : 4;
        double open = options.quick() ? 2 : 4;
        Path jars = Files.createTempDirectory("script-route-jars");
        Path javaJar = GeneratedPluginJar.withId("java-greeting").manifest(CONFIG).setup("""
                setup.route(HttpMethod.GET, "/greeting", (request, context) -> Response.ok(Json.object()
                        .put("greeting", context.config().string("greeting").orElse("")).put("tenant", context.tenantId()).build()));
                """).writeTo(jars);
        Path scriptJar = scriptJar(jars);
        List<Run> javaRuns = new ArrayList<>();
        List<Run> scriptRuns = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(List.of(javaJar, scriptJar))) {
            List<HttpLoad.Target> javaTargets = new ArrayList<>();
            List<HttpLoad.Target> scriptTargets = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String tenant = kernel.tenantWith("java-greeting", Map.of());
                kernel.enable(tenant, "script-greeting", Map.of());
                String key = kernel.json("POST", "/api/v1/tenants/" + tenant + "/api-keys", Map.of("name", "bench", "role", "tenant-user"), 201)
                        .get("secret").asText();
                Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
                javaTargets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant + "/java-greeting/greeting", auth));
                scriptTargets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant + "/script-greeting/greeting", auth));
            }
            int port = kernel.uri("/").getPort();
            HttpLoad javaLoad = new HttpLoad(port, javaTargets);
            HttpLoad scriptLoad = new HttpLoad(port, scriptTargets);
            progress.println("warm-up (not measured)");
            for (int i = 0; i < 3; i++) {
                check("java warm-up", javaLoad.closedLoop(CONNECTIONS, saturate));
                check("script warm-up", scriptLoad.closedLoop(CONNECTIONS, saturate));
            }
            for (int i = 0; i < repetitions; i++) {
                boolean javaFirst = i % 2 == 0;
                HttpLoad.Result[] saturated = new HttpLoad.Result[2];
                for (int phase : javaFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                    saturated[phase] = check(phase == 0 ? "java" : "script",
                                             (phase == 0 ? javaLoad : scriptLoad).closedLoop(CONNECTIONS, saturate));
                }
                double rate = Math.max(1, Math.floor(Math.min(saturated[0].throughput(), saturated[1].throughput()) / 2));
                rates.add(rate);
                HttpLoad.Result[] unsaturated = new HttpLoad.Result[2];
                for (int phase : javaFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                    unsaturated[phase] = (phase == 0 ? javaLoad : scriptLoad).openLoop(CONNECTIONS, rate, open);
                }
                Run javaRun = new Run(saturated[0].throughput(), unsaturated[0].latencyMillis(0.50), unsaturated[0].latencyMillis(0.99),
                                      unsaturated[0].latencyMillis(0.999));
                Run scriptRun = new Run(saturated[1].throughput(), unsaturated[1].latencyMillis(0.50), unsaturated[1].latencyMillis(0.99),
                                        unsaturated[1].latencyMillis(0.999));
                javaRuns.add(javaRun);
                scriptRuns.add(scriptRun);
                progress.printf(Locale.ROOT, "#%d java %,8.0f req/s, script %,8.0f req/s; open loop at %,.0f req/s: p99 java %.2f ms,"
                                + " script %.2f ms%n", i + 1, javaRun.throughput(), scriptRun.throughput(), rate, javaRun.p99(),
                                scriptRun.p99());
            }
        }
        String reps = " (median of " + repetitions + ")";
        return List.of(
                new Measurement(KEY + "throughput_ratio", Stats.median(pairs(scriptRuns, javaRuns, Run::throughput)), "ratio",
                                "script / Java plugin sustained throughput" + reps),
                new Measurement(KEY + "java_rps", median(javaRuns, Run::throughput), "req/s",
                                "Java plugin, closed loop, " + CONNECTIONS + " connections over " + TENANTS + " tenants"),
                new Measurement(KEY + "script_rps", median(scriptRuns, Run::throughput), "req/s", "script plugin, same connections"),
                new Measurement(KEY + "latency_rate", Stats.median(rates), "req/s", "open-loop rate: half of the slower one's throughput"),
                new Measurement(KEY + "java_p50_ms", median(javaRuns, Run::p50), "ms", "Java plugin, open loop"),
                new Measurement(KEY + "java_p99_ms", median(javaRuns, Run::p99), "ms", "Java plugin, open loop"),
                new Measurement(KEY + "script_p50_ms", median(scriptRuns, Run::p50), "ms", "script plugin, open loop, same rate"),
                new Measurement(KEY + "script_p99_ms", median(scriptRuns, Run::p99), "ms", "script plugin, open loop, same rate"),
                new Measurement(KEY + "p99_ratio", Stats.median(pairs(scriptRuns, javaRuns, Run::p99)), "ratio",
                                "script / Java plugin p99, open loop" + reps));
    }

    /** The script plugin: the same route and configuration, {@code runtime: javascript}, no classes. */
    private static Path scriptJar(Path directory) throws IOException {
        String yaml = "id: script-greeting\nname: script-greeting\nversion: 1.0.0\nvendor: VoiceCore benchmarks\n"
                      + "description: generated for a benchmark\nruntime: javascript\nmain: plugin.js\nkernel: \">=0.1.0 <1.0.0\"\n" + CONFIG;
        String script = "function route(request, ctx) { return {greeting: ctx.config.get('greeting'), tenant: ctx.tenantId}; }\n";
        Path jar = directory.resolve("script-greeting.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, String> entry : Map.of("plugin.yaml", yaml, "plugin.js", script).entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static HttpLoad.Result check(String what, HttpLoad.Result result) {
        if (result.errors() > 0) {
            throw new IllegalStateException(what + ": " + result.errors() + " failed requests of " + (result.errors() + result.completed())
                                            + ", the first: " + result.firstError());
        }
        return result;
    }

    private static List<Double> pairs(List<Run> script, List<Run> java, ToDoubleFunction<Run> value) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            ratios.add(value.applyAsDouble(script.get(i)) / value.applyAsDouble(java.get(i)));
        }
        return ratios;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        return Stats.median(runs.stream().map(run -> value.applyAsDouble(run)).toList());
    }
}
