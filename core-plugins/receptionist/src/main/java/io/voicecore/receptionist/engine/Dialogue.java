package io.voicecore.receptionist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The offline receptionist: a deterministic state machine that greets, collects the caller's name, phone, e-mail
 * and reason one at a time in the caller's language, confirms them, answers questions from the knowledge base and
 * hands over to a person when asked, when the caller is frustrated or when a configured keyword is said.
 */
public final class Dialogue {
    private static final List<String> YES = List.of("yes", "yeah", "yep", "correct", "right", "sí", "si", "correcto", "exacto", "oui",
            "exact", "exactement", "c'est ça", "ja", "genau", "richtig", "sì", "esatto", "giusto", "sim", "certo", "correto");
    private static final List<String> NO = List.of("no", "nope", "not correct", "incorrect", "incorrecto", "non", "nein", "falsch", "não",
            "sbagliato", "errado");
    private static final List<String> HOURS_WORDS = List.of("hours", "open", "opening", "horario", "abierto", "abren", "horaires",
            "ouvert", "öffnungszeiten", "geöffnet", "orari", "aperto", "horário", "aberto");
    /** Frustration at which a person takes over: one angry turn or two frustrated ones. */
    static final int FRUSTRATION_LIMIT = 2;

    private final Personality personality;
    private final List<KnowledgeEntry> knowledge;

    /**
     * @param personality how the receptionist presents itself
     * @param knowledge   the tenant's knowledge base, oldest first
     */
    public Dialogue(Personality personality, List<KnowledgeEntry> knowledge) {
        this.personality = personality;
        this.knowledge = List.copyOf(knowledge);
    }

    /** @return the opening sentence, in the default language unless the tenant wrote its own */
    public String greeting() {
        return personality.greeting().orElseGet(() -> Phrases.say(personality.defaultLanguage(), "greeting", Map.of(
                "business", personality.businessName(), "assistant", personality.assistantName())));
    }

    /** @return the state of a new conversation */
    public ConversationState start() {
        return ConversationState.start(personality.defaultLanguage());
    }

