package io.voicecore.aigateway;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Details;
import io.voicecore.aigateway.api.GatewayStatus;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import io.voicecore.aigateway.api.PhoneAudio;
import io.voicecore.aigateway.api.Speech;
import io.voicecore.aigateway.api.Transcript;
import io.voicecore.sdk.json.Json;

/** The JSON of the gateway's routes: requests read with every field error collected, answers written from the API records. */
final class Wire {
    static final List<String> ALL_LANGUAGES = List.of("en", "es", "fr", "de", "it", "pt");
    private static final int MAX_TEXT = 8000;
    private static final int MAX_KNOWLEDGE = 200;
    private static final String LANGUAGE = "[a-z]{2}";

    private Wire() {
    }

    /**
     * Reads a completion request. Every persona field is optional (defaults: Ava, no business name, friendly, UTC, the six
     * languages); {@code messages} is required (an empty list asks for the greeting); {@code channel} is {@code chat}
     * (the default) or {@code call}, with the caller's {@code callerNumber} in E.164 when the line gives it.
     *
     * @throws io.voicecore.sdk.PluginProblem 422 naming every invalid field
     */
    static CompletionRequest completionRequest(Json body) {
        FieldErrors errors = new FieldErrors();
        Json persona = body.get("persona");
        if (!persona.isNull() && !(persona instanceof Json.Obj)) {
            errors.add("persona", "must be an object");
            persona = Json.NULL;
        }
        String assistantName = text(persona.get("assistantName"), "persona.assistantName", 120, errors).orElse("Ava");
        String businessName = text(persona.get("businessName"), "persona.businessName", 200, errors).orElse("");
        Persona.Tone tone = Persona.Tone.FRIENDLY;
        Optional<String> toneText = text(persona.get("tone"), "persona.tone", 20, errors);
        if (toneText.isPresent()) {
            switch (toneText.get()) {
                case "friendly" -> tone = Persona.Tone.FRIENDLY;
                case "formal" -> tone = Persona.Tone.FORMAL;
                default -> errors.add("persona.tone", "must be friendly or formal");
            }
        }
        Optional<String> hours = text(persona.get("businessHours"), "persona.businessHours", 500, errors);
        ZoneId zone = ZoneId.of("UTC");
        Optional<String> zoneText = text(persona.get("timeZone"), "persona.timeZone", 64, errors);
        if (zoneText.isPresent()) {
            try {
                zone = ZoneId.of(zoneText.get());
            } catch (DateTimeException e) {
                errors.add("persona.timeZone", "'" + zoneText.get() + "' is not an IANA time zone such as Europe/Madrid");
            }
        }
        List<String> languages = languages(persona.get("languages"), "persona.languages", errors).orElse(ALL_LANGUAGES);

        List<Message> messages = new ArrayList<>();
        Json messageList = body.get("messages");
        if (!(messageList instanceof Json.Arr array) || array.items().size() > CompletionRequest.MAX_MESSAGES) {
            errors.add("messages", "is required: a list of at most " + CompletionRequest.MAX_MESSAGES
                                   + " {role: system|user|assistant, text} objects, oldest first (empty for the greeting)");
        } else {
            for (int i = 0; i < array.items().size(); i++) {
                Json item = array.items().get(i);
                String field = "messages[" + i + "]";
                Optional<Message.Role> role = switch (item.get("role") instanceof Json.Str s ? s.value() : "") {
                    case "system" -> Optional.of(Message.Role.SYSTEM);
                    case "user" -> Optional.of(Message.Role.USER);
                    case "assistant" -> Optional.of(Message.Role.ASSISTANT);
                    default -> Optional.empty();
                };
                if (role.isEmpty()) {
                    errors.add(field + ".role", "must be system, user or assistant");
                }
                Optional<String> text = text(item.get("text"), field + ".text", MAX_TEXT, errors);
                if (text.isEmpty() && !(item.get("text") instanceof Json.Str)) {
                    errors.add(field + ".text", "is required");
                }
                if (role.isPresent() && text.isPresent()) {
                    messages.add(new Message(role.get(), text.get()));
                }
            }
        }

        List<KnowledgeEntry> knowledge = new ArrayList<>();
        Json entries = body.get("knowledge");
        if (!entries.isNull()) {
            if (!(entries instanceof Json.Arr array) || array.items().size() > MAX_KNOWLEDGE) {
                errors.add("knowledge", "must be a list of at most " + MAX_KNOWLEDGE + " {keywords: [..], answer} objects");
            } else {
                for (int i = 0; i < array.items().size(); i++) {
                    Json item = array.items().get(i);
                    String field = "knowledge[" + i + "]";
                    List<String> keywords = item.get("keywords") instanceof Json.Arr words
                            ? words.items().stream().filter(w -> w instanceof Json.Str s && !s.value().isBlank() && s.value().length() <= 100)
                                    .map(Json::asString).toList()
                            : List.of();
                    if (!(item.get("keywords") instanceof Json.Arr words) || keywords.isEmpty() || keywords.size() != words.items().size()) {
                        errors.add(field + ".keywords", "is required: a list of non-empty words or phrases of at most 100 characters");
                    }
                    Optional<String> answer = text(item.get("answer"), field + ".answer", MAX_TEXT, errors);
                    if (answer.isEmpty() && item.get("answer").isNull()) {
                        errors.add(field + ".answer", "is required: the text to answer with");
                    }
                    if (!keywords.isEmpty() && answer.isPresent()) {
                        knowledge.add(new KnowledgeEntry(keywords, answer.get()));
                    }
                }
            }
        }

        Optional<String> language = text(body.get("language"), "language", 2, errors);
        if (language.isPresent() && !language.get().matches("[a-z]{2}")) {
            errors.add("language", "must be an ISO 639-1 code such as en or es");
        }
        Optional<Integer> maxTokens = Optional.empty();
        Json tokens = body.get("maxTokens");
        if (!tokens.isNull()) {
            if (tokens instanceof Json.Num number && number.value().stripTrailingZeros().scale() <= 0
                && number.value().compareTo(BigDecimal.ONE) >= 0
                && number.value().compareTo(BigDecimal.valueOf(CompletionRequest.MAX_TOKENS)) <= 0) {
                maxTokens = Optional.of(number.value().intValue());
            } else {
                errors.add("maxTokens", "must be a whole number from 1 to " + CompletionRequest.MAX_TOKENS);
            }
        }
        Optional<Instant> currentTime = Optional.empty();
        Optional<String> timeText = text(body.get("currentTime"), "currentTime", 40, errors);
        if (timeText.isPresent()) {
            try {
                currentTime = Optional.of(Instant.parse(timeText.get()));
            } catch (DateTimeParseException e) {
                errors.add("currentTime", "must be an ISO-8601 instant such as 2026-03-02T09:30:00Z");
            }
        }
        Channel channel = Channel.CHAT;
        Optional<String> channelText = text(body.get("channel"), "channel", 10, errors);
        if (channelText.isPresent()) {
            switch (channelText.get()) {
                case "chat" -> channel = Channel.CHAT;
                case "call" -> channel = Channel.CALL;
                default -> errors.add("channel", "must be chat or call");
            }
        }
        Optional<String> callerNumber = text(body.get("callerNumber"), "callerNumber", 16, errors);
        if (callerNumber.isPresent() && !callerNumber.get().matches(CompletionRequest.E164)) {
            errors.add("callerNumber", "must be a number in E.164 such as +34600111222");
        }
        errors.throwIfAny();
        return new CompletionRequest(new Persona(assistantName, businessName, tone, hours, zone, languages), messages, knowledge, language,
                                     maxTokens, currentTime, channel, callerNumber);
    }

