package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import org.junit.jupiter.api.Test;

class PromptTest {
    static final Persona PERSONA = new Persona("Sofía", "Clínica Sol", Persona.Tone.FORMAL, Optional.of("Mon-Fri 09:00-18:00"),
                                               ZoneId.of("Europe/Madrid"), List.of("es", "en"));

    @Test
    void theSystemPromptCarriesThePersonaHoursTimeAndFactsThenTheConversationFollows() {
        List<Message> conversation = List.of(Message.assistant("Hola"), Message.user("¿Tienen aparcamiento?"));
        CompletionRequest request = new CompletionRequest(PERSONA, conversation,
                List.of(new KnowledgeEntry(List.of("parking", "aparcamiento"), "Hay aparcamiento gratuito.")), Optional.of("es"),
                Optional.of(120), Optional.of(Instant.parse("2026-03-04T10:15:00Z")));
        List<Message> messages = Prompt.messages(request);
        assertEquals(3, messages.size());
        assertEquals(Message.Role.SYSTEM, messages.get(0).role());
        assertEquals(conversation, messages.subList(1, 3));
        String system = messages.get(0).text();
        assertTrue(system.startsWith("You are Sofía, the receptionist of Clínica Sol. Speak in a polite, formal tone"), system);
        assertTrue(system.contains("Answer in Spanish."), system);
        assertTrue(system.contains("Opening hours: Mon-Fri 09:00-18:00 (time zone Europe/Madrid). It is now Wednesday 4 March 2026, 11:15 there."),
                   system);
        assertTrue(system.contains("- (parking, aparcamiento) Hay aparcamiento gratuito."), system);
    }

    @Test
    void onACallThePromptGivesTheNumberOnTheLineAndMakesTheEmailOptionalWhileAChatsSaysNothingOfIt() {
        List<Message> conversation = List.of(Message.user("Hola, me llamo Lucía Fernández"));
        CompletionRequest chat = new CompletionRequest(PERSONA, conversation);
        String call = Prompt.system(chat.on(Channel.CALL, Optional.of("+34600111222")));
        assertTrue(call.contains("This is a phone call from +34600111222: that number, known from the line, is the caller's phone, so never "
                                 + "ask for a phone number."), call);
        assertTrue(call.contains("An e-mail address is optional by phone: offer once to take one, and when the caller declines or gives "
                                 + "none, go on without it."), call);
        String withheld = Prompt.system(chat.on(Channel.CALL, Optional.empty()));
        assertTrue(withheld.contains("This is a phone call from a withheld number: ask for a phone number to call back."), withheld);
        assertTrue(withheld.contains("An e-mail address is optional by phone"), withheld);
        String written = Prompt.system(chat);
        assertFalse(written.contains("phone call") || written.contains("e-mail"), written);
        assertEquals(written, Prompt.system(chat.on(Channel.CHAT, Optional.empty())), "chat is the default channel");
    }

    @Test
    void aBusinessWithoutANameIsSpokenOfAsUs() {
        String system = Prompt.system(new CompletionRequest(new Persona("Ava", " ", Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("UTC"),
                                                                        List.of("es")), List.of(Message.user("Hola"))));
        assertTrue(system.startsWith("You are Ava, a receptionist; the business has not given its name, so speak of it as we and us in "
                                     + "the caller's language. Speak in a warm, friendly tone"), system);
        assertFalse(system.contains("receptionist of"), system);
    }

    @Test
    void withoutALanguageTheCallersOwnIsUsedAmongThoseOffered() {
        String system = Prompt.system(new CompletionRequest(new Persona("Ava", "X", Persona.Tone.FRIENDLY, Optional.empty(), ZoneId.of("UTC"),
                                                                        List.of("en", "fr")), List.of(Message.user("Bonjour"))));
        assertTrue(system.contains("warm, friendly tone"), system);
        assertTrue(system.contains("Answer in the caller's language when it is one of English, French; otherwise in English."), system);
        assertFalse(system.contains("Opening hours"), system);
        assertTrue(system.contains("never invent facts"), system);
    }
}
