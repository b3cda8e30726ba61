package io.voicecore.receptionist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Details;
import io.voicecore.aigateway.api.Intent;

/**
 * The receptionist's own rules for a conversation, applied to the language model's analysis of each caller turn: what
 * has been collected (name, phone, e-mail, reason, day), where the conversation is (collecting, confirming, confirmed),
 * which questions were answered or not (for the summary), and when a person takes over: when the caller asks for one,
 * says a configured keyword, or is frustrated (an angry turn counts 2, a frustrated one 1, a happy one resets it).
 * What is said in reply is the language model's, except the handover, which is the receptionist's own sentence.
 *
 * <p>The details are complete as the gateway's offline engine has them: in a chat, name, phone, e-mail and reason; on a
 * phone call the number on the line is the caller's phone, and the e-mail is optional: the turn after which only it is
 * missing offers it, and from the next turn on the conversation is complete without it.
 */
public final class ConversationRules {
    private final Personality personality;
    private final Channel channel;
    private final Optional<String> callerNumber;

    /**
     * @param personality  the tenant's personality and escalation settings
     * @param channel      where the conversation takes place
     * @param callerNumber on a call, the number on the line (E.164), which is the caller's phone; empty when withheld
     */
    public ConversationRules(Personality personality, Channel channel, Optional<String> callerNumber) {
        this.personality = personality;
        this.channel = channel;
        this.callerNumber = callerNumber;
    }

    /** @param personality the tenant's personality and escalation settings, for a chat */
    public ConversationRules(Personality personality) {
        this(personality, Channel.CHAT, Optional.empty());
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
        return next(state, text, analysis, knowledgeMatches, true);
    }

    /**
     * The state after one caller turn, as {@link #next(ConversationState, String, Analysis, boolean)}, for a turn whose
     * handover someone else decides: with {@code mayHandOver} false the turn never hands over to a person (the tenant's
     * call flow chose to take a message, or said something of its own), and goes on collecting the caller's details.
     *
     * @param mayHandOver whether the receptionist's escalation rules may hand the conversation over on this turn
     */
    public Step next(ConversationState state, String text, Analysis analysis, boolean knowledgeMatches, boolean mayHandOver) {
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
        if (escalation.isEmpty() && mayHandOver) {
            escalation = escalationReason(text, intent, frustration);
            escalatedNow = escalation.isPresent();
        }
        Optional<String> name = details.name().or(state::name);
        Optional<String> phone = details.phone().or(state::phone);
        Optional<String> email = details.email().or(state::email);
        boolean emailOffered = state.emailOffered();
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
                boolean requiredKnown = name.isPresent() && phone.or(() -> callerNumber).isPresent() && reason.isPresent()
                                   && (email.isPresent() || !channel.requiresEmail());
                boolean offerEmail = requiredKnown && email.isEmpty() && !emailOffered;
                stage = requiredKnown && !offerEmail ? ConversationState.Stage.CONFIRMING : ConversationState.Stage.COLLECTING;
                emailOffered = emailOffered || offerEmail;
            }
        }
        ConversationState next = new ConversationState(language, stage, name, phone, email, reason, details.date().or(state::date),
                                                       frustration, escalation, answered, unanswered, state.turns() + 1,
                                                       state.sentimentTotal() + analysis.sentiment().score(), emailOffered);
        return new Step(next, escalatedNow);
    }

    /**
     * What a language model needs to know to answer the turn that led from {@code before} to {@code after}: what to
     * collect on this channel, what is known and still missing, and the stage. (The offline engine does not read it:
     * it finds the same from the caller's words.)
     *
     * @param before the conversation before the caller's turn
     * @param after  the conversation after it, as {@link #next} gave it
     * @return the instructions, in English
     */
    public String instructions(ConversationState before, ConversationState after) {
        List<String> missing = new ArrayList<>();
        List<String> known = new ArrayList<>();
        after.name().ifPresentOrElse(name -> known.add("name " + name), () -> missing.add("name"));
        if (after.phone().isPresent()) {
            known.add("phone " + after.phone().get());
        } else if (callerNumber.isPresent()) {
            known.add("phone " + callerNumber.get() + " (the number on the line: do not ask for it)");
        } else {
            missing.add("phone number");
        }
        if (after.email().isPresent()) {
            known.add("e-mail " + after.email().get());
        } else if (channel.requiresEmail()) {
            missing.add("e-mail address");
        } else if (before.emailOffered()) {
            known.add("no e-mail address (offered once; do not ask again)");
        }
        after.reason().ifPresentOrElse(reason -> known.add("reason " + reason.wireName()
                                                           + after.date().map(d -> " (" + d.spoken() + ")").orElse("")),
                                       () -> missing.add("reason for calling"));
        String collect = channel.requiresEmail()
                ? "Collect the caller's name, phone number, e-mail address and reason for calling, asking for one missing detail at a "
                  + "time; once all are known, read them back and ask the caller to confirm."
                : "This is a phone call. Collect the caller's name and reason for calling (and a phone number only when the line gives "
                  + "none), asking for one missing detail at a time; then offer once to take an e-mail address, which is optional; then "
                  + "read the details back and ask the caller to confirm.";
        String next = after.emailOffered() && !before.emailOffered()
                ? " Now offer, once, to take an e-mail address; the caller may say no." : "";
        return collect + " Known so far: " + (known.isEmpty() ? "nothing" : String.join("; ", known)) + ". Still missing: "
               + (missing.isEmpty() ? "nothing" : String.join(", ", missing)) + ". Stage: "
               + after.stage().name().toLowerCase(Locale.ROOT) + "." + next;
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
