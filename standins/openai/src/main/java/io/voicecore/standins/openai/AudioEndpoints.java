package io.voicecore.standins.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/audio/transcriptions} and {@code POST /v1/audio/speech} as the OpenAI API serves them: the request
 * checked as the API checks it, with its error messages, and a deterministic answer. A transcription's text is the
 * next one scripted (a first-in, first-out queue), else the default text; speech is a real WAV or PCM file whose
 * length grows with the input (see {@link SpeechAudio}).
 */
final class AudioEndpoints {
    /** The text a transcription answers when none is scripted. */
    static final String DEFAULT_TRANSCRIPTION = "Stand-in transcription.";
    /** The API's upload limit for audio files. */
    static final int MAX_FILE_BYTES = 25 * 1024 * 1024;
    /** The file types the API accepts, by file name extension, in the order its error message lists them. */
    static final List<String> AUDIO_EXTENSIONS = List.of("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg",
                                                         "wav", "webm");
    static final List<String> TRANSCRIPTION_FORMATS = List.of("json", "text", "srt", "verbose_json", "vtt");
    /** The newer transcription models answer {@code json} and {@code text} only. */
    static final Set<String> JSON_ONLY_MODELS = Set.of("gpt-4o-transcribe", "gpt-4o-mini-transcribe",
                                                       "gpt-4o-mini-transcribe-2025-12-15", "gpt-transcribe");
    static final List<String> VOICES = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova",
                                               "sage", "shimmer", "verse", "marin", "cedar");
    static final List<String> SPEECH_FORMATS = List.of("mp3", "opus", "aac", "flac", "wav", "pcm");
    /** The formats the stand-in can produce as real audio. */
    static final Set<String> PRODUCED_FORMATS = Set.of("wav", "pcm");
    static final int MAX_SPEECH_INPUT = 4096;

    private static final Map<String, String> LANGUAGE_NAMES = Map.ofEntries(
            Map.entry("en", "english"), Map.entry("es", "spanish"), Map.entry("ca", "catalan"),
            Map.entry("fr", "french"), Map.entry("de", "german"), Map.entry("it", "italian"),
            Map.entry("pt", "portuguese"), Map.entry("nl", "dutch"), Map.entry("eu", "basque"),
            Map.entry("gl", "galician"), Map.entry("pl", "polish"), Map.entry("ja", "japanese"),
            Map.entry("zh", "chinese"));

    /**
     * What one audio request gets, and what the request log keeps of it.
     *
     * @param retryAfterSeconds the {@code retry-after} header of a scripted failure
     * @param delayMillis       how long to wait before answering
     */
    record Reply(int status, String contentType, byte[] body, JsonNode logged, Optional<Integer> retryAfterSeconds,
                 long delayMillis) {
        /** An answer at once, without {@code retry-after}. */
        Reply(int status, String contentType, byte[] body, JsonNode logged) {
            this(status, contentType, body, logged, Optional.empty(), 0);
        }
    }

    private final ObjectMapper json;
    private final Deque<String> scripted = new ArrayDeque<>();
    private final Deque<ScriptStep> failures = new ArrayDeque<>();
    private String defaultText = DEFAULT_TRANSCRIPTION;

    AudioEndpoints(ObjectMapper json) {
        this.json = json;
    }

    /** Replaces the queue of transcription texts; each transcription takes the first. */
    synchronized void scriptTranscriptions(List<String> texts) {
        scripted.clear();
        scripted.addAll(texts);
    }

    /** Replaces the script of audio failures; each checked audio request takes the first. */
    synchronized void scriptFailures(List<ScriptStep> steps) {
        if (steps.stream().anyMatch(step -> step.failStatus().isEmpty())) {
            throw new IllegalArgumentException("an audio script takes failures only, such as {\"fail\": 500}; audio is"
                                               + " answered normally once the script is empty");
        }
        failures.clear();
        failures.addAll(steps);
    }

    /** The next scripted failure as the reply to a checked request, if one is left. */
    private synchronized Optional<Reply> nextFailure(JsonNode logged) {
        ScriptStep step = failures.pollFirst();
        if (step == null) {
            return Optional.empty();
        }
        OpenAiStandIn.Answer failure = OpenAiStandIn.failure(step);
        try {
            return Optional.of(new Reply(failure.status(), "application/json", json.writeValueAsBytes(failure.json()), logged,
                                         failure.retryAfterSeconds(), step.delayMillis()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("plain JSON always serialises", e);
        }
    }

    synchronized void defaultTranscription(String text) {
        defaultText = text;
    }

    synchronized int pendingTranscriptions() {
        return scripted.size();
    }

    synchronized void reset() {
        scripted.clear();
        failures.clear();
        defaultText = DEFAULT_TRANSCRIPTION;
    }

    private synchronized String nextTranscription() {
        String next = scripted.pollFirst();
        return next != null ? next : defaultText;
    }

    Reply transcription(Optional<String> contentType, byte[] body) {
        if (body.length > MAX_FILE_BYTES) {
            return error(413, "Maximum content size limit (" + MAX_FILE_BYTES + ") exceeded (" + body.length
                              + " bytes read)", null, null, NullNode.getInstance());
        }
        MultipartForm form;
        try {
            String boundary = MultipartForm.boundary(contentType.orElse("(none)"));
            form = MultipartForm.parse(body, boundary);
        } catch (IllegalArgumentException refused) {
            return error(400, refused.getMessage(), null, null, NullNode.getInstance());
        }
        ObjectNode logged = logged(form);
        Optional<MultipartForm.Part> file = form.part("file").filter(part -> part.filename().isPresent());
        if (file.isEmpty()) {
            return error(400, "Missing required parameter: 'file'.", "file", "missing_required_parameter", logged);
        }
        Optional<String> model = form.field("model");
        if (model.isEmpty()) {
            return error(400, "you must provide a model parameter", null, null, logged);
        }
        String extension = extension(file.get().filename().orElseThrow());
        if (!AUDIO_EXTENSIONS.contains(extension)) {
            return error(400, "Invalid file format. Supported formats: " + pythonList(AUDIO_EXTENSIONS), null, null,
                         logged);
        }
        double seconds;
        try {
            seconds = duration(extension, file.get().content());
        } catch (IllegalArgumentException undecodable) {
            return error(400, "The audio file could not be decoded or its format is not supported.", null, null,
                         logged);
        }
        Optional<String> language = form.field("language");
        if (language.isPresent() && !language.get().matches("[A-Za-z]{2}")) {
            return error(400, "Invalid language '" + language.get() + "'. Language parameter must be specified in"
                              + " ISO-639-1 format.", "language", "invalid_language_format", logged);
        }
        String format = form.field("response_format").orElse("json");
        if (!TRANSCRIPTION_FORMATS.contains(format)) {
            return error(400, "Invalid value: '" + format + "'. Supported values are: " + quotedList(TRANSCRIPTION_FORMATS)
                              + ".", "response_format", "invalid_value", logged);
        }
        if (JSON_ONLY_MODELS.contains(model.get()) && !format.equals("json") && !format.equals("text")) {
            return error(400, "response_format '" + format + "' is not compatible with model '" + model.get()
                              + "'. Use 'json' or 'text'.", "response_format", "unsupported_value", logged);
        }
        ((ObjectNode) logged.get(file.get().name())).put("seconds", seconds);
        Optional<Reply> failure = nextFailure(logged);
        if (failure.isPresent()) {
            return failure.get();
        }
        String text = nextTranscription();
        logged.put("transcribedAs", text);
        return switch (format) {
            case "text" -> new Reply(200, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8),
                                     logged);
            case "srt" -> new Reply(200, "text/plain; charset=utf-8",
                                    ("1\n" + cueTime(0, ',') + " --> " + cueTime(seconds, ',') + "\n" + text + "\n\n")
                                            .getBytes(StandardCharsets.UTF_8), logged);
            case "vtt" -> new Reply(200, "text/plain; charset=utf-8",
                                    ("WEBVTT\n\n" + cueTime(0, '.') + " --> " + cueTime(seconds, '.') + "\n" + text
                                     + "\n\n").getBytes(StandardCharsets.UTF_8), logged);
            case "verbose_json" -> jsonReply(verbose(text, seconds, language), logged);
            default -> jsonReply(json.createObjectNode().put("text", text), logged);
        };
    }

    Reply speech(byte[] body) {
        JsonNode request;
        try {
            request = body.length == 0 ? NullNode.getInstance() : json.readTree(body);
        } catch (java.io.IOException notJson) {
            request = NullNode.getInstance();
        }
        if (!request.isObject()) {
            return error(400, "We could not parse the JSON body of your request. The body must be a JSON object.", null,
                         null, request);
        }
        if (!request.path("model").isTextual() || request.path("model").asText().isBlank()) {
            return error(400, "you must provide a model parameter", null, null, request);
        }
        if (!request.path("input").isTextual()) {
            return error(400, "Missing required parameter: 'input'.", "input", "missing_required_parameter", request);
        }
        String input = request.path("input").asText();
        if (input.length() > MAX_SPEECH_INPUT) {
            return error(400, "Invalid 'input': string too long. Expected a string with maximum length "
                              + MAX_SPEECH_INPUT + ", but got a string with length " + input.length() + " instead.",
                         "input", "string_above_max_length", request);
        }
        JsonNode voice = request.path("voice");
        if (voice.isMissingNode() || voice.isNull()) {
            return error(400, "Missing required parameter: 'voice'.", "voice", "missing_required_parameter", request);
        }
        boolean customVoice = voice.isObject() && voice.path("id").isTextual();
        if (!customVoice && !(voice.isTextual() && VOICES.contains(voice.asText()))) {
            return error(400, "Invalid value: '" + voice.asText(voice.toString()) + "'. Supported values are: "
                              + quotedList(VOICES) + ".", "voice", "invalid_value", request);
        }
        String format = request.path("response_format").asText("mp3");
        if (!SPEECH_FORMATS.contains(format)) {
            return error(400, "Invalid value: '" + format + "'. Supported values are: " + quotedList(SPEECH_FORMATS)
                              + ".", "response_format", "invalid_value", request);
        }
        if (!PRODUCED_FORMATS.contains(format)) {
            return error(400, "The OpenAI stand-in produces 'wav' and 'pcm' audio only, not '" + format + "' ('mp3' is"
                              + " the API's default): send \"response_format\": \"wav\" or \"pcm\".", "response_format",
                         "unsupported_value", request);
        }
        double speed = request.path("speed").asDouble(1.0);
        if (request.has("speed") && (!request.path("speed").isNumber() || speed < 0.25 || speed > 4.0)) {
            return error(400, "Invalid 'speed': must be a number between 0.25 and 4.0.", "speed", "invalid_value",
                         request);
        }
        Optional<Reply> failure = nextFailure(request);
        if (failure.isPresent()) {
            return failure.get();
        }
        short[] samples = SpeechAudio.samples(input, speed);
        return format.equals("wav")
               ? new Reply(200, "audio/wav", SpeechAudio.wav(samples), request)
               : new Reply(200, "audio/pcm", SpeechAudio.pcm(samples), request);
    }

    private ObjectNode verbose(String text, double seconds, Optional<String> language) {
        ObjectNode verbose = json.createObjectNode();
        verbose.put("task", "transcribe");
        String code = language.map(l -> l.toLowerCase(Locale.ROOT)).orElse("en");
        verbose.put("language", LANGUAGE_NAMES.getOrDefault(code, code));
        verbose.put("duration", seconds);
        verbose.put("text", text);
        ArrayNode segments = verbose.putArray("segments");
        ObjectNode segment = segments.addObject();
        segment.put("id", 0);
        segment.put("seek", 0);
        segment.put("start", 0.0);
        segment.put("end", seconds);
        segment.put("text", " " + text);
        ArrayNode tokens = segment.putArray("tokens");
        // One made-up token per word: the stand-in has no tokenizer, and nobody reads these.
        for (int i = 0; i < OpenAiStandIn.words(text).size(); i++) {
            tokens.add(50_364 + i);
        }
        segment.put("temperature", 0.0);
        segment.put("avg_logprob", -0.25);
        segment.put("compression_ratio", 1.0);
        segment.put("no_speech_prob", 0.01);
        ObjectNode usage = verbose.putObject("usage");
        usage.put("type", "duration");
        usage.put("seconds", Math.ceil(seconds));
        return verbose;
    }

    /** How long the file plays: read from a WAVE header; for compressed formats, assumed at 128 kbit/s. */
    private static double duration(String extension, byte[] content) {
        if (content.length == 0) {
            throw new IllegalArgumentException("empty file");
        }
        return extension.equals("wav") ? SpeechAudio.wavSeconds(content) : content.length / 16_000.0;
    }

    private ObjectNode logged(MultipartForm form) {
        ObjectNode logged = json.createObjectNode();
        for (MultipartForm.Part part : form.parts()) {
            if (part.filename().isPresent()) {
                ObjectNode file = logged.putObject(part.name());
                file.put("filename", part.filename().get());
                file.put("contentType", part.contentType().orElse(null));
                file.put("bytes", part.content().length);
            } else {
                logged.put(part.name(), part.text());
            }
        }
        return logged;
    }

    private Reply jsonReply(JsonNode body, JsonNode logged) {
        try {
            return new Reply(200, "application/json", json.writeValueAsBytes(body), logged);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("plain JSON always serialises", e);
        }
    }

    private Reply error(int status, String message, String param, String code, JsonNode logged) {
        try {
            return new Reply(status, "application/json",
                             json.writeValueAsBytes(OpenAiStandIn.errorBody(message, "invalid_request_error", param, code)),
                             logged);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("plain JSON always serialises", e);
        }
    }

    private static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** {@code ['flac', 'm4a']}, as the API's Python-made messages print lists. */
    private static String pythonList(List<String> values) {
        return "[" + String.join(", ", values.stream().map(value -> "'" + value + "'").toList()) + "]";
    }

    private static String quotedList(List<String> values) {
        return String.join(", ", values.stream().map(value -> "'" + value + "'").toList());
    }

    /** {@code 00:00:02,500} (SRT) or {@code 00:00:02.500} (WebVTT). */
    private static String cueTime(double seconds, char separator) {
        long millis = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, millis / 60_000 % 60,
                             millis / 1000 % 60, separator, millis % 1000);
    }
}
