package io.voicecore.marketplace.ratings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a listing's ratings add up to.
 *
 * @param count     how many tenants rated it
 * @param average   the mean of the stars rounded to one decimal; 0 when {@code count} is 0
 * @param histogram how many ratings gave 1, 2, 3, 4 and 5 stars, in that order
 */
public record RatingSummary(long count, double average, List<Long> histogram) {
    /** The summary of a listing nobody rated. */
    public static final RatingSummary NONE = new RatingSummary(0, 0, List.of(0L, 0L, 0L, 0L, 0L));

    public RatingSummary {
        if (histogram.size() != 5) {
            throw new IllegalArgumentException("a rating histogram has one count for each of 1 to 5 stars: " + histogram);
        }
        histogram = List.copyOf(histogram);
    }

    /** How many ratings gave {@code stars} (1 to 5). */
    public long withStars(int stars) {
        return histogram.get(stars - 1);
    }

    /** {@code {"average": 4.3 | null, "count": n, "histogram": {"1": n, ..., "5": n}}}; no average without ratings. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("average", count == 0 ? null : average);
        view.put("count", count);
        Map<String, Object> stars = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            stars.put(Integer.toString(i), withStars(i));
        }
        view.put("histogram", stars);
        return view;
    }
}
