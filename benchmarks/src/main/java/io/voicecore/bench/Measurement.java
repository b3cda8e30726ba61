package io.voicecore.bench;

/**
 * One number a scenario measured.
 *
 * @param key         stable name in the results file, e.g. {@code crm_import.rows_per_second}
 * @param value       the value, usually the median of the repetitions
 * @param unit        e.g. {@code rows/s}, {@code MiB}, {@code ratio}
 * @param description what it is, for the table
 */
public record Measurement(String key, double value, String unit, String description) {
}
