package io.voicecore.aigateway.api;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the assistant presents itself and what it knows about the business.
 *
 * @param assistantName the name it introduces itself with, e.g. {@code Ava}
 * @param businessName  the business it answers for, e.g. {@code Clínica Sol}; blank when the business has given no name,
 *                      and the assistant then speaks of it as "us" in each language ({@link #namedBusiness()}). Never a
 *                      stand-in such as "our office": put into another language's sentence, it would be English there.
 *                      (Blank rather than an {@code Optional}, so that plugins built against this record keep working.)
 * @param tone          friendly or formal
 * @param businessHours opening hours as the business writes them, e.g. {@code Mon-Fri 09:00-18:00; Sat 10:00-14:00}
 * @param timeZone      the business's time zone, for opening hours and relative days
 * @param languages     ISO 639-1 codes offered, at least one; the first is used until the caller's language is known
 */
public record Persona(String assistantName, String businessName, Tone tone, Optional<String> businessHours, ZoneId timeZone,
                      List<String> languages) {

    /** How the assistant speaks. */
    public enum Tone {
        /** Warm and informal where the language allows. */
        FRIENDLY,
        /** Polite and formal. */
        FORMAL;

        /** @return the lower-case wire name, e.g. {@code friendly} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the values and copies the list. */
    public Persona {
        Objects.requireNonNull(assistantName, "assistantName");
        Objects.requireNonNull(businessName, "businessName");
        Objects.requireNonNull(tone, "tone");
        Objects.requireNonNull(businessHours, "businessHours");
        Objects.requireNonNull(timeZone, "timeZone");
        languages = List.copyOf(languages);
        if (languages.isEmpty()) {
            throw new IllegalArgumentException("a persona offers at least one language");
        }
        for (String language : languages) {
            if (language == null || !language.matches("[a-z]{2}")) {
                throw new IllegalArgumentException("languages: '" + language + "' is not an ISO 639-1 code such as 'en' or 'es'");
            }
        }
    }

    /** @return the language used before the caller's is known */
    public String defaultLanguage() {
        return languages.get(0);
    }

    /** @return the business's name, stripped; empty when it has given none */
    public Optional<String> namedBusiness() {
        return businessName.isBlank() ? Optional.empty() : Optional.of(businessName.strip());
    }
}
