package io.voicecore.crm;

import java.util.Optional;

/**
 * Normalises phone numbers to E.164 ({@code +} followed by 8 to 15 digits, the first not 0).
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>Formatting is dropped: spaces, {@code - . ( ) /} anywhere. Any other character (letters, {@code #},
 *       a {@code +} after the first digit) makes the number invalid.</li>
 *   <li>A leading {@code +} or {@code 00} marks an international number: the digits after it are country
 *       code and subscriber number.</li>
 *   <li>Otherwise the number is national: one leading trunk {@code 0} is dropped (as in {@code 020 7946 0000})
 *       and the default country calling code is put in front. Without a default country code a national
 *       number is refused. Countries that keep the leading 0 in international form (Italy) must be written
 *       with {@code +}.</li>
 *   <li>The result must have 8 to 15 digits and must not start with 0; anything else cannot be a real number.</li>
 * </ol>
 * Normalising a normalised number returns it unchanged, and formatting never changes the result.
 * This is deliberately not a full numbering-plan library: it does not check per-country lengths.
 */
public final class PhoneNumbers {
    /** Fewest digits of an E.164 number (country code included) this normaliser accepts. */
    public static final int MIN_DIGITS = 8;
    /** Most digits E.164 allows (country code included). */
    public static final int MAX_DIGITS = 15;

    private final Optional<String> defaultCountryCode;

    /**
     * @param defaultCountryCode calling code for national numbers, 1 to 3 digits not starting with 0, e.g. {@code 34}
     * @throws IllegalArgumentException if it is not such a code
     */
    public PhoneNumbers(Optional<String> defaultCountryCode) {
        defaultCountryCode.ifPresent(code -> {
            if (!code.matches("[1-9][0-9]{0,2}")) {
                throw new IllegalArgumentException("defaultCountryCode must be 1 to 3 digits not starting with 0, e.g. 1 or 34; got '"
                                                   + code + "'");
            }
        });
        this.defaultCountryCode = defaultCountryCode;
    }

    /**
     * @param raw a phone number as a person typed it
     * @return the E.164 form, or a reason why it is not a phone number (for the problem detail)
     */
    public Result normalise(String raw) {
        String text = raw.strip();
        boolean plus = text.startsWith("+");
        StringBuilder digits = new StringBuilder();
        for (int i = plus ? 1 : 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
                return Result.invalid("contains '" + c + "'; use digits, an optional leading + and spaces, - . ( ) /");
            }
        }
        String international;
        if (plus) {
            international = digits.toString();
        } else if (digits.length() >= 2 && digits.charAt(0) == '0' && digits.charAt(1) == '0') {
            international = digits.substring(2);
        } else {
            if (defaultCountryCode.isEmpty()) {
                return Result.invalid("has no country code; write it as +<country code><number>, or configure defaultCountryCode");
            }
            String national = !digits.isEmpty() && digits.charAt(0) == '0' ? digits.substring(1) : digits.toString();
            if (national.isEmpty()) {
                return Result.invalid("has no digits");
            }
            international = defaultCountryCode.get() + national;
        }
        if (international.isEmpty() || international.charAt(0) == '0') {
            return Result.invalid("has no valid country code (it cannot start with 0)");
        }
        if (international.length() < MIN_DIGITS || international.length() > MAX_DIGITS) {
            return Result.invalid("has " + international.length() + " digits with the country code; a phone number has "
                                  + MIN_DIGITS + " to " + MAX_DIGITS);
        }
        return Result.valid("+" + international);
    }

    /**
     * The outcome of {@link #normalise(String)}: exactly one of {@code e164} and {@code problem} is present.
     *
     * @param e164    the normalised number
     * @param problem why the input is not a phone number
     */
    public record Result(Optional<String> e164, Optional<String> problem) {
        static Result valid(String e164) {
            return new Result(Optional.of(e164), Optional.empty());
        }

        static Result invalid(String problem) {
            return new Result(Optional.empty(), Optional.of(problem));
        }
    }
}
