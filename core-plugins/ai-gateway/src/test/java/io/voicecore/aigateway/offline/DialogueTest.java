package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import org.junit.jupiter.api.Test;

/** The offline engine's conversation, through {@link OfflineEngine#complete}: each answer from the whole request only. */
class DialogueTest {
    static final Persona PERSONA = new Persona("Ava", "Clínica Sol", Persona.Tone.FRIENDLY, Optional.of("Mon-Fri 09:00-18:00"),
                                               ZoneId.of("Europe/Madrid"), List.of("en", "es", "fr", "de", "it", "pt"));
    static final List<KnowledgeEntry> KNOWLEDGE = List.of(
            new KnowledgeEntry(List.of("parking", "aparcamiento"), "There is free parking behind the building."),
            new KnowledgeEntry(List.of("price", "precio", "cost"), "A first visit costs 50 euros."));

    final OfflineEngine engine = new OfflineEngine();

    /** A conversation as a caller of the service keeps it: the greeting, then each caller turn and the answer to it. */
    final class Conversation {
        final List<Message> messages = new ArrayList<>();
        final Persona persona;
        final Channel channel;
        final Optional<String> callerNumber;
        Optional<Instant> now = Optional.empty();

        Conversation(Persona persona) {
            this(persona, Channel.CHAT, Optional.empty());
        }

        Conversation(Persona persona, Channel channel, Optional<String> callerNumber) {
            this.persona = persona;
            this.channel = channel;
            this.callerNumber = callerNumber;
            messages.add(Message.assistant(engine.complete(new CompletionRequest(persona, List.of())).text()));
        }

        Completion say(String text) {
            messages.add(Message.user(text));
            Completion answer = engine.complete(new CompletionRequest(persona, messages, KNOWLEDGE, Optional.empty(), Optional.empty(), now,
                                                                      channel, callerNumber));
            messages.add(Message.assistant(answer.text()));
            return answer;
        }
    }

    /** A phone call from a Spanish number, as the voice plugin's calls reach the engine. */
    Conversation call() {
        return new Conversation(PERSONA, Channel.CALL, Optional.of("+34600111222"));
    }

    @Test
    void greetsInTheFirstOfferedLanguageOrTheOneAskedFor() {
        Completion greeting = engine.complete(new CompletionRequest(PERSONA, List.of()));
        assertEquals("Hello, thank you for contacting Clínica Sol. I'm Ava, how can I help you?", greeting.text());
        assertEquals("en", greeting.language());
        assertEquals(Completion.Source.OFFLINE, greeting.source());
        assertEquals(Completion.OFFLINE_MODEL, greeting.model());
        assertEquals(0, greeting.promptTokens() + greeting.completionTokens());
        Persona spanishFirst = new Persona("Ava", "X", Persona.Tone.FORMAL, Optional.empty(), ZoneId.of("UTC"), List.of("es", "en"));
        assertEquals("Hola, gracias por contactar con X. Soy Ava, ¿en qué puedo ayudarle?",
                     engine.complete(new CompletionRequest(spanishFirst, List.of())).text());
        assertEquals("Bonjour, merci d'avoir contacté Clínica Sol. Je suis Ava, comment puis-je vous aider ?",
                     engine.complete(new CompletionRequest(PERSONA, List.of(), List.of(), Optional.of("fr"), Optional.empty(), Optional.empty()))
                             .text());
    }

    @Test
    void aBusinessWithoutANameIsThankedAsUsInEachLanguage() {
        Persona unnamed = new Persona("Ava", "", Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("UTC"), Languages.SUPPORTED);
        java.util.Map<String, String> expected = java.util.Map.of(
                "en", "Hello, thank you for contacting us. I'm Ava, how can I help you?",
                "es", "Hola, gracias por contactar con nosotros. Soy Ava, ¿en qué puedo ayudarle?",
                "fr", "Bonjour, merci de nous avoir contactés. Je suis Ava, comment puis-je vous aider ?",
                "de", "Hallo, danke, dass Sie uns kontaktieren. Ich bin Ava, wie kann ich Ihnen helfen?",
                "it", "Buongiorno, grazie per averci contattato. Sono Ava, come posso aiutarla?",
                "pt", "Olá, agradecemos o seu contacto. Sou Ava, como posso ajudar?");
        for (String language : Languages.SUPPORTED) {
            assertEquals(expected.get(language), engine.complete(new CompletionRequest(unnamed, List.of(), List.of(), Optional.of(language),
                                                                                       Optional.empty(), Optional.empty())).text());
        }
    }

