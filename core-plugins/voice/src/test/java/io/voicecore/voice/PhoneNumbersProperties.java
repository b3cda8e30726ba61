package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** E.164 normalisation: however a number is written, it is one number; what is not a number is none. */
class PhoneNumbersProperties {

    @Provide
    Arbitrary<String> e164() {
        return Arbitraries.integers().between(1, 9).flatMap(first -> Arbitraries.strings().numeric().ofMinLength(6).ofMaxLength(14)
                .map(rest -> "+" + first + rest));
    }

    /** The same number with separators between its digits, and perhaps 00 for the plus. */
    @Provide
    Arbitrary<String> written() {
        return e164().flatMap(number -> Arbitraries.of(" ", "-", ".", "", "", "").list().ofSize(number.length() - 1).flatMap(separators ->
                Arbitraries.of(true, false).map(doubleZero -> {
                    StringBuilder text = new StringBuilder(doubleZero ? "00" : "+");
                    for (int i = 1; i < number.length(); i++) {
                        text.append(number.charAt(i)).append(i < number.length() - 1 ? separators.get(i) : "");
                    }
                    return number + "|" + text;
                })));
    }

    @Property
    void aNumberWrittenAnyWayIsTheSameNumber(@ForAll("written") String pair) {
        String[] parts = pair.split("\\|", 2);
        assertEquals(Optional.of(parts[0]), PhoneNumbers.e164(parts[1]));
        assertEquals(Optional.of(parts[0]), PhoneNumbers.e164("  " + parts[1] + " "));
    }

    @Property
    void normalisingIsIdempotentAndGivesE164OrNothing(@ForAll String anything) {
        Optional<String> once = PhoneNumbers.e164(anything);
        once.ifPresent(number -> assertTrue(number.matches("\\+[1-9][0-9]{6,14}"), number));
        assertEquals(once, once.flatMap(PhoneNumbers::e164));
    }

    @Example
    void withheldAndNonNumbersHaveNone() {
        for (String none : new String[] {"anonymous", "Anonymous", "+266696687", "+86282452253", "+7378742833", "client:ana",
                                         "sip:ana@example.com", "612345678", "+0612345678", "+123", "", "+1234567890123456"}) {
            assertEquals(Optional.empty(), PhoneNumbers.e164(none), none);
        }
        assertEquals(Optional.of("+34612345678"), PhoneNumbers.e164("+34 (612) 34-56-78"));
        assertEquals(Optional.empty(), PhoneNumbers.e164(null));
    }
}
