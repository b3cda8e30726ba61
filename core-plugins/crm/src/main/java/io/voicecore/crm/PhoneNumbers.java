package io.voicecore.crm;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads phone numbers into E.164 ({@code +} followed by 8 to 15 digits, the first not 0). Every phone number that
 * reaches the CRM (a contact written through the API, a row of an imported file, a finished conversation) is read
 * here, by the same rules, in order:
 * <ol>
 *   <li>Formatting is dropped: spaces, {@code - . ( ) /} anywhere. Any other character (letters, {@code #},
 *       a {@code +} after the first digit) makes the number invalid, and so does more than {@value #MAX_GIVEN}
 *       characters.</li>
 *   <li>A leading {@code +} or {@code 00} marks an international number: the digits after it are country
 *       code and subscriber number.</li>
 *   <li>Otherwise the number is national. With the tenant's {@code defaultCountryCode}, one leading trunk {@code 0} is
 *       dropped (as in {@code 020 7946 0000}) and the code is put in front. Countries that keep the leading 0 in
 *       international form (Italy) must then be written with {@code +}.</li>
 *   <li>Without a {@code defaultCountryCode}, a national number of {@value #MIN_NATIONAL_DIGITS} to {@value #MAX_DIGITS}
 *       digits is read from where it was given ({@link Origin}), when that settles its country:
 *       <ul>
 *         <li>the country of the conversation's locale ({@code es-MX}), when {@link NationalFormats} knows how that
 *             country writes its numbers and the number is written so; a locale's country comes before the language;</li>
 *         <li>else the conversation's language, when every one of the language's candidate countries whose national
 *             shape the number fits gives the same number: Spanish {@code 600 123 456} is Spain's (no other Spanish-speaking
 *             candidate writes 9 digits starting 60), while Spanish {@code 612 345 678} is Spain's or a Chilean landline
 *             and {@code 912 345 678} Spain's or a Peruvian, Chilean or Ecuadorian mobile, so they stay unresolved.</li>
 *       </ul>
 *       A number nothing settles is {@link Unresolved}, which carries it as given: the CRM keeps it on the contact, to
 *       review ({@link Contact#phonesToReview()}), so a number is never dropped for lack of a country code.</li>
 *   <li>A number read must have 8 to 15 digits and must not start with 0; anything else cannot be a real number.
 *       Fewer than {@value #MIN_NATIONAL_DIGITS} digits cannot be a complete number in any country.</li>
 * </ol>
 * Reading a read number returns it unchanged, and formatting never changes the outcome. This is deliberately not a
 * full numbering-plan library: per-country shapes are known only for the candidate countries, and only broadly.
 */
public final class PhoneNumbers {
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern NOT_A_DIGIT = Pattern.compile("[^0-9]");

    /** Fewest digits of an E.164 number (country code included) this normaliser accepts. */
    public static final int MIN_DIGITS = 8;
    /** Most digits E.164 allows (country code included). */
    public static final int MAX_DIGITS = 15;
    /** Fewest digits of a number written without its country code that can be complete, and so is kept for review. */
    public static final int MIN_NATIONAL_DIGITS = 6;
    /** Most characters of a phone number as written, formatting included. */
    public static final int MAX_GIVEN = 64;

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
     * Where a number was given: the conversation's language and locale, as far as they are known.
     *
     * @param language an ISO 639-1 code ({@code es}; a longer tag is read for its language)
     * @param locale   a BCP 47 language tag with a region ({@code es-MX}, {@code es_MX} accepted too)
     */
    public record Origin(Optional<String> language, Optional<String> locale) {
        /** A number given with nothing known about where: through the API or in an imported file. */
        public static final Origin UNKNOWN = new Origin(Optional.empty(), Optional.empty());

        /** @return the locale's country (ISO 3166-1 alpha-2, upper case), when the locale names one */
        Optional<String> country() {
            return locale.map(Origin::tag).map(Locale::getCountry).filter(country -> COUNTRY.matcher(country).matches());
        }

        /** @return the language (ISO 639-1, lower case): the {@code language}'s, else the locale's */
        Optional<String> languageCode() {
            return language.map(Origin::tag).map(Locale::getLanguage).filter(code -> !code.isEmpty())
                    .or(() -> locale.map(Origin::tag).map(Locale::getLanguage).filter(code -> !code.isEmpty()));
        }

        private static Locale tag(String text) {
            return Locale.forLanguageTag(text.strip().replace('_', '-'));
        }
    }

    /** What reading a phone number gave: exactly one of {@link Normalised}, {@link Unresolved} and {@link Invalid}. */
    public sealed interface Reading permits Normalised, Unresolved, Invalid {
        /** @return the E.164 number, when the number was read */
        default Optional<String> number() {
            return this instanceof Normalised normalised ? Optional.of(normalised.e164()) : Optional.empty();
        }
    }

    /**
     * A number read into E.164.
     *
     * @param e164 the number
     * @param how  how its country was known, e.g. {@code international}, {@code defaultCountryCode 34},
     *             {@code locale es-MX (Mexico)}, {@code language es (Spain)}
     */
    public record Normalised(String e164, String how) implements Reading {
    }

    /**
     * A number without a country code whose country nothing settled: it is kept as given, for a person to review.
     *
     * @param given the number as written, stripped and with runs of spaces made one
     * @param why   why its country is not known
     */
    public record Unresolved(String given, String why) implements Reading {
    }

    /**
     * Text that cannot be a phone number anywhere.
     *
     * @param problem why, for a problem detail
     */
    public record Invalid(String problem) implements Reading {
    }

    /** @param raw a phone number as a person typed it @return its reading, knowing nothing about where it was given */
    public Reading read(String raw) {
        return read(raw, Origin.UNKNOWN);
    }

    /**
     * @param raw    a phone number as a person typed or said it
     * @param origin where it was given
     * @return the E.164 number, the number kept for review, or why it is not a phone number
     */
    public Reading read(String raw, Origin origin) {
        String text = raw.strip();
        if (text.length() > MAX_GIVEN) {
            return new Invalid("is longer than " + MAX_GIVEN + " characters");
        }
        boolean plus = text.startsWith("+");
        StringBuilder digits = new StringBuilder();
        for (int i = plus ? 1 : 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
                return new Invalid("contains '" + c + "'; use digits, an optional leading + and spaces, - . ( ) /");
            }
        }
        if (plus) {
            return checked(digits.toString(), "international");
        }
        if (digits.length() >= 2 && digits.charAt(0) == '0' && digits.charAt(1) == '0') {
            return checked(digits.substring(2), "international");
        }
        if (defaultCountryCode.isPresent()) {
            String national = !digits.isEmpty() && digits.charAt(0) == '0' ? digits.substring(1) : digits.toString();
            if (national.isEmpty()) {
                return new Invalid("has no digits");
            }
            return checked(defaultCountryCode.get() + national, "defaultCountryCode " + defaultCountryCode.get());
        }
        if (digits.length() < MIN_NATIONAL_DIGITS) {
            return new Invalid("has " + digits.length() + " digits; a complete phone number has at least " + MIN_NATIONAL_DIGITS);
        }
        if (digits.length() > MAX_DIGITS) {
            return new Invalid("has " + digits.length() + " digits; a phone number has at most " + MAX_DIGITS);
        }
        return national(digits.toString(), SPACES.matcher(text).replaceAll(" "), origin);
    }

    /** A national number without a default country code: its country from the origin's locale, else its language. */
    private static Reading national(String digits, String given, Origin origin) {
        Optional<String> country = origin.country();
        if (country.isPresent()) {
            Optional<NationalFormats.Country> known = NationalFormats.country(country.get());
            if (known.isEmpty()) {
                return new Unresolved(given, "has no country code, and the numbers of the locale's country (" + country.get()
                                             + ") are not among those the CRM can read without one");
            }
            String locale = origin.locale().orElseThrow().strip();
            return known.get().e164(digits).map(e164 -> agreed(e164, "locale " + locale + " (" + known.get().name() + ")"))
                    .orElseGet(() -> new Unresolved(given, "has no country code, and is not written as a number of " + known.get().name()
                                                           + ", the locale's country"));
        }
        Optional<String> language = origin.languageCode();
        if (language.isEmpty()) {
            return new Unresolved(given, "has no country code, and no defaultCountryCode is configured to tell its country");
        }
        if (NationalFormats.candidates(language.get()).isEmpty()) {
            return new Unresolved(given, "has no country code, and neither defaultCountryCode nor language '" + language.get()
                                         + "' tells its country");
        }
        NationalFormats.LanguageReading reading = NationalFormats.byLanguage(language.get(), digits);
        if (reading.e164().isPresent()) {
            return agreed(reading.e164().get(), "language " + language.get() + " (" + names(reading.fitting()) + ")");
        }
        return new Unresolved(given, reading.fitting().isEmpty()
                ? "has no country code, and is written as a number of none of the countries language '" + language.get() + "' suggests"
                : "has no country code, and language '" + language.get() + "' leaves its country open: " + names(reading.fitting()));
    }

    /** A number a country's shape gave, which is an E.164 number by construction; checked all the same. */
    private static Reading agreed(String e164, String how) {
        Reading checked = checked(e164.substring(1), how);
        if (checked instanceof Invalid invalid) {
            throw new IllegalStateException("a national shape gave " + e164 + ", which " + invalid.problem());
        }
        return checked;
    }

    private static Reading checked(String international, String how) {
        if (international.isEmpty() || international.charAt(0) == '0') {
            return new Invalid("has no valid country code (it cannot start with 0)");
        }
        if (international.length() < MIN_DIGITS || international.length() > MAX_DIGITS) {
            return new Invalid("has " + international.length() + " digits with the country code; a phone number has "
                               + MIN_DIGITS + " to " + MAX_DIGITS);
        }
        return new Normalised("+" + international, how);
    }

    private static String names(List<NationalFormats.Country> countries) {
        List<String> names = countries.stream().map(NationalFormats.Country::name).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** @param number a phone number as written @return its digits, the key two writings of one number share */
    static String digits(String number) {
        return NOT_A_DIGIT.matcher(number).replaceAll("");
    }
}