    @Test
    void asksForEachMissingDetailInTurnInTheCallersLanguageThenConfirms() {
        Conversation call = new Conversation(PERSONA);
        Completion answer = call.say("Me llamo Lucía García");
        assertEquals("es", answer.language());
        assertEquals("Gracias, Lucía García. ¿En qué número de teléfono podemos localizarle?", answer.text());
        assertEquals("¿Y cuál es su correo electrónico?", call.say("mi teléfono es 612 345 678").text());
        answer = call.say("lucia@example.es");
        assertEquals("es", answer.language(), "an e-mail alone keeps the conversation's language");
        assertEquals("¿En qué puedo ayudarle hoy?", answer.text());
        assertEquals("Le confirmo: Lucía García, teléfono 612 345 678, correo lucia@example.es, motivo: una cita (mañana). ¿Es correcto?",
                     call.say("quiero reservar una cita para mañana").text());
        assertTrue(call.say("sí").text().startsWith("Perfecto, queda anotado"));
        assertTrue(call.say("gracias").text().startsWith("Perfecto"), "after the confirmation nothing more is asked");
    }

    @Test
    void onACallTheNumberOnTheLineIsTheCallersPhoneAndTheEmailIsOfferedOnceAfterTheReason() {
        Conversation call = call();
        assertEquals("¿En qué puedo ayudarle hoy?", call.say("Hola, me llamo Lucía Fernández").text(), "no phone number is asked for");
        assertEquals("Si quiere dejarnos un correo electrónico, dígamelo ahora; si no, basta con que diga que no.",
                     call.say("Quiero pedir una cita para mañana por un problema con mi factura").text());
        assertEquals("Le confirmo: Lucía Fernández, teléfono +34600111222, motivo: una cita (mañana). ¿Es correcto?",
                     call.say("No, gracias").text(), "a declined e-mail is not asked for again");
        assertTrue(call.say("Sí").text().startsWith("Perfecto, queda anotado"));
    }

    @Test
    void onACallEveryDeclineOrAnswerWithoutAnAddressGoesOnToTheConfirmation() {
        for (String answer : List.of("no", "no tengo", "prefiero no", "ahora no me acuerdo", "mmm")) {
            Conversation call = call();
            call.say("Me llamo Lucía Fernández y quiero una cita para mañana");
            String reply = call.say(answer).text();
            assertTrue(reply.startsWith("Le confirmo: Lucía Fernández, teléfono +34600111222, motivo: una cita (mañana)."),
                       answer + " -> " + reply);
        }
    }

    @Test
    void onACallAnEmailGivenWhenOfferedIsReadBackAndOneSaidUnaskedIsKept() {
        Conversation offered = call();
        assertTrue(offered.say("Me llamo Lucía Fernández y quiero una cita para mañana").text().startsWith("Si quiere dejarnos un correo"));
        assertEquals("Le confirmo: Lucía Fernández, teléfono +34600111222, correo lucia@example.es, motivo: una cita (mañana). ¿Es correcto?",
                     offered.say("sí, es lucia@example.es").text());

        Conversation volunteered = call();
        assertEquals("Let me confirm: John Smith, phone 555 123 4567, email john@example.com, reason: an appointment (friday). Is that correct?",
                     volunteered.say("My name is John Smith, call me on 555 123 4567 or write to john@example.com, I want to book an "
                                     + "appointment for Friday").text(), "a number the caller says is the one read back; nothing is offered");
    }

    @Test
    void onACallFromAWithheldNumberThePhoneIsAskedForAndTheEmailStillOptional() {
        Conversation call = new Conversation(PERSONA, Channel.CALL, Optional.empty());
        assertEquals("Gracias, Lucía Fernández. ¿En qué número de teléfono podemos localizarle?", call.say("Me llamo Lucía Fernández").text());
        assertEquals("¿En qué puedo ayudarle hoy?", call.say("612 345 678").text());
        assertTrue(call.say("quiero una cita para mañana").text().startsWith("Si quiere dejarnos un correo"));
        assertTrue(call.say("no").text().startsWith("Le confirmo: Lucía Fernández, teléfono 612 345 678, motivo: una cita"));
    }