    /**
     * Answers one caller turn.
     *
     * @param state the conversation so far
     * @param text  what the caller said
     * @return the reply and the new state
     */
    public Turn respond(ConversationState state, String text) {
        String language = Languages.detect(text, state.language(), personality.languages());
        Sentiment sentiment = Sentiment.of(text);
        Optional<String> newName = Extraction.name(text);
        Optional<String> newPhone = Extraction.phone(text);
        Optional<String> newEmail = Extraction.email(text);
        Optional<Intent> intent = Extraction.intent(text);
        Optional<RelativeDate> newDate = Extraction.relativeDate(text);
        boolean newDetails = newName.isPresent() || newPhone.isPresent() || newEmail.isPresent() || newDate.isPresent()
                             || intent.filter(i -> i != Intent.QUESTION).isPresent();

        Optional<Intent> reason = intent.filter(i -> i != Intent.QUESTION).or(state::reason).or(() -> intent);
        int frustration = switch (sentiment.emotion()) {
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
        List<String> reply = new ArrayList<>();

        if (escalation.isEmpty()) {
            escalation = escalationReason(text, intent, frustration);
            escalatedNow = escalation.isPresent();
        }
        if (escalation.isPresent()) {
            stage = ConversationState.Stage.ESCALATED;
            reply.add(Phrases.say(language, escalatedNow ? "escalate" : "escalated"));
        } else {
            boolean questionTurn = intent.filter(i -> i == Intent.QUESTION).isPresent() || !newDetails && !isYesOrNo(text, stage);
            if (questionTurn) {
                Optional<KnowledgeEntry> entry = KnowledgeEntry.best(knowledge, text);
                if (entry.isPresent()) {
                    reply.add(entry.get().answer());
                    answered.add(text.strip());
                } else if (personality.businessHours().isPresent() && mentionsAny(text, HOURS_WORDS)) {
                    reply.add(personality.businessHours().get() + " (" + personality.zone().getId() + ")");
                    answered.add(text.strip());
                } else if (intent.isPresent()) {
                    reply.add(Phrases.say(language, "unknown"));
                    unanswered.add(text.strip());
                }
            }
            // The details known after this turn, to decide what to ask next.
            ConversationState collected = new ConversationState(language, stage, newName.or(state::name), newPhone.or(state::phone),
                    newEmail.or(state::email), reason, newDate.or(state::date), frustration, escalation, List.of(), List.of(), 0, 0);
            if (stage == ConversationState.Stage.CONFIRMING && !newDetails && mentionsAny(text, YES)) {
                stage = ConversationState.Stage.CONFIRMED;
                reply.add(Phrases.say(language, "confirmed"));
            } else if (stage == ConversationState.Stage.CONFIRMING && !newDetails && mentionsAny(text, NO)) {
                stage = ConversationState.Stage.COLLECTING;
                reply.add(Phrases.say(language, "correct"));
            } else if (stage != ConversationState.Stage.CONFIRMED || newDetails) {
                Optional<String> missing = nextQuestion(collected);
                if (missing.isPresent()) {
                    stage = ConversationState.Stage.COLLECTING;
                    reply.add(missing.get());
                } else {
                    stage = ConversationState.Stage.CONFIRMING;
                    reply.add(Phrases.say(language, "confirm", Map.of("details", details(collected))));
                }
            } else if (reply.isEmpty()) {
                reply.add(Phrases.say(language, "confirmed"));
            }
        }
        ConversationState next = new ConversationState(language, stage, newName.or(state::name), newPhone.or(state::phone),
                newEmail.or(state::email), reason, newDate.or(state::date), frustration, escalation, answered, unanswered,
                state.turns() + 1, state.sentimentTotal() + sentiment.score());
        return new Turn(next, String.join(" ", reply), sentiment, escalatedNow);
    }

    /** @param state the final state @return the goodbye sentence in the caller's language */
    public String goodbye(ConversationState state) {
        return Phrases.say(state.language(), "closed", Map.of("business", personality.businessName()));
    }

    private Optional<String> escalationReason(String text, Optional<Intent> intent, int frustration) {
        if (intent.filter(i -> i == Intent.HUMAN).isPresent()) {
            return Optional.of("the caller asked for a person");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String keyword : personality.escalationKeywords()) {
            if (!keyword.isBlank() && Extraction.containsWord(lower, keyword.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of("the caller said '" + keyword.strip() + "'");
            }
        }
        if (frustration >= FRUSTRATION_LIMIT) {
            return Optional.of("the caller is frustrated");
        }
        return Optional.empty();
    }

    private static Optional<String> nextQuestion(ConversationState state) {
        String language = state.language();
        if (state.name().isEmpty()) {
            return Optional.of(Phrases.say(language, "ask.name"));
        }
        if (state.phone().isEmpty()) {
            return Optional.of(Phrases.say(language, "ask.phone", Map.of("name", ", " + state.name().get())));
        }
        if (state.email().isEmpty()) {
            return Optional.of(Phrases.say(language, "ask.email"));
        }
        if (state.reason().isEmpty()) {
            return Optional.of(Phrases.say(language, "ask.reason"));
        }
        return Optional.empty();
    }

    private static String details(ConversationState state) {
        String language = state.language();
        String reason = Phrases.say(language, "reason." + state.reason().orElseThrow().wireName())
                        + state.date().map(date -> " (" + date.spoken() + ")").orElse("");
        return state.name().orElseThrow() + ", " + Phrases.say(language, "label.phone") + " " + state.phone().orElseThrow() + ", "
               + Phrases.say(language, "label.email") + " " + state.email().orElseThrow() + ", " + Phrases.say(language, "label.reason")
               + ": " + reason;
    }

    private static boolean isYesOrNo(String text, ConversationState.Stage stage) {
        return stage == ConversationState.Stage.CONFIRMING && (mentionsAny(text, YES) || mentionsAny(text, NO));
    }

    private static boolean mentionsAny(String text, List<String> words) {
        String lower = text.toLowerCase(Locale.ROOT);
        return words.stream().anyMatch(word -> Extraction.containsWord(lower, word));
    }
}