    /** The text of {@code POST /analyse}, its offered languages and the current one. */
    record AnalyseRequest(String text, List<String> languages, Optional<String> currentLanguage) {
    }

    /** @throws io.voicecore.sdk.PluginProblem 422 naming every invalid field */
    static AnalyseRequest analyseRequest(Json body) {
        FieldErrors errors = new FieldErrors();
        Optional<String> text = text(body.get("text"), "text", MAX_TEXT, errors);
        if (text.isEmpty()) {
            errors.add("text", "is required: what the caller said");
        }
        List<String> languages = languages(body.get("languages"), "languages", errors).orElse(ALL_LANGUAGES);
        Optional<String> current = text(body.get("currentLanguage"), "currentLanguage", 2, errors);
        current.filter(code -> !languages.contains(code)).ifPresent(code -> errors.add("currentLanguage", "must be one of " + languages));
        errors.throwIfAny();
        return new AnalyseRequest(text.orElseThrow(), languages, current);
    }

    /** The utterance of {@code POST /transcribe} and its language hint. */
    record TranscribeRequest(PhoneAudio audio, Optional<String> language) {
    }

    /**
     * @param body     the utterance as 8 kHz μ-law
     * @param language the {@code language} query parameter
     * @throws io.voicecore.sdk.PluginProblem 422 naming every invalid field
     */
    static TranscribeRequest transcribeRequest(byte[] body, Optional<String> language) {
        FieldErrors errors = new FieldErrors();
        if (body.length == 0) {
            errors.add("body", "must be the utterance as audio/basic (8 kHz mono G.711 μ-law)");
        }
        language.filter(code -> !code.matches(LANGUAGE)).ifPresent(code -> errors.add("language", "must be an ISO 639-1 code such as es"));
        errors.throwIfAny();
        return new TranscribeRequest(PhoneAudio.ofMuLaw(body), language);
    }

