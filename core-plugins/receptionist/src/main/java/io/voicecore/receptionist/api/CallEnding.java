package io.voicecore.receptionist.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a call ended.
 *
 * @param outcome   answered, transferred, voicemail, abandoned or callback
 * @param duration  how long the call lasted, as the provider measured it
 * @param voicemail the transcription of the caller's voicemail, when they left one and it was transcribed; it is added
 *                  to the transcript, read for the caller's details and quoted in the summary
 */
public record CallEnding(CallOutcome outcome, Duration duration, Optional<String> voicemail) {

    /** Checks the values. */
    public CallEnding {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(voicemail, "voicemail");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a call cannot last less than nothing: " + duration);
        }
    }
}
