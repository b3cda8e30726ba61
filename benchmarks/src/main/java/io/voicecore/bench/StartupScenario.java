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
 * case starts twice over one data directory: the first start installs every jar (inspect, verify, migrate, load), the
 * restart finds them installed. The kernel's {@code Start-up phases} log line separates the database's own start
 * (embedded PostgreSQL and the kernel's migrations) from the rest. The per-plugin cost is the slope between 0 and 50
 * plugins of the median times.
 */
final class StartupScenario implements Scenario {
    static final String NAME = "startup";
    private static final List<Integer> PLUGIN_COUNTS = List.of(0, 10, 50);
    /** Installing 50 plugins takes about a minute on a 2-core machine: quick mode stops at 10 and says so. */
    private static final List<Integer> QUICK_PLUGIN_COUNTS = List.of(0, 10);

    private record Pair(ChildKernel.Start first, ChildKernel.Start restart) {
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
        List<Integer> counts = options.quick() ? QUICK_PLUGIN_COUNTS : PLUGIN_COUNTS;
        int most = counts.getLast();
        Path work = Files.createTempDirectory("voicecore-bench-startup");
        Map<Integer, List<Pair>> runs = new LinkedHashMap<>();
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
                    try {
                        ChildKernel.Start first = ChildKernel.startAndStop(options.root(), data, pluginDirs.get(count), adminToken, masterKey);
                        ChildKernel.Start restart = ChildKernel.startAndStop(options.root(), data, pluginDirs.get(count), adminToken, masterKey);
                        progress.printf("%2d plugins: first start %,6.0f ms (database %,d ms, plugins %,d ms), restart %,6.0f ms (database %,d ms,"
                                        + " plugins %,d ms)%n", count, first.millis(), first.phase("database"), pluginMillis(first),
                                        restart.millis(), restart.phase("database"), pluginMillis(restart));
                        runs.computeIfAbsent(count, c -> new ArrayList<>()).add(new Pair(first, restart));
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
            results.add(new Measurement("startup.restart_ms_" + count, median(runs.get(count), p -> p.restart().millis()), "ms",
                                        "restart to first healthy answer, " + count + " plugins installed"));
            results.add(new Measurement("startup.first_ms_" + count, median(runs.get(count), p -> p.first().millis()), "ms",
                                        "first start (installs the jars) to first healthy answer, " + count + " plugins"));
        }
        double restartSlope = (median(runs.get(most), p -> p.restart().millis()) - median(runs.get(0), p -> p.restart().millis())) / most;
        double firstSlope = (median(runs.get(most), p -> p.first().millis()) - median(runs.get(0), p -> p.first().millis())) / most;
        results.add(new Measurement("startup.ms_per_plugin", restartSlope, "ms", "restart: extra time per installed plugin (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.ms_per_plugin_first", firstSlope, "ms", "first start: extra time per plugin installed (slope 0 to " + most + ")"));
        results.add(new Measurement("startup.db_ms", median(runs.get(most), p -> p.restart().phase("database")), "ms",
                                    "restart: database phase (embedded PostgreSQL start + kernel migrations), " + most + " plugins"));
        results.add(new Measurement("startup.db_ms_first", median(runs.get(most), p -> p.first().phase("database")), "ms",
                                    "first start: database phase (initdb, start, kernel migrations), " + most + " plugins"));
        results.add(new Measurement("startup.beyond_db_ms_" + most, median(runs.get(most), p -> p.restart().millis() - p.restart().phase("database")),
                                    "ms", "restart with " + most + " plugins: time to healthy minus the database phase (target <= 2000)"));
        results.add(new Measurement("startup.beyond_db_ms_" + most + "_first", median(runs.get(most), p -> p.first().millis() - p.first().phase("database")),
                                    "ms", "first start with " + most + " plugins: time to healthy minus the database phase"));
        results.add(new Measurement("startup.plugins_phase_ms_" + most, median(runs.get(most), p -> pluginMillis(p.restart())), "ms",
                                    "restart with " + most + " plugins: kernel's plugin phases (load installed + scan plugins dir)"));
        results.add(new Measurement("startup.plugins_phase_ms_" + most + "_first", median(runs.get(most), p -> pluginMillis(p.first())), "ms",
                                    "first start with " + most + " plugins: kernel's plugin phases (inspect, verify, migrate, load)"));
        return results;
    }

    private static long pluginMillis(ChildKernel.Start start) {
        return start.phase("plugins-loaded") + start.phase("plugins-installed");
    }

    private static double median(List<Pair> runs, ToDoubleFunction<Pair> value) {
        return Stats.median(runs.stream().map(value::applyAsDouble).map(Double::valueOf).toList());
    }

    private static String random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
