package io.voicecore.receptionist.engine;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Persona;

/**
 * How the receptionist presents itself for one tenant, and when it hands a conversation over to a person.
 *
 * @param assistantName      the name it introduces itself with
 * @param businessName       the business it answers for; empty when the tenant has not named it, and every sentence then
 *                           speaks of "us" in its own language (never an English stand-in such as "our office")
 * @param greeting           a greeting replacing the language model's (used as written, whatever the language)
 * @param tone               {@code friendly} or {@code formal}
 * @param languages          ISO 639-1 codes offered, the first one used until the caller's language is known
 * @param businessHours      opening hours as the business writes them, e.g. {@code Mon-Fri 09:00-18:00}
 * @param zone               the business's time zone, for opening hours, "tomorrow" and weekdays
 * @param escalationKeywords words after which a person takes over
 * @param frustrationLimit   accumulated frustration at which a person takes over (an angry turn counts 2, a frustrated
 *                           one 1, a happy one resets it); 0: never for frustration
 */
public record Personality(String assistantName, Optional<String> businessName, Optional<String> greeting, String tone, List<String> languages,
                          Optional<String> businessHours, ZoneId zone, List<String> escalationKeywords, int frustrationLimit) {

    /** Copies the lists and requires at least one language. */
    public Personality {
        languages = List.copyOf(languages);
        escalationKeywords = List.copyOf(escalationKeywords);
        if (languages.isEmpty()) {
            throw new IllegalArgumentException("at least one language must be offered");
        }
        if (frustrationLimit < 0) {
            throw new IllegalArgumentException("the frustration limit cannot be negative");
        }
    }

    /** @return the language used before the caller's is known */
    public String defaultLanguage() {
        return languages.get(0);
    }

    /** @return the persona the language model answers as */
    public Persona persona() {
        // The persona's blank business name is the gateway's "no name".
        return new Persona(assistantName, businessName.orElse(""), tone.equals("formal") ? Persona.Tone.FORMAL : Persona.Tone.FRIENDLY,
                           businessHours, zone, languages);
    }
}
