package io.voicecore.receptionist.engine;

import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;

/**
 * What the receptionist knows about a conversation after some turns. Immutable; each turn gives a new state.
 *
 * @param language         the caller's language (ISO 639-1)
 * @param stage            where the conversation is
 * @param name             the caller's name
 * @param phone            a phone number the caller said (on a call, the number on the line is known apart)
 * @param email            their e-mail address
 * @param reason           why they are in touch
 * @param date             the day they asked for
 * @param frustration      accumulated frustration: an angry turn adds 2, a frustrated one 1, a happy one resets it
 * @param escalation       why a person was asked to take over, once that happened
 * @param answered         questions answered from the knowledge base
 * @param unanswered       questions the receptionist could not answer
 * @param turns            caller turns so far
 * @param sentimentTotal   sum of the turns' sentiment scores
 * @param emailOffered     whether the caller was offered to give an optional e-mail address (on a call; once is enough)
 */
public record ConversationState(String language, Stage stage, Optional<String> name, Optional<String> phone, Optional<String> email,
                                Optional<Intent> reason, Optional<RelativeDate> date, int frustration, Optional<String> escalation,
                                List<String> answered, List<String> unanswered, int turns, double sentimentTotal, boolean emailOffered) {

    /** Where a conversation is. */
    public enum Stage {
        /** Collecting details. */
        COLLECTING,
        /** All details known; waiting for the caller to confirm them. */
        CONFIRMING,
        /** The caller confirmed the details. */
        CONFIRMED,
        /** A person takes over. */
        ESCALATED
    }

    /** Copies the lists. */
    public ConversationState {
        answered = List.copyOf(answered);
        unanswered = List.copyOf(unanswered);
    }

    /** @param language the language to start in @return the state of a conversation that has just been greeted */
    public static ConversationState start(String language) {
        return new ConversationState(language, Stage.COLLECTING, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                                     Optional.empty(), 0, Optional.empty(), List.of(), List.of(), 0, 0, false);
    }

    /**
     * @param why why a person takes over, e.g. the tenant's call flow routing the caller to a department
     * @return this state handed over to a person (unchanged when it already was)
     */
    public ConversationState handedOver(String why) {
        return escalated() ? this : new ConversationState(language, Stage.ESCALATED, name, phone, email, reason, date, frustration,
                                                          Optional.of(why), answered, unanswered, turns, sentimentTotal, emailOffered);
    }

    /** @return whether a person was asked to take over */
    public boolean escalated() {
        return escalation.isPresent();
    }

    /** @return the average sentiment of the caller's turns, 0 before any */
    public double averageSentiment() {
        return turns == 0 ? 0 : Math.round(sentimentTotal / turns * 100) / 100.0;
    }
}
