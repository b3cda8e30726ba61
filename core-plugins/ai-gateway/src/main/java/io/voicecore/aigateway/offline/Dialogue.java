package io.voicecore.aigateway.offline;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Persona;
import io.voicecore.aigateway.api.RelativeDate;

/**
 * The offline assistant's side of a conversation: it greets, collects the caller's name, phone, e-mail and reason one
 * at a time in the caller's language, confirms them, accepts corrections, and answers questions from the knowledge
 * entries and the opening hours. On a phone call the number on the line is the caller's phone (not asked for when
 * known), and the e-mail is offered once, after the reason, and may be declined. It keeps nothing between calls:
 * {@link #replay} finds where a conversation is from what the caller said so far, so the same conversation always
 * gets the same answer.
 */
final class Dialogue {
    /** The sentence offering to take an optional e-mail address. */
    private static final String OFFER_EMAIL = "offer.email";

    private final Persona persona;
    private final List<String> languages;
    private final Channel channel;
    private final Optional<String> callerNumber;

    /**
     * @param persona      who the assistant is
     * @param languages    the languages it answers in: the persona's that the engine speaks, at least one
     * @param channel      where the conversation takes place
     * @param callerNumber the caller's number from the line, taken as their phone; empty when unknown
     */
    Dialogue(Persona persona, List<String> languages, Channel channel, Optional<String> callerNumber) {
        this.persona = persona;
        this.languages = List.copyOf(languages);
        this.channel = channel;
        this.callerNumber = callerNumber;
    }

    /**
     * @param language the language to greet in
     * @return the opening sentence, naming the business when it has a name and thanking the caller for contacting "us" otherwise
     */
    String greeting(String language) {
        return persona.namedBusiness()
                .map(business -> Phrases.say(language, "greeting", Map.of("business", business, "assistant", persona.assistantName())))
                .orElseGet(() -> Phrases.say(language, "greeting.unnamed", Map.of("assistant", persona.assistantName())));
    }

    /** @return where a conversation that has just been greeted is */
    Progress start() {
        return Progress.start(languages.get(0));
    }

    /**
     * @param callerTexts what the caller said, oldest first
     * @return where the conversation is after those turns
     */
    Progress replay(List<String> callerTexts) {
        Progress progress = start();
        for (String text : callerTexts) {
            progress = respond(progress, text, List.of(), Optional.empty(), Optional.empty()).progress();
        }
        return progress;
    }

    /**
     * Answers one caller turn.
     *
     * @param progress  the conversation so far
     * @param text      what the caller said
     * @param knowledge entries a question may be answered from
     * @param now       the business's local time, to say whether it is open; empty: only the hours are told
     * @param language  the language to answer in; empty: the caller's
     * @return the reply and where the conversation is after it
     */
    Turn respond(Progress progress, String text, List<KnowledgeEntry> knowledge, Optional<ZonedDateTime> now, Optional<String> language) {
        String answerLanguage = language.orElseGet(() -> Languages.detect(text, progress.language(), languages));
        Optional<String> newName = Extraction.name(text);
        Optional<String> newPhone = Extraction.phone(text);
        Optional<String> newEmail = Extraction.email(text);
        Optional<Intent> intent = Extraction.intent(text);
        Optional<RelativeDate> newDate = Extraction.relativeDate(text);
        Optional<Confirmation> confirmation = Extraction.confirmation(text);
        boolean newDetails = newName.isPresent() || newPhone.isPresent() || newEmail.isPresent() || newDate.isPresent()
                             || intent.filter(i -> i != Intent.QUESTION).isPresent();
        Optional<Intent> reason = intent.filter(i -> i != Intent.QUESTION).or(progress::reason).or(() -> intent);
        Stage stage = progress.stage();
        boolean confirming = stage == Stage.CONFIRMING && !newDetails;
        List<String> reply = new ArrayList<>();

        boolean yesOrNo = stage == Stage.CONFIRMING && confirmation.isPresent();
        boolean questionTurn = intent.filter(i -> i == Intent.QUESTION).isPresent() || !newDetails && !yesOrNo;
        if (questionTurn) {
            Optional<KnowledgeEntry> entry = Knowledge.best(knowledge, text);
            if (entry.isPresent()) {
                reply.add(entry.get().answer());
            } else if (persona.businessHours().isPresent() && Extraction.mentionsOpeningHours(text)) {
                reply.add(hours(answerLanguage, now));
            } else if (intent.isPresent()) {
                reply.add(Phrases.say(answerLanguage, "unknown"));
            }
        }
        // The details known after this turn decide what to ask next.
        Progress collected = new Progress(answerLanguage, stage, newName.or(progress::name), newPhone.or(progress::phone),
                                          newEmail.or(progress::email), reason, newDate.or(progress::date), progress.emailOffered());
        boolean offersEmail = false;
        if (confirming && confirmation.filter(c -> c == Confirmation.YES).isPresent()) {
            stage = Stage.CONFIRMED;
            reply.add(Phrases.say(answerLanguage, "confirmed"));
        } else if (confirming && confirmation.filter(c -> c == Confirmation.NO).isPresent()) {
            stage = Stage.COLLECTING;
            reply.add(Phrases.say(answerLanguage, "correct"));
        } else if (stage != Stage.CONFIRMED || newDetails) {
            Optional<String> question = nextQuestion(collected);
            if (question.isPresent()) {
                stage = Stage.COLLECTING;
                offersEmail = question.get().equals(OFFER_EMAIL);
                reply.add(Phrases.say(answerLanguage, question.get(),
                                      collected.name().map(name -> Map.of("name", ", " + name)).orElse(Map.of())));
            } else {
                stage = Stage.CONFIRMING;
                reply.add(Phrases.say(answerLanguage, "confirm", Map.of("details", details(collected))));
            }
        } else if (reply.isEmpty()) {
            reply.add(Phrases.say(answerLanguage, "confirmed"));
        }
        Progress next = new Progress(answerLanguage, stage, collected.name(), collected.phone(), collected.email(), reason, collected.date(),
                                     collected.emailOffered() || offersEmail);
        return new Turn(next, String.join(" ", reply));
    }

