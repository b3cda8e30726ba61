package io.voicecore.voice;

import java.util.Map;
import java.util.Optional;

/**
 * The language a caller most likely speaks, from their number's country calling code: a Spanish number is greeted in
 * Spanish when the tenant offers it. Only countries where one of the receptionist's languages is the language nearly
 * every caller speaks are listed (not Belgium, Switzerland or Canada, for instance); a caller from elsewhere is greeted
 * in the tenant's first language, and the receptionist follows the caller's language from the first thing they say.
 */
final class CallerCountries {
    private static final Map<String, String> LANGUAGES = Map.ofEntries(
            // Spanish
            Map.entry("34", "es"), Map.entry("52", "es"), Map.entry("54", "es"), Map.entry("56", "es"), Map.entry("57", "es"),
            Map.entry("51", "es"), Map.entry("58", "es"), Map.entry("593", "es"), Map.entry("591", "es"), Map.entry("595", "es"),
            Map.entry("598", "es"), Map.entry("502", "es"), Map.entry("503", "es"), Map.entry("504", "es"), Map.entry("505", "es"),
            Map.entry("506", "es"), Map.entry("507", "es"), Map.entry("53", "es"),
            // French
            Map.entry("33", "fr"),
            // German
            Map.entry("49", "de"), Map.entry("43", "de"),
            // Italian
            Map.entry("39", "it"),
            // Portuguese
            Map.entry("351", "pt"), Map.entry("55", "pt"), Map.entry("244", "pt"), Map.entry("258", "pt"),
            // English
            Map.entry("44", "en"), Map.entry("61", "en"), Map.entry("64", "en"), Map.entry("353", "en"));

    private CallerCountries() {
    }

    /**
     * @param e164 a number in E.164, e.g. {@code +34612345678}
     * @return the ISO 639-1 language of its country, when the country is listed
     */
    static Optional<String> language(String e164) {
        if (e164 == null || !e164.startsWith("+")) {
            return Optional.empty();
        }
        // Country calling codes are a prefix code: at most one of the 1-, 2- and 3-digit prefixes is one.
        for (int length = 1; length <= 3 && length < e164.length(); length++) {
            String language = LANGUAGES.get(e164.substring(1, 1 + length));
            if (language != null) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }
}
