package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Persona;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The greeting in every language: the business by its name, or "us" when it has none, and never English in another language. */
class GreetingProperties {
    /** Words of the English sentences that no sentence of the other languages has. */
    static final Set<String> ENGLISH = Set.of("our", "office", "the", "thank", "thanks", "you", "for", "hello", "contacting", "calling",
                                              "us", "we", "business", "goodbye", "team", "how", "can", "help", "i'm", "please");

    final OfflineEngine engine = new OfflineEngine();

    @Property
    void aGreetingNamesTheBusinessOrThanksUsInItsOwnLanguage(@ForAll("languages") String language, @ForAll("businesses") String business,
                                                             @ForAll("assistants") String assistant) {
        Persona persona = new Persona(assistant, business, Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("UTC"), Languages.SUPPORTED);
        String greeting = engine.complete(new CompletionRequest(persona, List.of(), List.of(), Optional.of(language), Optional.empty(),
                                                                Optional.empty())).text();
        assertFalse(greeting.contains("{") || greeting.contains("}"), greeting);
        assertTrue(greeting.contains(assistant), greeting);
        if (!business.isBlank()) {
            assertTrue(greeting.contains(business.strip()), greeting);
            return;
        }
        if (language.equals("en")) {
            assertTrue(words(greeting).contains("us"), greeting);
        } else {
            List<String> english = words(greeting.replace(assistant, "")).stream().filter(ENGLISH::contains).toList();
            assertEquals(List.of(), english, language + ": " + greeting);
        }
    }

    static List<String> words(String sentence) {
        return Arrays.stream(sentence.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")).filter(word -> !word.isEmpty()).toList();
    }

    @Provide
    Arbitrary<String> languages() {
        return Arbitraries.of(Languages.SUPPORTED);
    }

    @Provide
    Arbitrary<String> businesses() {
        return Arbitraries.of("", " ", "Clínica Sol", "Acme Dental", "Dr. Ruiz & Hijos");
    }

    @Provide
    Arbitrary<String> assistants() {
        return Arbitraries.of("Ava", "Sofía", "Jürgen", "Léa");
    }
}
