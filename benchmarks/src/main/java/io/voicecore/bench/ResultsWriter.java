package io.voicecore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes the results as one JSON object: every measurement as a top-level member named by its key
 * ({@code "crm_import.rows_per_second": 8123.4}), and {@code meta} with when, on what machine and how it was run.
 */
public final class ResultsWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsWriter() {
    }

    /**
     * @param file         the file to (over)write; its directory is created
     * @param measurements the measurements
     * @param options      how the run was asked for
     */
    public static void write(Path file, List<Measurement> measurements, BenchOptions options) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            body.put(m.key(), m.value());
        }
        Map<String, Object> units = new LinkedHashMap<>();
        measurements.forEach(m -> units.put(m.key(), m.unit()));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("generatedAt", Instant.now().toString());
        meta.put("quick", options.quick());
        meta.put("scenarios", options.scenarios());
        meta.put("units", units);
        meta.put("machine", machine());
        body.put("meta", meta);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, JSON.writeValueAsString(body) + "\n");
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return machine;
    }
}
