package io.voicecore.aigateway.api;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The assistant's answer and where it came from.
 *
 * @param text             what the assistant says
 * @param language         the ISO 639-1 language of the answer
 * @param source           who answered: the offline engine or the online provider
 * @param model            the model that answered, e.g. {@code gpt-4o-mini}, or {@value #OFFLINE_MODEL}
 * @param promptTokens     tokens of the prompt this call sent to the provider and was billed for; 0 for offline answers
 *                         and for cached ones
 * @param completionTokens tokens of the answer this call was billed for; 0 for offline answers and cached ones
 * @param cached           whether the answer came from the gateway's response cache (not billed again)
 * @param fallbackReason   when the online provider should have answered but the offline engine did: why, e.g.
 *                         {@code provider answered 429 three times}
 */
public record Completion(String text, String language, Source source, String model, int promptTokens, int completionTokens,
                         boolean cached, Optional<String> fallbackReason) {
    /** The model name of offline answers. */
    public static final String OFFLINE_MODEL = "offline-rules";

    /** Who answered. */
    public enum Source {
        /** The gateway's deterministic offline engine. */
        OFFLINE,
        /** OpenAI, through the kernel's egress. */
        OPENAI;

        /** @return the lower-case wire name, e.g. {@code offline} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the values. */
    public Completion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(fallbackReason, "fallbackReason");
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }
}
