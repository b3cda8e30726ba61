package io.voicecore.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * One benchmark: starts what it measures, drives it, and returns its measurements. Register a new one in
 * {@link BenchMain#scenarios()}; its name is what {@code ./voicecore bench <name>} selects.
 */
public interface Scenario {

    /** @return the name on the command line, lower case with dashes, e.g. {@code crm-import} */
    String name();

    /** @return one line on what it measures */
    String description();

    /**
     * Runs the scenario.
     *
     * @param options  {@link BenchOptions#quick()} asks for fewer repetitions
     * @param progress where to report what is happening, for the person waiting
     * @return the measurements, keys prefixed with the scenario's name in snake case ({@code crm_import.})
     * @throws Exception when the scenario could not run; no partial result is recorded
     */
    List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception;
}
