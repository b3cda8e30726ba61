package io.voicecore.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./voicecore bench [--quick] [--out FILE] [scenario...]}.
 *
 * @param quick     one repetition per measurement instead of several, for a first look
 * @param scenarios the scenarios to run, in order; empty means all
 * @param root      the repository root, where plugin jars are found
 * @param output    where the results are written as JSON
 */
public record BenchOptions(boolean quick, List<String> scenarios, Path root, Path output) {

    public BenchOptions {
        scenarios = List.copyOf(scenarios);
    }

    /**
     * @param args {@code --quick}, {@code --root DIR} (default the working directory), {@code --out FILE} (default
     *             {@code benchmarks/results/latest.json} under the root), then scenario names
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    public static BenchOptions parse(String... args) {
        boolean quick = false;
        Path root = Path.of("").toAbsolutePath();
        Path output = null;
        List<String> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--root" -> root = Path.of(value(args, ++i, "--root")).toAbsolutePath();
                case "--out" -> output = Path.of(value(args, ++i, "--out")).toAbsolutePath();
                default -> {
                    if (args[i].startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + args[i] + "'; usage: ./voicecore bench [--quick]"
                                                           + " [--out FILE] [scenario...]");
                    }
                    scenarios.add(args[i]);
                }
            }
        }
        return new BenchOptions(quick, scenarios, root, output != null ? output : root.resolve("benchmarks/results/latest.json"));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