    /** The text of {@code POST /speak}, its language and the voice, if not the configured one. */
    record SpeakRequest(String text, String language, Optional<String> voice) {
    }

    /** @throws io.voicecore.sdk.PluginProblem 422 naming every invalid field */
    static SpeakRequest speakRequest(Json body) {
        FieldErrors errors = new FieldErrors();
        Optional<String> text = text(body.get("text"), "text", Speech.MAX_TEXT, errors);
        if (text.isEmpty()) {
            errors.add("text", "is required: what to say");
        }
        Optional<String> language = text(body.get("language"), "language", 2, errors);
        if (language.filter(code -> code.matches(LANGUAGE)).isEmpty()) {
            errors.add("language", "is required: the text's ISO 639-1 code such as es");
        }
        Optional<String> voice = text(body.get("voice"), "voice", 40, errors);
        voice.filter(name -> !Speech.VOICES.contains(name)).ifPresent(name -> errors.add("voice", "must be one of " + Speech.VOICES));
        errors.throwIfAny();
        return new SpeakRequest(text.orElseThrow(), language.orElseThrow(), voice);
    }

    static Json transcript(Transcript transcript) {
        return Json.object().put("text", transcript.text()).put("language", transcript.language().orElse(null))
                .put("audioSeconds", transcript.audioDuration().toMillis() / 1000.0).build();
    }

    static Json completion(Completion completion) {
        return Json.object().put("text", completion.text()).put("language", completion.language())
                .put("source", completion.source().wireName()).put("model", completion.model())
                .put("promptTokens", completion.promptTokens()).put("completionTokens", completion.completionTokens())
                .put("cached", completion.cached()).put("fallbackReason", completion.fallbackReason().orElse(null)).build();
    }

    static Json analysis(Analysis analysis) {
        Details details = analysis.details();
        return Json.object().put("language", analysis.language())
                .put("sentiment", Json.object().put("score", analysis.sentiment().score()).put("label", analysis.sentiment().label()).build())
                .put("emotion", analysis.emotion().wireName())
                .put("details", Json.object().put("name", details.name().orElse(null)).put("phone", details.phone().orElse(null))
                        .put("email", details.email().orElse(null)).put("intent", details.intent().map(i -> i.wireName()).orElse(null))
                        .put("date", details.date().map(d -> Json.object().put("keyword", d.keyword()).put("spoken", d.spoken()).build())
                                .orElse(null))
                        .put("confirmation", details.confirmation().map(c -> c.name().toLowerCase(Locale.ROOT)).orElse(null))
                        .put("mentionsOpeningHours", details.mentionsOpeningHours()).build())
                .build();
    }

    static Json status(GatewayStatus status, GatewaySettings settings) {
        GatewayStatus.Breaker breaker = status.breaker();
        return Json.object().put("mode", status.mode().wireName()).put("model", status.model()).put("providerHost", status.providerHost())
                .put("apiKeySecret", Gateway.API_KEY_SECRET)
                .put("breaker", Json.object().put("state", breaker.state().wireName()).put("openUntil", breaker.openUntil().orElse(null))
                        .put("consecutiveFailures", breaker.consecutiveFailures())
                        .put("lastFailureReason", breaker.lastFailureReason().orElse(null))
                        .put("lastFailureAt", breaker.lastFailureAt().orElse(null)).build())
                .put("maxRetries", settings.maxRetries()).put("cacheTtlSeconds", settings.cacheTtl().toSeconds())
                .put("speech", Json.object().put("transcriptionModel", settings.transcriptionModel()).put("speechModel", settings.speechModel())
                        .put("voice", settings.speechVoice()).build())
                .build();
    }

    /** A text field: empty when absent or null; an error (and empty) when not a string, blank or too long. */
    private static Optional<String> text(Json value, String field, int maxLength, FieldErrors errors) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!(value instanceof Json.Str s) || s.value().isBlank() || s.value().length() > maxLength) {
            errors.add(field, "must be a non-blank string of at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(s.value());
    }

    private static Optional<List<String>> languages(Json value, String field, FieldErrors errors) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!(value instanceof Json.Arr array) || array.items().isEmpty()
            || !array.items().stream().allMatch(item -> item instanceof Json.Str s && s.value().matches("[a-z]{2}"))) {
            errors.add(field, "must be a non-empty list of ISO 639-1 codes such as [\"en\", \"es\"]");
            return Optional.empty();
        }
        return Optional.of(array.items().stream().map(Json::asString).distinct().toList());
    }
}
