package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The offline engine on a phone call, in every language: the number on the line is never asked for, the e-mail never insisted on. */
class CallDialogueProperties {
    static final String LINE = "+34600111222";
    static final Persona PERSONA = new Persona("Ava", "Clínica Sol", Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("Europe/Madrid"),
                                               Languages.SUPPORTED);
    /** A caller's name and reason in each language. */
    static final Map<String, List<String>> NAME_AND_REASON = Map.of(
            "en", List.of("My name is Lucy Fern", "I'd like to book an appointment for tomorrow"),
            "es", List.of("Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana por un problema con mi factura"),
            "fr", List.of("Je m'appelle Lucie Fernand", "Je voudrais un rendez-vous pour demain"),
            "de", List.of("Ich heiße Lucia Fernandes", "Ich möchte einen Termin für morgen"),
            "it", List.of("Mi chiamo Lucia Fernandi", "Vorrei un appuntamento per domani"),
            "pt", List.of("Chamo-me Lúcia Fernandes", "Queria marcar uma consulta para amanhã"));
    static final List<String> DECLINES = List.of("no", "no tengo", "prefiero no", "no thanks", "I don't have one", "non merci",
            "nein danke", "no grazie", "não, obrigado", "sí", "ok", "");

    final OfflineEngine engine = new OfflineEngine();

    @Property
    void onACallTheEngineNeverAsksForAPhoneNumberNorForAnEmailMoreThanOnce(@ForAll("languages") String language,
                                                                            @ForAll("callerTurns") List<String> callerTurns) {
        List<String> replies = replies(language, callerTurns);
        for (String reply : replies) {
            for (String anyLanguage : Languages.SUPPORTED) {
                assertFalse(reply.contains(question(anyLanguage, "ask.phone", "name")), "asked for a phone number: " + reply);
                assertFalse(reply.contains(Phrases.say(anyLanguage, "ask.email")), "asked for an e-mail as if required: " + reply);
            }
        }
        String offer = Phrases.say(language, "offer.email");
        assertTrue(replies.stream().filter(reply -> reply.contains(offer)).count() <= 1, "the e-mail offered more than once: " + replies);
    }

    @Property
    void onACallANameAndAReasonThenAnyAnswerWithoutAnAddressReachTheConfirmation(@ForAll("languages") String language,
                                                                                  @ForAll("declines") String decline) {
        List<String> turns = new ArrayList<>(NAME_AND_REASON.get(language));
        turns.add(decline);
        List<String> replies = replies(language, turns);
        assertEquals(Phrases.say(language, "ask.reason"), replies.get(0));
        assertEquals(Phrases.say(language, "offer.email"), replies.get(1));
        String confirmation = replies.get(2);
        assertTrue(confirmation.contains(question(language, "confirm", "details")) && confirmation.contains(LINE),
                   language + ", '" + decline + "': " + confirmation);
        assertFalse(confirmation.contains(Phrases.say(language, "label.email") + " "), "no e-mail to read back: " + confirmation);
    }

    /** The engine's replies to each caller turn of a call from {@link #LINE}, in {@code language}. */
    private List<String> replies(String language, List<String> callerTurns) {
        List<Message> messages = new ArrayList<>();
        List<String> replies = new ArrayList<>();
        for (String turn : callerTurns) {
            messages.add(Message.user(turn));
            String reply = engine.complete(new CompletionRequest(PERSONA, messages, List.of(), Optional.of(language), Optional.empty(),
                                                                 Optional.empty(), Channel.CALL, Optional.of(LINE))).text();
            messages.add(Message.assistant(reply));
            replies.add(reply);
        }
        return replies;
    }

    /** The fixed part of a sentence that has a placeholder: what follows it, or what precedes it when it ends the sentence. */
    private static String question(String language, String key, String placeholder) {
        String[] parts = Phrases.say(language, key, Map.of(placeholder, "\u0000")).split("\u0000");
        return parts.length > 1 && !parts[1].isBlank() ? parts[1] : parts[0];
    }

    @Provide
    Arbitrary<String> languages() {
        return Arbitraries.of(Languages.SUPPORTED);
    }

    @Provide
    Arbitrary<List<String>> callerTurns() {
        List<String> said = new ArrayList<>(DECLINES);
        NAME_AND_REASON.values().forEach(said::addAll);
        said.addAll(List.of("mi teléfono es 612 345 678", "lucia@example.es", "no, es incorrecto", "¿Tienen aparcamiento?",
                            "quiero cancelar mi cita", "the email is a@b.co"));
        return Arbitraries.oneOf(Arbitraries.of(said), Arbitraries.strings().ofMaxLength(40)).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> declines() {
        return Arbitraries.oneOf(Arbitraries.of(DECLINES), Arbitraries.strings().alpha().withChars(' ').ofMaxLength(30));
    }
}
