package io.voicecore.bench;

import java.util.List;

/** Summaries of repeated measurements. */
public final class Stats {
    private Stats() {
    }

    /**
     * @param values at least one value
     * @return the middle value, or the mean of the two middle ones: robust against one disturbed run
     */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to summarise");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
