package io.voicecore.aigateway.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller said in one utterance, as {@link Speech#transcribe} heard it.
 *
 * @param text          the words, empty when nothing intelligible was said
 * @param language      the utterance's language (ISO 639-1) when known: the hint the transcription was given; empty
 *                      when the model was left to detect it (its answer does not say which it heard)
 * @param audioDuration how long the utterance played (what is metered)
 * @since ai-gateway 0.3.0
 */
public record Transcript(String text, Optional<String> language, Duration audioDuration) {

    /** Checks the values. */
    public Transcript {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(audioDuration, "audioDuration");
    }
}
