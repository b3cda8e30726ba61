package io.voicecore.receptionist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Details;
import io.voicecore.aigateway.api.Intent;

/**
 * The receptionist's own rules for a conversation, applied to the language model's analysis of each caller turn: what
 * has been collected (name, phone, e-mail, reason, day), where the conversation is (collecting, confirming, confirmed),
 * which questions were answered or not (for the summary), and when a person takes over: when the caller asks for one,
 * says a configured keyword, or is frustrated (an angry turn counts 2, a frustrated one 1, a happy one resets it).
 * What is said in reply is the language model's, except the handover, which is the receptionist's own sentence.
 */
public final class ConversationRules {
    private final Personality personality;

    /** @param personality the tenant's personality and escalation settings */
    public ConversationRules(Personality personality) {
        this.personality = personality;
    }

    /**
     * The state after one caller turn.
     *
     * @param state             the conversation so far
     * @param text              what the caller said
     * @param analysis          the language model's analysis of it
     * @param knowledgeMatches  whether the tenant's knowledge base has an entry for it
     * @return the new state, and whether this turn handed the conversation over to a person
     */
    public Step next(ConversationState state, String text, Analysis analysis, boolean knowledgeMatches) {
        Details details = analysis.details();
        String language = analysis.language();
        Optional<Intent> intent = details.intent();
        boolean newDetails = details.givesDetails();
        Optional<Intent> reason = intent.filter(i -> i != Intent.QUESTION).or(state::reason).or(() -> intent);
        int frustration = switch (analysis.emotion()) {
            case ANGRY -> state.frustration() + 2;
            case FRUSTRATED -> state.frustration() + 1;
            case HAPPY -> 0;
            default -> state.frustration();
        };
        List<String> answered = new ArrayList<>(state.answered());
        List<String> unanswered = new ArrayList<>(state.unanswered());
        ConversationState.Stage stage = state.stage();
        Optional<String> escalation = state.escalation();
        boolean escalatedNow = false;
        if (escalation.isEmpty()) {
            escalation = escalationReason(text, intent, frustration);
            escalatedNow = escalation.isPresent();
        }
        Optional<String> name = details.name().or(state::name);
        Optional<String> phone = details.phone().or(state::phone);
        Optional<String> email = details.email().or(state::email);
        if (escalation.isPresent()) {
            stage = ConversationState.Stage.ESCALATED;
        } else {
            boolean yesOrNo = stage == ConversationState.Stage.CONFIRMING && details.confirmation().isPresent();
            boolean questionTurn = intent.filter(i -> i == Intent.QUESTION).isPresent() || !newDetails && !yesOrNo;
            if (questionTurn) {
                if (knowledgeMatches || personality.businessHours().isPresent() && details.mentionsOpeningHours()) {
                    answered.add(text.strip());
                } else if (intent.isPresent()) {
                    unanswered.add(text.strip());
                }
            }
            boolean confirming = stage == ConversationState.Stage.CONFIRMING && !newDetails;
            if (confirming && details.confirmation().filter(c -> c == Confirmation.YES).isPresent()) {
                stage = ConversationState.Stage.CONFIRMED;
            } else if (confirming && details.confirmation().filter(c -> c == Confirmation.NO).isPresent()) {
                stage = ConversationState.Stage.COLLECTING;
            } else if (stage != ConversationState.Stage.CONFIRMED || newDetails) {
                boolean complete = name.isPresent() && phone.isPresent() && email.isPresent() && reason.isPresent();
                stage = complete ? ConversationState.Stage.CONFIRMING : ConversationState.Stage.COLLECTING;
            }
        }
        ConversationState next = new ConversationState(language, stage, name, phone, email, reason, details.date().or(state::date),
                                                       frustration, escalation, answered, unanswered, state.turns() + 1,
                                                       state.sentimentTotal() + analysis.sentiment().score());
        return new Step(next, escalatedNow);
    }

    private Optional<String> escalationReason(String text, Optional<Intent> intent, int frustration) {
        if (intent.filter(i -> i == Intent.HUMAN).isPresent()) {
            return Optional.of("the caller asked for a person");
        }
        for (String keyword : personality.escalationKeywords()) {
            if (Words.contains(text, keyword)) {
                return Optional.of("the caller said '" + keyword.strip() + "'");
            }
        }
        if (personality.frustrationLimit() > 0 && frustration >= personality.frustrationLimit()) {
            return Optional.of("the caller is frustrated");
        }
        return Optional.empty();
    }

    /**
     * The outcome of one caller turn.
     *
     * @param state        the conversation's state after it
     * @param escalatedNow whether this turn handed the conversation over to a person (the handover is said once)
     */
    public record Step(ConversationState state, boolean escalatedNow) {

        /** @return whether a person has taken over, so the receptionist answers with its own sentence, not the model's */
        public boolean escalated() {
            return state.escalated();
        }
    }
}
