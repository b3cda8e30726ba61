package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.offline.OfflineEngine;
import org.junit.jupiter.api.Test;

/** The receptionist's rules over the gateway's real (offline) analysis of each caller turn. */
class ConversationRulesTest {
    static final List<String> LANGUAGES = List.of("en", "es", "fr", "de", "it", "pt");
    static final Personality PERSONALITY = new Personality("Ava", Optional.of("Clínica Sol"), Optional.empty(), "friendly", LANGUAGES,
                                                           Optional.of("Mon-Fri 09:00-18:00"), ZoneId.of("Europe/Madrid"),
                                                           List.of("abogado", "lawyer"), 2);
    static final List<KnowledgeEntry> KNOWLEDGE = List.of(new KnowledgeEntry(List.of("parking", "aparcamiento"), "Free parking."));

    final OfflineEngine analyser = new OfflineEngine();

    ConversationRules.Step turn(Personality personality, ConversationState state, String text) {
        return new ConversationRules(personality).next(state, text, analyser.analyse(text, personality.languages(),
                                                                                      Optional.of(state.language())),
                                                       !KnowledgeBase.matching(KNOWLEDGE, text).isEmpty());
    }

    ConversationState conversation(String... texts) {
        ConversationState state = ConversationState.start("en");
        for (String text : texts) {
            state = turn(PERSONALITY, state, text).state();
        }
        return state;
    }

    @Test
    void collectsTheDetailsThenConfirmsAndAcceptsCorrections() {
        ConversationState collecting = conversation("Me llamo Lucía García", "mi teléfono es 612 345 678", "lucia@example.es");
        assertEquals(ConversationState.Stage.COLLECTING, collecting.stage());
        assertEquals("es", collecting.language());
        assertEquals(Optional.of("Lucía García"), collecting.name());
        ConversationState confirming = turn(PERSONALITY, collecting, "quiero reservar una cita para mañana").state();
        assertEquals(ConversationState.Stage.CONFIRMING, confirming.stage());
        assertEquals(Optional.of(Intent.BOOK), confirming.reason());
        assertEquals("tomorrow", confirming.date().orElseThrow().keyword());
        assertEquals(ConversationState.Stage.CONFIRMED, turn(PERSONALITY, confirming, "sí").state().stage());
        ConversationState correcting = turn(PERSONALITY, confirming, "no").state();
        assertEquals(ConversationState.Stage.COLLECTING, correcting.stage());
        ConversationState corrected = turn(PERSONALITY, correcting, "mi correo es lucia.garcia@example.es").state();
        assertEquals(ConversationState.Stage.CONFIRMING, corrected.stage());
        assertEquals(Optional.of("lucia.garcia@example.es"), corrected.email());
    }

    /** The rules of a call from {@code line} (empty: withheld). */
    ConversationState call(Optional<String> line, String... texts) {
        ConversationRules rules = new ConversationRules(PERSONALITY, Channel.CALL, line);
        ConversationState state = ConversationState.start("es");
        for (String text : texts) {
            state = rules.next(state, text, analyser.analyse(text, LANGUAGES, Optional.of(state.language())), false).state();
        }
        return state;
    }

    @Test
    void onACallTheNumberOnTheLineIsThePhoneAndTheEmailIsOptionalOnceOffered() {
        Optional<String> line = Optional.of("+34600111222");
        ConversationState named = call(line, "Hola, me llamo Lucía Fernández");
        assertEquals(ConversationState.Stage.COLLECTING, named.stage());
        assertFalse(named.emailOffered());
        ConversationState offered = call(line, "Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana por un problema con mi factura");
        assertEquals(ConversationState.Stage.COLLECTING, offered.stage(), "the turn with name and reason offers the e-mail");
        assertTrue(offered.emailOffered());
        assertEquals(Optional.empty(), offered.phone(), "the phone said stays unsaid: the line's number is the call's");
        for (String declined : List.of("no", "no tengo", "prefiero no", "mmm")) {
            ConversationState confirming = call(line, "Hola, me llamo Lucía Fernández",
                                                "Quiero pedir una cita para mañana por un problema con mi factura", declined);
            assertEquals(ConversationState.Stage.CONFIRMING, confirming.stage(), declined);
            assertEquals(Optional.empty(), confirming.email());
        }
        assertEquals(ConversationState.Stage.CONFIRMED, call(line, "Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana",
                                                             "no", "sí").stage());
        ConversationState given = call(line, "Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana", "lucia@example.es");
        assertEquals(ConversationState.Stage.CONFIRMING, given.stage());
        assertEquals(Optional.of("lucia@example.es"), given.email());
    }

    @Test
    void onACallFromAWithheldNumberThePhoneIsStillNeeded() {
        assertEquals(ConversationState.Stage.COLLECTING, call(Optional.empty(), "Me llamo Lucía Fernández", "quiero una cita", "no").stage());
        assertEquals(ConversationState.Stage.CONFIRMING,
                     call(Optional.empty(), "Me llamo Lucía Fernández", "quiero una cita", "612 345 678", "no").stage());
    }

