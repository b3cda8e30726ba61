package io.voicecore.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Runs the selected scenarios one after the other, prints the table and writes the results file. */
public final class BenchRunner {
    private final Map<String, Supplier<Scenario>> scenarios;
    private final PrintStream out;

    /**
     * @param scenarios every scenario by name, in the order "all" runs them
     * @param out       where progress and the table go
     */
    public BenchRunner(Map<String, Supplier<Scenario>> scenarios, PrintStream out) {
        this.scenarios = new LinkedHashMap<>(scenarios);
        this.out = out;
    }

    /**
     * @return every measurement of the run, as written to {@link BenchOptions#output()}
     * @throws IllegalArgumentException when a selected scenario does not exist
     */
    public List<Measurement> run(BenchOptions options) throws Exception {
        List<String> selected = options.scenarios().isEmpty() ? List.copyOf(scenarios.keySet()) : options.scenarios();
        for (String name : selected) {
            if (!scenarios.containsKey(name)) {
                throw new IllegalArgumentException("no scenario '" + name + "'; scenarios: " + String.join(", ", scenarios.keySet()));
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        for (String name : selected) {
            Scenario scenario = scenarios.get(name).get();
            out.println("== " + scenario.name() + ": " + scenario.description() + (options.quick() ? " (quick)" : ""));
            long started = System.nanoTime();
            measurements.addAll(scenario.run(options, out));
            out.printf("== %s done in %.0f s%n", scenario.name(), (System.nanoTime() - started) / 1e9);
        }
        out.println();
        TablePrinter.print(out, measurements);
        ResultsWriter.write(options.output(), measurements, new BenchOptions(options.quick(), selected, options.root(), options.output()));
        out.println();
        out.println("Results written to " + options.output());
        return measurements;
    }
}
