package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;

/** The E.164 normaliser: idempotent, blind to formatting, and strict about impossible numbers. */
class PhoneNumbersProperties {
    private static final List<Optional<String>> COUNTRY_CODES = List.of(Optional.empty(), Optional.of("1"), Optional.of("34"),
                                                                         Optional.of("353"));

    @Property
    void normalisingTwiceGivesTheSameAsOnce(@ForAll("phoneLike") String raw, @ForAll("countryCode") Optional<String> code) {
        PhoneNumbers numbers = new PhoneNumbers(code);
        PhoneNumbers.Reading once = numbers.read(raw);
        once.number().ifPresent(e164 -> assertEquals(once.number(), numbers.read(e164).number(), raw));
    }

    @Property
    void formattingNeverChangesTheResult(@ForAll("digitsWithPrefix") String plain, @ForAll("separators") List<String> separators,
                                         @ForAll("countryCode") Optional<String> code) {
        PhoneNumbers numbers = new PhoneNumbers(code);
        String formatted = interleave(plain, separators);
        assertEquals(numbers.read(plain).number(), numbers.read(formatted).number(), plain + " vs " + formatted);
    }

    @Property
    void everyResultIsE164(@ForAll("phoneLike") String raw, @ForAll("countryCode") Optional<String> code) {
        new PhoneNumbers(code).read(raw).number()
                .ifPresent(e164 -> assertTrue(e164.matches("\\+[1-9][0-9]{7,14}"), raw + " -> " + e164));
    }

    @Property
    void withADefaultCountryCodeNothingIsLeftUnresolved(@ForAll @StringLength(max = 30) @Chars({'0', '1', '5', '9', '+', ' ', '-', 'x', '('})
                                                        String raw) {
        PhoneNumbers.Reading reading = new PhoneNumbers(Optional.of("34")).read(raw);
        assertTrue(reading instanceof PhoneNumbers.Normalised || reading instanceof PhoneNumbers.Invalid, raw + " -> " + reading);
    }

    @Property
    void internationalNumbersOfImpossibleLengthAreRefused(@ForAll @NumericChars @StringLength(min = 16, max = 25) String digits) {
        String number = "9" + digits.substring(1);
        PhoneNumbers.Reading result = new PhoneNumbers(Optional.of("1")).read("+" + number);
        assertTrue(result instanceof PhoneNumbers.Invalid invalid && invalid.problem().contains("digits"), result.toString());
    }

    @Example
    void writtenFormsOfOneNumberAgree() {
        PhoneNumbers spain = new PhoneNumbers(Optional.of("34"));
        for (String written : List.of("+34 612 345 678", "0034 612-345-678", "612 34 56 78", "(612) 345.678", "+34612345678")) {
            assertEquals(Optional.of("+34612345678"), spain.read(written).number(), written);
        }
        PhoneNumbers uk = new PhoneNumbers(Optional.of("44"));
        assertEquals(Optional.of("+442079460000"), uk.read("020 7946 0000").number(), "the trunk 0 is dropped");
        assertEquals(Optional.of("+14155550123"), new PhoneNumbers(Optional.of("1")).read("(415) 555-0123").number());
    }

    @Example
    void withNothingToTellTheCountryANationalNumberIsUnresolvedAsGiven() {
        PhoneNumbers.Reading result = new PhoneNumbers(Optional.empty()).read("  612  345 678 ");
        assertEquals("612 345 678", ((PhoneNumbers.Unresolved) result).given());
        assertTrue(((PhoneNumbers.Unresolved) result).why().contains("defaultCountryCode"), result.toString());
        assertEquals(Optional.of("+34612345678"), new PhoneNumbers(Optional.empty()).read("+34 612 345 678").number());
    }

    @Example
    void lettersTooShortAndZeroCountryCodesAreRefused() {
        PhoneNumbers numbers = new PhoneNumbers(Optional.of("1"));
        for (String bad : List.of("415-CALL-NOW", "+1 415 555 0123 ext 4", "12345", "+0123456789", "", "  ", "+", "00", "1+2345678901")) {
            assertTrue(numbers.read(bad) instanceof PhoneNumbers.Invalid, bad + " -> " + numbers.read(bad));
        }
    }

    @Provide
    Arbitrary<Optional<String>> countryCode() {
        return Arbitraries.of(COUNTRY_CODES);
    }

    @Provide
    Arbitrary<String> phoneLike() {
        return Arbitraries.strings().withChars("0123456789+ -().").ofMaxLength(24);
    }

    @Provide
    Arbitrary<String> digitsWithPrefix() {
        return Arbitraries.of("", "+", "00", "0").flatMap(prefix -> Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(17)
                .map(digits -> prefix + digits));
    }

    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.of("", "", " ", "-", ".", "(", ")", "/", " - ").list().ofMaxSize(20);
    }

    /** Puts a separator after each character of {@code plain} (after the + of a + prefix, never before it). */
    private static String interleave(String plain, List<String> separators) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < plain.length(); i++) {
            out.append(plain.charAt(i));
            if (i < separators.size()) {
                out.append(separators.get(i));
            }
        }
        return out.toString();
    }
}
