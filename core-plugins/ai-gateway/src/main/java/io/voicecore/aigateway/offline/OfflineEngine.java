package io.voicecore.aigateway.offline;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Details;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;

/**
 * The gateway's offline language model: deterministic rules in English, Spanish, French, German, Italian and
 * Portuguese, no network and no state. The same request always gets the same completion, and the same text the same
 * analysis. Used in offline mode and whenever the online provider cannot answer.
 */
public final class OfflineEngine {

    /**
     * Answers a conversation: the greeting when the caller has not spoken yet, otherwise the next step of collecting
     * the caller's name, phone, e-mail and reason (what was already given is found again in the user messages),
     * confirming them, or an answer from the knowledge entries or the opening hours. On a {@code call} the request's
     * caller number is the caller's phone, and the e-mail is offered once and optional.
     *
     * @param request the conversation; system messages are not read
     * @return the completion, source {@code offline}, no tokens
     */
    public Completion complete(CompletionRequest request) {
        List<String> languages = spoken(request.persona().languages());
        Dialogue dialogue = new Dialogue(request.persona(), languages, request.channel(), request.callerNumber());
        Optional<String> language = request.language().filter(Languages.SUPPORTED::contains);
        List<String> callerTexts = request.messages().stream().filter(m -> m.role() == Message.Role.USER).map(Message::text).toList();
        if (callerTexts.isEmpty()) {
            String greetingLanguage = language.orElse(languages.get(0));
            return offline(dialogue.greeting(greetingLanguage), greetingLanguage);
        }
        Dialogue.Progress progress = dialogue.replay(callerTexts.subList(0, callerTexts.size() - 1));
        Optional<ZonedDateTime> now = request.currentTime().map(time -> time.atZone(request.persona().timeZone()));
        Dialogue.Turn turn = dialogue.respond(progress, callerTexts.get(callerTexts.size() - 1), request.knowledge(), now, language);
        return offline(turn.reply(), turn.progress().language());
    }

    /**
     * @param persona the business, with its opening hours and time zone
     * @param at      the moment asked about
     * @return whether the business is open then; empty when it has no opening hours or they are not written as days
     *         and times ({@code Mon-Fri 09:00-18:00; Sat 10:00-14:00})
     */
    public Optional<Boolean> openAt(Persona persona, Instant at) {
        return persona.businessHours().flatMap(OpeningHours::parse)
                .map(hours -> hours.isOpen(LocalDateTime.ofInstant(at, persona.timeZone())));
    }

    /**
     * @param text             what the caller said
     * @param languagesOffered ISO 639-1 codes offered, at least one
     * @param currentLanguage  the conversation's language so far; empty: the first offered
     * @return the language (one of those offered), sentiment, emotion and details of the text
     */
    public Analysis analyse(String text, List<String> languagesOffered, Optional<String> currentLanguage) {
        Objects.requireNonNull(text, "text");
        if (languagesOffered.isEmpty()) {
            throw new IllegalArgumentException("languagesOffered: at least one language must be offered");
        }
        String current = currentLanguage.filter(languagesOffered::contains).orElse(languagesOffered.get(0));
        String language = Languages.detect(text, current, languagesOffered);
        Sentiment sentiment = Sentiment.of(text);
        Details details = new Details(Extraction.name(text), Extraction.phone(text), Extraction.email(text), Extraction.intent(text),
                                      Extraction.relativeDate(text), Extraction.confirmation(text), Extraction.mentionsOpeningHours(text));
        return new Analysis(language, new io.voicecore.aigateway.api.Sentiment(sentiment.score(), sentiment.label()), sentiment.emotion(),
                            details);
    }

    /** The offered languages the engine speaks, in the persona's order; English when it speaks none of them. */
    private static List<String> spoken(List<String> offered) {
        List<String> spoken = offered.stream().filter(Languages.SUPPORTED::contains).toList();
        return spoken.isEmpty() ? List.of("en") : spoken;
    }

    private static Completion offline(String text, String language) {
        return new Completion(text, language, Completion.Source.OFFLINE, Completion.OFFLINE_MODEL, 0, 0, false, Optional.empty());
    }
}