    @Test
    void inAChatTheEmailIsStillRequired() {
        ConversationState chat = conversation("Me llamo Lucía Fernández", "mi teléfono es 612 345 678", "quiero una cita", "no", "no tengo");
        assertEquals(ConversationState.Stage.COLLECTING, chat.stage());
        assertFalse(chat.emailOffered());
    }

    @Test
    void theModelIsToldWhatToCollectOnTheChannelWhatIsKnownAndWhenToOfferTheEmail() {
        ConversationRules rules = new ConversationRules(PERSONALITY, Channel.CALL, Optional.of("+34600111222"));
        ConversationState named = call(Optional.of("+34600111222"), "Hola, me llamo Lucía Fernández");
        ConversationState offered = call(Optional.of("+34600111222"), "Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana");
        ConversationState declined = call(Optional.of("+34600111222"), "Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana",
                                          "no");
        String offering = rules.instructions(named, offered);
        assertTrue(offering.startsWith("This is a phone call. Collect the caller's name and reason for calling"), offering);
        assertTrue(offering.contains("Known so far: name Lucía Fernández; phone +34600111222 (the number on the line: do not ask for it); "
                                     + "reason book (mañana). Still missing: nothing. Stage: collecting."), offering);
        assertTrue(offering.endsWith("Now offer, once, to take an e-mail address; the caller may say no."), offering);
        String confirming = rules.instructions(offered, declined);
        assertTrue(confirming.contains("no e-mail address (offered once; do not ask again)") && confirming.endsWith("Stage: confirming."),
                   confirming);

        String chat = new ConversationRules(PERSONALITY).instructions(ConversationState.start("es"), conversation("Me llamo Lucía Fernández"));
        assertEquals("Collect the caller's name, phone number, e-mail address and reason for calling, asking for one missing detail at a time; "
                     + "once all are known, read them back and ask the caller to confirm. Known so far: name Lucía Fernández. Still missing: "
                     + "phone number, e-mail address, reason for calling. Stage: collecting.", chat);
    }

    @Test
    void tellsAnsweredQuestionsFromUnansweredOnes() {
        ConversationState state = conversation("Is there parking near you?", "Do you treat cats?", "¿Cuál es su horario?");
        assertEquals(List.of("Is there parking near you?", "¿Cuál es su horario?"), state.answered());
        assertEquals(List.of("Do you treat cats?"), state.unanswered());
    }

    @Test
    void escalatesOnRequestOnKeywordsAndOnFrustration() {
        ConversationRules.Step asked = turn(PERSONALITY, ConversationState.start("en"), "I want to speak to a real person");
        assertTrue(asked.escalatedNow());
        assertEquals(ConversationState.Stage.ESCALATED, asked.state().stage());
        assertEquals(Optional.of("the caller asked for a person"), asked.state().escalation());
        assertEquals(Optional.of("the caller said 'abogado'"),
                     turn(PERSONALITY, ConversationState.start("en"), "necesito un abogado").state().escalation());

        ConversationRules.Step once = turn(PERSONALITY, ConversationState.start("en"), "I'm frustrated, this is useless");
        assertFalse(once.escalated());
        ConversationRules.Step twice = turn(PERSONALITY, once.state(), "Still frustrated with this");
        assertTrue(twice.escalatedNow());
        assertEquals(Optional.of("the caller is frustrated"), twice.state().escalation());
        ConversationRules.Step after = turn(PERSONALITY, twice.state(), "hello? my name is Ann Lee");
        assertFalse(after.escalatedNow(), "the handover is said once");
        assertTrue(after.escalated());
        assertEquals(Optional.of("Ann Lee"), after.state().name(), "details are still collected after the handover");
    }

    @Test
    void aHappyTurnResetsFrustrationAndTheLimitIsTheTenants() {
        ConversationState happy = conversation("I'm frustrated", "ok thanks, that's great");
        assertFalse(turn(PERSONALITY, happy, "I'm frustrated").state().escalated());
        Personality patient = new Personality("Ava", Optional.of("X"), Optional.empty(), "friendly", LANGUAGES, Optional.empty(), ZoneId.of("UTC"),
                                              List.of(), 0);
        assertFalse(turn(patient, ConversationState.start("en"), "This is unacceptable and ridiculous!").state().escalated());
        Personality quick = new Personality("Ava", Optional.of("X"), Optional.empty(), "friendly", LANGUAGES, Optional.empty(), ZoneId.of("UTC"),
                                            List.of(), 1);
        assertTrue(turn(quick, ConversationState.start("en"), "I'm frustrated, this is useless").state().escalated());
    }

    @Test
    void anOpeningHoursQuestionIsUnansweredWhenNoHoursAreConfigured() {
        Personality noHours = new Personality("Ava", Optional.of("X"), Optional.empty(), "friendly", LANGUAGES, Optional.empty(), ZoneId.of("UTC"),
                                              List.of(), 2);
        ConversationState state = turn(noHours, ConversationState.start("en"), "Are you open on Sunday?").state();
        assertEquals(List.of("Are you open on Sunday?"), state.unanswered());
    }
}
