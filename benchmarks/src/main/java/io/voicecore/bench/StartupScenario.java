package io.voicecore.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code startup}: a kernel started in a fresh JVM ({@link ChildKernel}) with 0, 10 and 50 generated plugins
 * ({@link GeneratedPlugins}) in its plugins directory, timed from process creation to the first healthy answer. Each
 * case starts first over an empty data directory (installs every jar: inspect, verify, migrate, load) and then restarts
 * over it, finding them installed. The kernel's {@code Start-up phases} log line separates the database's own start
 * (embedded PostgreSQL and the kernel's migrations) and the plugin phases from the rest.
 *
 * <p>The per-plugin cost is a slope between 0 and the most plugins, of medians over repetitions, computed twice: from
 * the plugin phases the child measured itself ({@code startup.ms_per_plugin}, which the database's and the JVM's start
 * do not disturb) and from the wall time to healthy ({@code startup.ms_per_plugin_wall}, which includes everything
 * that grows with plugins, e.g. route registration, and all the noise of a shared machine). {@code startup.cpu_ms_per_plugin}
 * is the same slope of the CPU time the child process used during its plugin phases, which a busy machine stretches far
 * less than wall time.
 */
final class StartupScenario implements Scenario {
    static final String NAME = "startup";
    private static final List<Integer> PLUGIN_COUNTS = List.of(0, 10, 50);
    /** Installing 50 plugins takes about a minute on a 2-core machine: quick mode stops at 10 and says so. */
    private static final List<Integer> QUICK_PLUGIN_COUNTS = List.of(0, 10);

    /** The starts of one plugin count: first starts, and the restarts over their data directories. */
    private record Runs(List<ChildKernel.Start> firsts, List<ChildKernel.Start> restarts) {
        Runs() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "process start to first healthy answer with 0, 10 and 50 plugins, first start (install) and restart, beyond the database's start";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 1 : 3;
        // Restarts are what the per-plugin target is about and cost far less than first starts: take more of them.
        int restartsPerFirst = options.quick() ? 1 : 2;
        List<Integer> counts = options.quick() ? QUICK_PLUGIN_COUNTS : PLUGIN_COUNTS;
        int most = counts.getLast();
        Path work = Files.createTempDirectory("voicecore-bench-startup");
        Map<Integer, Runs> runs = new LinkedHashMap<>();
        try {
            Map<Integer, Path> pluginDirs = new LinkedHashMap<>();
            for (int count : counts) {
                pluginDirs.put(count, work.resolve("plugins-" + count));
                GeneratedPlugins.write(pluginDirs.get(count), count);
            }
            String adminToken = "vca_" + random();
            String masterKey = random();
            for (int i = 0; i < repetitions; i++) {
                for (int count : counts) {
                    Path data = work.resolve("data-" + count + "-" + i);
                    Runs of = runs.computeIfAbsent(count, c -> new Runs());
                    try {
                        ChildKernel.Start first = ChildKernel.startAndStop(options.root(), data, pluginDirs.get(count), adminToken, masterKey);
                        of.firsts().add(first);
                        progress.printf("%2d plugins: first start %,6.0f ms (database %,d ms, plugins %,d ms, %,d ms CPU)%n", count,
                                        first.millis(), first.phase("database"), pluginMillis(first), pluginCpuMillis(first));
                        for (int r = 0; r < restartsPerFirst; r++) {
                            ChildKernel.Start restart = ChildKernel.startAndStop(options.root(), data, pluginDirs.get(count), adminToken, masterKey);
                            of.restarts().add(restart);
                            progress.printf("%2d plugins: restart     %,6.0f ms (database %,d ms, plugins %,d ms, %,d ms CPU)%n", count,
                                            restart.millis(), restart.phase("database"), pluginMillis(restart), pluginCpuMillis(restart));
                        }
                    } finally {
                        ChildKernel.deleteTree(data);
                    }
                }
            }
        } finally {
            ChildKernel.deleteTree(work);
        }
        List<Measurement> results = new ArrayList<>();
        for (int count : counts) {
            results.add(new Measurement("startup.restart_ms_" + count, median(runs.get(count).restarts(), ChildKernel.Start::millis), "ms",
                                        "restart to first healthy answer, " + count + " plugins installed"));
            results.add(new Measurement("startup.first_ms_" + count, median(runs.get(count).firsts(), ChildKernel.Start::millis), "ms",
                                        "first start (installs the jars) to first healthy answer, " + count + " plugins"));
        }
        Runs none = runs.get(0);
        Runs all = runs.get(most);
        results.add(new Measurement("startup.ms_per_plugin", slope(none.restarts(), all.restarts(), StartupScenario::pluginMillis, most), "ms",
                                    "restart: extra time per installed plugin, kernel's plugin phases (slope 0 to " + most + ", target <= 15)"));
        results.add(new Measurement("startup.ms_per_plugin_wall", slope(none.restarts(), all.restarts(), ChildKernel.Start::millis, most), "ms",
                                    "restart: extra wall time to healthy per installed plugin (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.cpu_ms_per_plugin", slope(none.restarts(), all.restarts(), StartupScenario::pluginCpuMillis, most),
                                    "ms", "restart: extra process CPU time (all threads) per installed plugin, plugin phases (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.ms_per_plugin_first", slope(none.firsts(), all.firsts(), StartupScenario::pluginMillis, most), "ms",
                                    "first start: extra time per plugin installed, kernel's plugin phases (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.ms_per_plugin_first_wall", slope(none.firsts(), all.firsts(), ChildKernel.Start::millis, most), "ms",
                                    "first start: extra wall time to healthy per plugin installed (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.db_ms", median(all.restarts(), s -> s.phase("database")), "ms",
                                    "restart: database phase (embedded PostgreSQL start + kernel migrations), " + most + " plugins"));
        results.add(new Measurement("startup.db_ms_first", median(all.firsts(), s -> s.phase("database")), "ms",
                                    "first start: database phase (initdb, start, kernel migrations), " + most + " plugins"));
        results.add(new Measurement("startup.beyond_db_ms_" + most, median(all.restarts(), s -> s.millis() - s.phase("database")),
                                    "ms", "restart with " + most + " plugins: time to healthy minus the database phase (target <= 2000)"));
        results.add(new Measurement("startup.beyond_db_ms_" + most + "_first", median(all.firsts(), s -> s.millis() - s.phase("database")),
                                    "ms", "first start with " + most + " plugins: time to healthy minus the database phase"));
        results.add(new Measurement("startup.plugins_phase_ms_" + most, median(all.restarts(), StartupScenario::pluginMillis), "ms",
                                    "restart with " + most + " plugins: kernel's plugin phases (load installed + scan plugins dir)"));
        results.add(new Measurement("startup.plugins_phase_ms_" + most + "_first", median(all.firsts(), StartupScenario::pluginMillis), "ms",
                                    "first start with " + most + " plugins: kernel's plugin phases (inspect, verify, migrate, load)"));
        return results;
    }

    /** The kernel's plugin phases as it measured them: installed versions loaded, then the plugin directories scanned. */
    private static long pluginMillis(ChildKernel.Start start) {
        return start.phase("plugins-loaded") + start.phase("plugins-installed");
    }

    /** The CPU time the child used during its plugin phases: unlike wall time, barely stretched by a busy machine. */
    private static long pluginCpuMillis(ChildKernel.Start start) {
        return start.cpu("plugins-loaded") + start.cpu("plugins-installed");
    }

    /** Extra {@code value} per plugin between the medians with no plugins and with {@code plugins}. */
    private static double slope(List<ChildKernel.Start> none, List<ChildKernel.Start> many, ToDoubleFunction<ChildKernel.Start> value,
                                int plugins) {
        return (median(many, value) - median(none, value)) / plugins;
    }

    private static double median(List<ChildKernel.Start> starts, ToDoubleFunction<ChildKernel.Start> value) {
        return Stats.median(starts.stream().map(value::applyAsDouble).map(Double::valueOf).toList());
    }

    private static String random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
