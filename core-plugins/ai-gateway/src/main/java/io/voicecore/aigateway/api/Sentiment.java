package io.voicecore.aigateway.api;

import java.util.Objects;

/**
 * How positive a message is.
 *
 * @param score from -1 (negative) to 1 (positive), two decimals
 * @param label {@code positive} (score above 0.2), {@code negative} (below -0.2) or {@code neutral}
 */
public record Sentiment(double score, String label) {

    /** Checks the values. */
    public Sentiment {
        if (score < -1 || score > 1) {
            throw new IllegalArgumentException("a sentiment score is from -1 to 1, not " + score);
        }
        Objects.requireNonNull(label, "label");
    }
}
