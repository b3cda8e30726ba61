package io.voicecore.crm;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises e-mail addresses: surrounding space removed, the domain in lower case (domains are
 * case-insensitive; the local part is kept as written, since only the receiving server may interpret it).
 */
public final class EmailAddresses {
    private static final int MAX_LENGTH = 254;
    /** Compiled once: an import checks an address per row. */
    private static final Pattern DOMAIN = Pattern.compile("[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)+");

    private EmailAddresses() {
    }

    /**
     * @param raw an address as a person typed it
     * @return the normalised address, or empty when it is not of the form {@code local@domain.tld}
     */
    public static Optional<String> normalise(String raw) {
        String text = raw.strip();
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1 || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1).toLowerCase(Locale.ROOT);
        if (local.chars().anyMatch(c -> Character.isWhitespace(c) || c == '@')
            || !DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        return Optional.of(local + "@" + domain);
    }
}
