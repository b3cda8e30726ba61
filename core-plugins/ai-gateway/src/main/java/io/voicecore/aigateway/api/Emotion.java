package io.voicecore.aigateway.api;

import java.util.Locale;

/** The caller's emotion in one message. */
public enum Emotion {
    /** Pleased, thankful. */
    HAPPY,
    /** Nothing notable. */
    NEUTRAL,
    /** Disappointed, worried. */
    SAD,
    /** Angry, outraged. */
    ANGRY,
    /** Annoyed, fed up. */
    FRUSTRATED;

    /** @return the lower-case wire name, e.g. {@code happy} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
