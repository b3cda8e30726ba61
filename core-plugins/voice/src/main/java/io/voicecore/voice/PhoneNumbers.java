package io.voicecore.voice;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Callers' numbers in E.164 ({@code +34612345678}), as the CRM matches contacts by. Twilio sends E.164 already; a number
 * written with spaces, dashes, dots, brackets or a {@code 00} international prefix is normalised to it. A withheld
 * number (Twilio's {@code anonymous}, {@code +266696687} and the other numbers it uses for a hidden caller), a client or
 * SIP identity, or anything that is not a full international number, has none.
 */
final class PhoneNumbers {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-.()/\\u00A0]");
    /** What Twilio sends as the caller's number when the caller is anonymous, unknown, restricted or blocked. */
    private static final Set<String> WITHHELD = Set.of("+266696687", "+86282452253", "+8656696687", "+7378742833", "+2562533");

    private PhoneNumbers() {
    }

    /**
     * @param raw a caller's number as the provider sent it
     * @return the number in E.164, or empty when it is withheld or not a full international number
     */
    static Optional<String> e164(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String lower = raw.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("client:") || lower.startsWith("sip:") || lower.startsWith("sips:")) {
            return Optional.empty();
        }
        String compact = SEPARATORS.matcher(lower).replaceAll("");
        if (compact.startsWith("00")) {
            compact = "+" + compact.substring(2);
        }
        if (!E164.matcher(compact).matches() || WITHHELD.contains(compact)) {
            return Optional.empty();
        }
        return Optional.of(compact);
    }
}
