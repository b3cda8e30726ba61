package io.voicecore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code crm-import}: CSV files of 10,000 and 100,000 contacts imported through {@code POST /contacts/import} over
 * HTTP into a fresh tenant each time. Throughput runs time the import; separate memory runs sample the live heap
 * with {@link HeapSampler} (in quick mode one run does both). If the import holds constant memory, the peak live
 * heap of 100,000 rows is about that of 10,000: {@code heap_growth_ratio} near 1.
 */
final class CrmImportScenario implements Scenario {
    static final String NAME = "crm-import";
    static final int SMALL = 10_000;
    static final int LARGE = 100_000;
    private static final int WARM_UP = 2_000;
    private static final double MIB = 1024 * 1024;
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One import: its size and time and, when the live heap was sampled, the heap before, at most, typically (median)
     * and how much the last quarter of the samples lies above the first (trend), all in bytes.
     */
    private record Run(int rows, double seconds, long baselineBytes, long peakBytes, long medianBytes, long trendBytes, int samples) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streamed CSV import of " + String.format(Locale.ROOT, "%,d and %,d", SMALL, LARGE)
               + " contacts over HTTP: rows/s and peak live heap";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 1 : 3;
        List<Run> timed = new ArrayList<>();
        List<Run> sampled = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(List.of(crmJar(options.root())))) {
            progress.printf("warm-up: %,d rows (not measured)%n", WARM_UP);
            importInto(kernel, WARM_UP, false);
            for (int size : List.of(SMALL, LARGE)) {
                for (int i = 0; i < repetitions; i++) {
                    Run run = importInto(kernel, size, options.quick());
                    report(progress, "time", run);
                    timed.add(run);
                    if (options.quick()) {
                        sampled.add(run);
                    }
                }
                for (int i = 0; !options.quick() && i < repetitions; i++) {
                    Run run = importInto(kernel, size, true);
                    report(progress, "memory", run);
                    sampled.add(run);
                }
            }
        }
        double peakSmall = median(sampled, SMALL, Run::peakBytes) / MIB;
        double peakLarge = median(sampled, LARGE, Run::peakBytes) / MIB;
        return List.of(
                new Measurement("crm_import.rows_per_second", median(timed, LARGE, Run::rowsPerSecond), "rows/s",
                                "100,000-row import, median of " + repetitions),
                new Measurement("crm_import.rows_per_second_10k", median(timed, SMALL, Run::rowsPerSecond), "rows/s",
                                "10,000-row import, median of " + repetitions),
                new Measurement("crm_import.seconds_100k", median(timed, LARGE, Run::seconds), "s", "100,000-row import, wall time"),
                new Measurement("crm_import.baseline_heap_mb", median(sampled, LARGE, Run::baselineBytes) / MIB, "MiB",
                                "live heap before an import (kernel, plugins, client)"),
                new Measurement("crm_import.peak_heap_mb_10k", peakSmall, "MiB", "peak live heap during a 10,000-row import"),
                new Measurement("crm_import.peak_heap_mb_100k", peakLarge, "MiB", "peak live heap during a 100,000-row import"),
                new Measurement("crm_import.heap_growth_ratio", peakLarge / peakSmall, "ratio",
                                "peak live heap 100,000 / 10,000 rows (1 = does not grow with the file)"),
                new Measurement("crm_import.peak_heap_delta_mb_10k", median(sampled, SMALL, run -> run.peakBytes() - run.baselineBytes()) / MIB,
                                "MiB", "peak minus baseline, 10,000 rows"),
                new Measurement("crm_import.peak_heap_delta_mb_100k", median(sampled, LARGE, run -> run.peakBytes() - run.baselineBytes()) / MIB,
                                "MiB", "peak minus baseline, 100,000 rows"),
                new Measurement("crm_import.median_heap_mb_100k", median(sampled, LARGE, Run::medianBytes) / MIB, "MiB",
                                "median live heap during a 100,000-row import"),
                new Measurement("crm_import.heap_trend_mb_100k", median(sampled, LARGE, Run::trendBytes) / MIB, "MiB",
                                "last quarter minus first quarter of the 100,000-row samples (0 = flat)"));
    }

    /** Imports {@code rows} generated contacts into a new tenant, sampling the live heap meanwhile when asked. */
    private static Run importInto(BenchKernel kernel, int rows, boolean sampleHeap) throws Exception {
        String tenant = kernel.tenantWith("crm", Map.of("defaultCountryCode", "34"));
        long baseline = sampleHeap ? HeapSampler.liveHeapBytes() : 0;
        HeapSampler sampler = sampleHeap ? HeapSampler.start(SAMPLE_INTERVAL) : null;
        long started = System.nanoTime();
        HttpResponse<String> response = kernel.send(kernel.request("/api/v1/tenants/" + tenant + "/crm/contacts/import")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContacts(rows)))
                .build());
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = sampler != null ? sampler.stop() : 0;
        List<Long> series = sampler != null ? sampler.series() : List.of();
        long trend = sampler != null ? sampler.trend() : 0;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the import of " + rows + " rows answered " + response.statusCode() + ": "
                                            + response.body().substring(0, Math.min(2000, response.body().length())));
        }
        JsonNode report = JSON.readTree(response.body());
        if (report.get("imported").asLong() != rows) {
            throw new IllegalStateException("the import of " + rows + " rows imported " + report.get("imported") + ": " + response.body());
        }
        return new Run(rows, seconds, baseline, peak, series.isEmpty() ? 0
                : (long) Stats.median(series.stream().map(Long::doubleValue).toList()), trend, series.size());
    }

    private static void report(PrintStream progress, String kind, Run run) {
        progress.printf(Locale.ROOT, "%-6s %,7d rows: %6.1f s, %,8.0f rows/s%s%n", kind, run.rows(), run.seconds(), run.rowsPerSecond(),
                        run.samples() > 0 ? String.format(Locale.ROOT, "; live heap %.1f MiB before, during %.1f median, %.1f at most,"
                                                          + " trend %+.1f (%d samples)", run.baselineBytes() / MIB, run.medianBytes() / MIB,
                                                          run.peakBytes() / MIB, run.trendBytes() / MIB, run.samples()) : "");
    }

    private static double median(List<Run> runs, int rows, java.util.function.ToDoubleFunction<Run> value) {
        return Stats.median(runs.stream().filter(run -> run.rows() == rows).map(run -> value.applyAsDouble(run)).toList());
    }

    /** The CRM plugin jar the build produced. */
    static Path crmJar(Path root) throws IOException {
        Path target = root.resolve("core-plugins/crm/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(f -> f.getFileName().toString().matches("crm-plugin-.*\\.jar")).sorted().toList();
                if (!jars.isEmpty()) {
                    return jars.get(jars.size() - 1);
                }
            }
        }
        throw new IllegalStateException("no CRM plugin jar in " + target + "; build first: ./voicecore build");
    }
}