    /** The hours as the business wrote them, and whether it is open now when the time is known and the hours can be read. */
    private String hours(String language, Optional<ZonedDateTime> now) {
        String told = persona.businessHours().orElseThrow() + " (" + persona.timeZone().getId() + ")";
        Optional<String> openNow = now.flatMap(time -> OpeningHours.parse(persona.businessHours().get())
                .flatMap(hours -> hours.describe(time.withZoneSameInstant(persona.timeZone()).toLocalDateTime(), language)));
        return openNow.map(sentence -> told + " " + sentence).orElse(told);
    }

    /**
     * The sentence asking for the first detail still missing, in the order name, phone, e-mail, reason; where the
     * e-mail is optional (a call), it is offered once after the reason instead. Empty when nothing more is needed.
     */
    private Optional<String> nextQuestion(Progress progress) {
        if (progress.name().isEmpty()) {
            return Optional.of("ask.name");
        }
        if (phone(progress).isEmpty()) {
            return Optional.of("ask.phone");
        }
        if (progress.email().isEmpty() && channel.requiresEmail()) {
            return Optional.of("ask.email");
        }
        if (progress.reason().isEmpty()) {
            return Optional.of("ask.reason");
        }
        if (progress.email().isEmpty() && !progress.emailOffered()) {
            return Optional.of(OFFER_EMAIL);
        }
        return Optional.empty();
    }

    /** The phone number the caller said, or else the one on the line. */
    private Optional<String> phone(Progress progress) {
        return progress.phone().or(() -> callerNumber);
    }

    /** The details read back to the caller; an e-mail address only when one was given. */
    private String details(Progress progress) {
        String language = progress.language();
        String reason = Phrases.say(language, "reason." + progress.reason().orElseThrow().wireName())
                        + progress.date().map(date -> " (" + date.spoken() + ")").orElse("");
        return progress.name().orElseThrow() + ", " + Phrases.say(language, "label.phone") + " " + phone(progress).orElseThrow() + ", "
               + progress.email().map(email -> Phrases.say(language, "label.email") + " " + email + ", ").orElse("")
               + Phrases.say(language, "label.reason") + ": " + reason;
    }

    /** Where a conversation is. */
    enum Stage {
        /** Collecting details. */
        COLLECTING,
        /** All details known; waiting for the caller to confirm them. */
        CONFIRMING,
        /** The caller confirmed the details. */
        CONFIRMED
    }

    /**
     * What the assistant knows after some caller turns.
     *
     * @param language the caller's language
     * @param stage    where the conversation is
     * @param name     the caller's name
     * @param phone    their phone number, as said
     * @param email    their e-mail address
     * @param reason   why they are in touch
     * @param date     the day they asked for
     * @param emailOffered whether the caller was offered to give an optional e-mail address (once is enough)
     */
    record Progress(String language, Stage stage, Optional<String> name, Optional<String> phone, Optional<String> email,
                    Optional<Intent> reason, Optional<RelativeDate> date, boolean emailOffered) {

        static Progress start(String language) {
            return new Progress(language, Stage.COLLECTING, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.empty(), false);
        }
    }

    /**
     * The answer to one caller turn.
     *
     * @param progress where the conversation is after it
     * @param reply    what the assistant says, in {@code progress.language()}
     */
    record Turn(Progress progress, String reply) {
    }
}
