package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DialogueTest {
    static final Personality PERSONALITY = new Personality("Ava", "Clínica Sol", Optional.empty(), "friendly", Languages.SUPPORTED,
                                                           Optional.of("Mon-Fri 09:00-18:00"), ZoneId.of("Europe/Madrid"), List.of("abogado", "lawyer"));
    final Dialogue dialogue = new Dialogue(PERSONALITY, List.of(
            new KnowledgeEntry(List.of("parking", "aparcamiento"), "There is free parking behind the building."),
            new KnowledgeEntry(List.of("price", "precio", "cost"), "A first visit costs 50 euros.")));

    @Test
    void greetsInTheDefaultLanguageOrWithTheTenantsGreeting() {
        assertEquals("Hello, thank you for contacting Clínica Sol. I'm Ava, how can I help you?", dialogue.greeting());
        Personality custom = new Personality("Ava", "X", Optional.of("¡Bienvenido!"), "formal", List.of("es"), Optional.empty(),
                                             ZoneId.of("UTC"), List.of());
        assertEquals("¡Bienvenido!", new Dialogue(custom, List.of()).greeting());
        assertEquals("es", new Dialogue(custom, List.of()).start().language());
    }

    @Test
    void asksForEachMissingDetailInTurnInTheCallersLanguageThenConfirms() {
        ConversationState state = dialogue.start();
        Turn turn = dialogue.respond(state, "Me llamo Lucía García");
        assertEquals("es", turn.state().language());
        assertEquals("Gracias, Lucía García. ¿En qué número de teléfono podemos localizarle?", turn.reply());
        turn = dialogue.respond(turn.state(), "mi teléfono es 612 345 678");
        assertEquals("¿Y cuál es su correo electrónico?", turn.reply());
        turn = dialogue.respond(turn.state(), "lucia@example.es");
        assertEquals("es", turn.state().language());
        assertEquals("¿En qué puedo ayudarle hoy?", turn.reply());
        turn = dialogue.respond(turn.state(), "quiero reservar una cita para mañana");
        assertEquals(ConversationState.Stage.CONFIRMING, turn.state().stage());
        assertEquals("Le confirmo: Lucía García, teléfono 612 345 678, correo lucia@example.es, motivo: una cita (mañana). ¿Es correcto?",
                     turn.reply());
        turn = dialogue.respond(turn.state(), "sí");
        assertEquals(ConversationState.Stage.CONFIRMED, turn.state().stage());
        assertTrue(turn.reply().startsWith("Perfecto"), turn.reply());
        assertFalse(turn.state().escalated());
    }

    @Test
    void aNoWhileConfirmingAsksWhatToCorrectAndNewDetailsReplaceOldOnes() {
        ConversationState state = dialogue.respond(dialogue.start(),
                "My name is John Smith, my phone is 555 123 4567, john@example.com, I want to book an appointment for Friday").state();
        assertEquals(ConversationState.Stage.CONFIRMING, state.stage());
        Turn no = dialogue.respond(state, "no");
        assertEquals("Of course, what should I correct?", no.reply());
        Turn corrected = dialogue.respond(no.state(), "the email is john.smith@example.com");
        assertEquals(Optional.of("john.smith@example.com"), corrected.state().email());
        assertEquals(ConversationState.Stage.CONFIRMING, corrected.state().stage());
        assertTrue(corrected.reply().contains("john.smith@example.com"), corrected.reply());
    }

    @Test
    void answersFromTheKnowledgeBaseAndNotesUnansweredQuestions() {
        Turn parking = dialogue.respond(dialogue.start(), "Is there parking near you?");
        assertEquals("There is free parking behind the building. May I have your name, please?", parking.reply());
        assertEquals(List.of("Is there parking near you?"), parking.state().answered());
        Turn unknown = dialogue.respond(parking.state(), "Do you treat cats?");
        assertTrue(unknown.reply().startsWith("I don't have that information"), unknown.reply());
        assertEquals(List.of("Do you treat cats?"), unknown.state().unanswered());
        Turn hours = dialogue.respond(unknown.state(), "¿Cuál es su horario?");
        assertTrue(hours.reply().startsWith("Mon-Fri 09:00-18:00 (Europe/Madrid)"), hours.reply());
        assertEquals("es", hours.state().language());
    }

    @Test
    void escalatesOnRequestOnKeywordsAndOnFrustration() {
        Turn asked = dialogue.respond(dialogue.start(), "I want to speak to a real person");
        assertTrue(asked.escalatedNow());
        assertEquals(Optional.of("the caller asked for a person"), asked.state().escalation());
        Turn keyword = dialogue.respond(dialogue.start(), "necesito un abogado");
        assertEquals(Optional.of("the caller said 'abogado'"), keyword.state().escalation());
        assertTrue(keyword.reply().startsWith("Lo entiendo"), keyword.reply());

        Turn once = dialogue.respond(dialogue.start(), "I'm frustrated, this is useless");
        assertFalse(once.state().escalated());
        Turn twice = dialogue.respond(once.state(), "Still frustrated with this");
        assertTrue(twice.escalatedNow());
        assertEquals(Optional.of("the caller is frustrated"), twice.state().escalation());
        Turn after = dialogue.respond(twice.state(), "hello?");
        assertFalse(after.escalatedNow());
        assertTrue(after.state().escalated());
        assertEquals("A member of our team has been notified and will contact you shortly.", after.reply());
    }

    @Test
    void aHappyTurnResetsFrustration() {
        Turn frustrated = dialogue.respond(dialogue.start(), "I'm frustrated");
        Turn happy = dialogue.respond(frustrated.state(), "ok thanks, that's great");
        Turn again = dialogue.respond(happy.state(), "I'm frustrated");
        assertFalse(again.state().escalated());
    }

    @Test
    void summarisesKeyPointsAndActionItems() {
        ConversationState state = dialogue.start();
        for (String text : List.of("Me llamo Lucía García", "mi teléfono es 612 345 678", "lucia@example.es",
                                   "quiero reservar una cita para mañana")) {
            state = dialogue.respond(state, text).state();
        }
        Summary summary = Summary.of(state, LocalDate.of(2026, 11, 26));
        assertEquals(List.of("Book an appointment for tomorrow (mañana, 2026-11-27)", "Call back 612 345 678"), summary.actionItems());
        assertTrue(summary.keyPoints().containsAll(List.of("Caller: Lucía García", "Phone: 612 345 678", "Email: lucia@example.es",
                                                           "Language: es", "Reason: Book an appointment")), summary.keyPoints().toString());
        assertEquals("Lucía García (es): Book an appointment for tomorrow (mañana, 2026-11-27); Call back 612 345 678.", summary.text());
    }

    @Test
    void aSummaryOfAnEscalatedConversationAsksForAPersonToCallBack() {
        ConversationState state = dialogue.respond(dialogue.start(), "This is unacceptable! My email is a@b.co").state();
        Summary summary = Summary.of(state, LocalDate.of(2026, 1, 1));
        assertEquals(List.of("Have a person contact the caller (the caller is frustrated)", "Reply to a@b.co"), summary.actionItems());
    }
}
