package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;
import org.junit.jupiter.api.Test;

class SummaryTest {
    static ConversationState state(Optional<String> name, Optional<String> phone, Optional<String> email, Optional<Intent> reason,
                                   Optional<RelativeDate> date, Optional<String> escalation) {
        return new ConversationState("es", ConversationState.Stage.CONFIRMING, name, phone, email, reason, date, 0, escalation, List.of(),
                                     List.of(), 4, 0.5, false);
    }

    @Test
    void summarisesKeyPointsAndActionItems() {
        Summary summary = Summary.of(state(Optional.of("Lucía García"), Optional.of("612 345 678"), Optional.of("lucia@example.es"),
                                           Optional.of(Intent.BOOK), Optional.of(new RelativeDate("tomorrow", "mañana")), Optional.empty()),
                                     LocalDate.of(2026, 11, 26));
        assertEquals(List.of("Book an appointment for tomorrow (mañana, 2026-11-27)", "Call back 612 345 678"), summary.actionItems());
        assertTrue(summary.keyPoints().containsAll(List.of("Caller: Lucía García", "Phone: 612 345 678", "Email: lucia@example.es",
                                                           "Language: es", "Reason: Book an appointment")), summary.keyPoints().toString());
        assertEquals("Lucía García (es): Book an appointment for tomorrow (mañana, 2026-11-27); Call back 612 345 678.", summary.text());
    }

    @Test
    void aSummaryOfAnEscalatedConversationAsksForAPersonToCallBack() {
        Summary summary = Summary.of(state(Optional.empty(), Optional.empty(), Optional.of("a@b.co"), Optional.empty(), Optional.empty(),
                                           Optional.of("the caller is frustrated")), LocalDate.of(2026, 1, 1));
        assertEquals(List.of("Have a person contact the caller (the caller is frustrated)", "Reply to a@b.co"), summary.actionItems());
        assertEquals("Unknown caller (es): Have a person contact the caller (the caller is frustrated); Reply to a@b.co.", summary.text());
    }

    @Test
    void aCallsSummaryHasItsNumberOutcomeAndDurationAndCallsBackTheLineWhenNoNumberWasSaid() {
        Summary summary = Summary.ofCall(state(Optional.of("Lucía García"), Optional.empty(), Optional.empty(), Optional.of(Intent.BOOK),
                                               Optional.of(new RelativeDate("tomorrow", "mañana")), Optional.empty()),
                                         LocalDate.of(2026, 11, 26), new Summary.Call(Optional.of("+34612345678"), "answered", 95, Optional.empty()));
        assertEquals(List.of("Book an appointment for tomorrow (mañana, 2026-11-27)", "Call back +34612345678"), summary.actionItems());
        assertTrue(summary.keyPoints().containsAll(List.of("Called from: +34612345678", "Call: answered after 95 s")), summary.keyPoints().toString());
        assertEquals("Lucía García (es): Book an appointment for tomorrow (mañana, 2026-11-27); Call back +34612345678.", summary.text());

        Summary said = Summary.ofCall(state(Optional.empty(), Optional.of("612 000 111"), Optional.empty(), Optional.empty(), Optional.empty(),
                                            Optional.empty()), LocalDate.of(2026, 11, 26),
                                      new Summary.Call(Optional.of("+34612345678"), "answered", 10, Optional.empty()));
        assertEquals(List.of("Call back 612 000 111"), said.actionItems(), "the number the caller asked to be called on");
        assertEquals("Caller +34612345678 (es): Call back 612 000 111.", said.text());
    }

    @Test
    void aVoicemailIsQuotedOrToBeListenedTo() {
        ConversationState nothing = state(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                                          Optional.empty());
        Summary transcribed = Summary.ofCall(nothing, LocalDate.of(2026, 1, 1),
                                             new Summary.Call(Optional.of("+34612345678"), "voicemail", 20, Optional.of(" Llámenme, por favor. ")));
        assertEquals("Caller +34612345678 (es): Call back +34612345678. Voicemail: \"Llámenme, por favor.\"", transcribed.text());
        assertTrue(transcribed.keyPoints().contains("Voicemail: Llámenme, por favor."), transcribed.keyPoints().toString());
        Summary untranscribed = Summary.ofCall(nothing, LocalDate.of(2026, 1, 1),
                                               new Summary.Call(Optional.empty(), "voicemail", 20, Optional.empty()));
        assertEquals("Unknown caller (es): Listen to the voicemail.", untranscribed.text());
        Summary transferred = Summary.ofCall(nothing, LocalDate.of(2026, 1, 1),
                                             new Summary.Call(Optional.of("+34612345678"), "transferred", 20, Optional.empty()));
        assertEquals("Caller +34612345678 (es): no action needed.", transferred.text(), "a person took the call");
    }

    @Test
    void relativeDatesResolveFromToday() {
        LocalDate thursday = LocalDate.of(2026, 11, 26);
        assertEquals(thursday.plusDays(1), Summary.resolve(new RelativeDate("tomorrow", "mañana"), thursday));
        assertEquals(thursday.plusDays(2), Summary.resolve(new RelativeDate("day after tomorrow", "pasado mañana"), thursday));
        assertEquals(LocalDate.of(2026, 11, 30), Summary.resolve(new RelativeDate("monday", "lunes"), thursday));
        assertEquals(LocalDate.of(2026, 12, 3), Summary.resolve(new RelativeDate("thursday", "jueves"), thursday), "the next one, not today");
    }

    @Test
    void everyReasonHasAnActionForTheTeam() {
        for (Intent intent : Intent.values()) {
            assertTrue(!Summary.action(intent).isBlank(), intent.name());
        }
    }
}