    @Test
    void inAChatTheEmailIsStillRequiredWhateverTheCallerSays() {
        Conversation chat = new Conversation(PERSONA);
        chat.say("Me llamo Lucía Fernández, mi teléfono es 612 345 678");
        assertEquals("¿Y cuál es su correo electrónico?", chat.say("no tengo").text());
        assertEquals("¿Y cuál es su correo electrónico?", chat.say("quiero una cita para mañana").text());
    }

    @Test
    void aNoWhileConfirmingAsksWhatToCorrectAndNewDetailsReplaceOldOnes() {
        Conversation call = new Conversation(PERSONA);
        assertTrue(call.say("My name is John Smith, my phone is 555 123 4567, john@example.com, I want to book an appointment for Friday")
                           .text().startsWith("Let me confirm: John Smith, phone 555 123 4567, email john@example.com, reason: an appointment (friday)"));
        assertEquals("Of course, what should I correct?", call.say("no").text());
        Completion corrected = call.say("the email is john.smith@example.com");
        assertTrue(corrected.text().startsWith("Let me confirm: John Smith") && corrected.text().contains("john.smith@example.com"),
                   corrected.text());
    }

    @Test
    void answersFromTheKnowledgeEntriesAndSaysWhenItDoesNotKnow() {
        Conversation call = new Conversation(PERSONA);
        assertEquals("There is free parking behind the building. May I have your name, please?", call.say("Is there parking near you?").text());
        assertTrue(call.say("Do you treat cats?").text().startsWith("I don't have that information"));
        assertTrue(call.say("¿Cuál es su horario?").text().startsWith("Mon-Fri 09:00-18:00 (Europe/Madrid)"));
        Completion price = call.say("How much does the first visit cost, is there a price list?");
        assertTrue(price.text().startsWith("A first visit costs 50 euros."), "two keywords beat one: " + price.text());
    }

    @Test
    void saysWhetherTheBusinessIsOpenWhenItKnowsTheTime() {
        Conversation open = new Conversation(PERSONA);
        open.now = Optional.of(Instant.parse("2026-03-04T10:15:00Z")); // Wednesday 11:15 in Madrid
        assertEquals("Mon-Fri 09:00-18:00 (Europe/Madrid) We're open right now, until 18:00. May I have your name, please?",
                     open.say("Are you open now?").text());
        Conversation closed = new Conversation(PERSONA);
        closed.now = Optional.of(Instant.parse("2026-03-07T10:15:00Z")); // Saturday
        assertEquals("Mon-Fri 09:00-18:00 (Europe/Madrid) Ahora mismo estamos cerrados; volvemos a abrir el lunes a las 09:00. "
                     + "¿Me puede decir su nombre, por favor?", closed.say("¿Están abiertos? Quiero saber el horario.").text());
    }

    @Test
    void theAnswerDependsOnlyOnWhatTheCallerSaidNotOnEarlierAnswersOrInstructions() {
        List<Message> conversation = List.of(Message.user("Me llamo Lucía García"), Message.assistant("(anything)"),
                                             Message.system("ignored by the offline engine"), Message.user("mi teléfono es 612 345 678"));
        List<Message> callerOnly = List.of(Message.user("Me llamo Lucía García"), Message.user("mi teléfono es 612 345 678"));
        Completion first = engine.complete(new CompletionRequest(PERSONA, conversation));
        assertEquals(first, engine.complete(new CompletionRequest(PERSONA, callerOnly)));
        assertEquals(first, engine.complete(new CompletionRequest(PERSONA, conversation)), "the same request, the same answer");
        assertEquals("¿Y cuál es su correo electrónico?", first.text());
    }

    @Test
    void answersInTheLanguageAskedForAndOnlyInOnesItSpeaks() {
        Completion german = engine.complete(new CompletionRequest(PERSONA, List.of(Message.user("My name is Ann Lee")), List.of(),
                                                                  Optional.of("de"), Optional.empty(), Optional.empty()));
        assertEquals("de", german.language());
        assertEquals("Danke, Ann Lee. Unter welcher Telefonnummer erreichen wir Sie?", german.text());
        Persona dutch = new Persona("Ava", "X", Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("UTC"), List.of("nl"));
        Completion greeting = engine.complete(new CompletionRequest(dutch, List.of()));
        assertEquals("en", greeting.language(), "a language the engine does not speak falls back to English");
    }
}
