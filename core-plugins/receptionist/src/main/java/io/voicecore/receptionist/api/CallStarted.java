package io.voicecore.receptionist.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A call the receptionist answered.
 *
 * @param conversationId the conversation that holds the call
 * @param greeting       what to say first: the tenant's greeting, or the language model's with the assistant's name
 * @param language       the ISO 639-1 language of the greeting, the tenant's first language
 * @param languages      the languages the tenant offers, the first one first
 * @param openNow        whether the business is open now by its opening hours; empty when it has none the receptionist
 *                       can read
 * @param assistantName  the name the receptionist introduces itself with
 * @param businessName   the business it answers for; empty when the tenant has not named it (say "us", never a
 *                       stand-in name)
 */
public record CallStarted(UUID conversationId, String greeting, String language, List<String> languages, Optional<Boolean> openNow,
                          String assistantName, Optional<String> businessName) {

    /** Checks the values and copies the list. */
    public CallStarted {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(greeting, "greeting");
        Objects.requireNonNull(language, "language");
        languages = List.copyOf(languages);
        Objects.requireNonNull(openNow, "openNow");
        Objects.requireNonNull(assistantName, "assistantName");
        Objects.requireNonNull(businessName, "businessName");
    }
}
