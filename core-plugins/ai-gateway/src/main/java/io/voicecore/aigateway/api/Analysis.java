package io.voicecore.aigateway.api;

import java.util.Objects;

/**
 * The analysis of one caller message.
 *
 * @param language  the ISO 639-1 language of the message (one of those offered)
 * @param sentiment how positive it is
 * @param emotion   the caller's emotion
 * @param details   what it gives away: name, phone, e-mail, intent, day, yes or no
 */
public record Analysis(String language, Sentiment sentiment, Emotion emotion, Details details) {

    /** Checks the values. */
    public Analysis {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(sentiment, "sentiment");
        Objects.requireNonNull(emotion, "emotion");
        Objects.requireNonNull(details, "details");
    }
}
