package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.offline.OfflineEngine;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Everything the receptionist says that a tenant's settings go into, in every offered language: the greeting (the AI
 * gateway's offline engine, with the receptionist's persona), the goodbye and the handover. A tenant that set nothing is
 * never answered with an English stand-in inside another language's sentence; a tenant's own names are said as written.
 */
class SentencesProperties {
    /** The languages plugin.yaml offers. */
    static final List<String> OFFERED = List.of("en", "es", "fr", "de", "it", "pt");

    enum Sentence { GREETING, GOODBYE, HANDOVER, HANDED_OVER }

    final OfflineEngine gateway = new OfflineEngine();

    /** The personality of a tenant that configured nothing but the language it greets in (plugin.yaml's defaults). */
    static Personality unconfigured(String language) {
        return new Personality("Ava", Optional.empty(), Optional.empty(), "friendly", List.of(language), Optional.empty(), ZoneId.of("UTC"),
                               List.of(), 2);
    }

    String say(Sentence sentence, Personality personality, String language) {
        return switch (sentence) {
            case GREETING -> gateway.complete(new CompletionRequest(personality.persona(), List.of(), List.of(), Optional.of(language),
                                                                    Optional.empty(), Optional.empty())).text();
            case GOODBYE -> Sentences.goodbye(language, personality.businessName());
            case HANDOVER -> Sentences.handover(language);
            case HANDED_OVER -> Sentences.handedOver(language);
        };
    }

    @Property
    void withNothingConfiguredNoEnglishStandInReachesAnotherLanguage(@ForAll("offered") String language, @ForAll Sentence sentence) {
        Personality personality = unconfigured(language);
        String said = say(sentence, personality, language);
        assertFalse(said.isBlank() || said.contains("{") || said.contains("}"), said);
        assertFalse(said.toLowerCase(java.util.Locale.ROOT).contains("our office"), said);
        if (!language.equals("en")) {
            assertEquals(List.of(), EnglishWords.in(said, personality.assistantName()), language + " " + sentence + ": " + said);
            assertNotEquals(say(sentence, unconfigured("en"), "en"), said, "said in " + language);
        }
    }

    @Property
    void aConfiguredNameIsSaidAsWrittenInEveryLanguage(@ForAll("offered") String language, @ForAll("names") String business) {
        Personality personality = new Personality("Sofía", Optional.of(business), Optional.empty(), "friendly", List.of(language),
                                                  Optional.empty(), ZoneId.of("UTC"), List.of(), 2);
        for (Sentence sentence : List.of(Sentence.GREETING, Sentence.GOODBYE)) {
            String said = say(sentence, personality, language);
            assertTrue(said.contains(business), said);
            assertFalse(said.contains("{") || said.contains("}"), said);
        }
    }

    @Example
    void theGoodbyeOfABusinessWithoutANameThanksUsInEachLanguage() {
        Map<String, String> expected = Map.of(
                "en", "Thank you for contacting us. Goodbye!",
                "es", "Gracias por contactar con nosotros. ¡Hasta pronto!",
                "fr", "Merci de nous avoir contactés. Au revoir !",
                "de", "Danke, dass Sie uns kontaktiert haben. Auf Wiederhören!",
                "it", "Grazie per averci contattato. Arrivederci!",
                "pt", "Agradecemos o seu contacto. Até breve!");
        for (String language : OFFERED) {
            assertEquals(expected.get(language), Sentences.goodbye(language, Optional.empty()));
            assertEquals(expected.get(language), Sentences.goodbye(language, Optional.of("  ")), "a blank name is no name");
        }
        assertEquals("Gracias por contactar con Clínica Sol. ¡Hasta pronto!", Sentences.goodbye("es", Optional.of(" Clínica Sol ")));
        assertEquals(expected.get("en"), Sentences.goodbye("nl", Optional.empty()), "a language without sentences falls back to English");
    }

    @Provide
    Arbitrary<String> offered() {
        return Arbitraries.of(OFFERED);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("Clínica Sol", "Acme Dental", "Bäckerei Müller", "L'Atelier", "Studio 54");
    }
}
