package io.voicecore.receptionist.engine;

/** The caller's emotion in one turn. */
public enum Emotion {
    HAPPY, NEUTRAL, SAD, ANGRY, FRUSTRATED;

    /** @return the lower-case wire name */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
