package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ExtractionProperties {
    @Provide
    Arbitrary<String> emails() {
        Arbitrary<String> local = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789._+-").ofMinLength(1).ofMaxLength(20)
                .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> tld = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz").ofMinLength(2).ofMaxLength(6);
        return Combinators.combine(local, label.list().ofMinSize(1).ofMaxSize(3), tld)
                .as((l, labels, t) -> l + "@" + String.join(".", labels) + "." + t);
    }

    @Provide
    Arbitrary<String> surroundings() {
        // Any text without '@', so the only address is the embedded one.
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzñéüßçABCXYZ0123456789 ,;:!?()\"'").ofMaxLength(40);
    }

    @Property
    void anEmailInRandomTextIsFoundExactly(@ForAll("emails") String email, @ForAll("surroundings") String before,
                                           @ForAll("surroundings") String after, @ForAll boolean trailingDot) {
        String text = before + " " + email + (trailingDot ? ". " : " ") + after;
        assertEquals(Optional.of(email), Extraction.email(text));
    }

    @Property
    void extractionIsDeterministic(@ForAll("surroundings") String text) {
        assertEquals(Extraction.name(text), Extraction.name(text));
        assertEquals(Extraction.phone(text), Extraction.phone(text));
        assertEquals(Extraction.intent(text), Extraction.intent(text));
    }
}
