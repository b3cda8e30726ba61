package io.voicecore.standins.openai;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A local stand-in for the OpenAI API: {@code POST /v1/chat/completions}, {@code POST /v1/audio/transcriptions} and
 * {@code POST /v1/audio/speech} in the real wire format, with the API-key check, deterministic replies, programmable
 * failures and a request log, so that tests and local runs need neither an OpenAI account nor the network.
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} — needs {@code Authorization: Bearer <key>} with one of the accepted
 *       keys (401 {@code invalid_api_key} otherwise). Answers with the next scripted step, or, when the script
 *       is empty, with {@code "Stand-in reply to: <the last user message, up to 12 words>"}. Tokens are words
 *       (runs of non-whitespace): prompt tokens count every message's text, completion tokens the reply's;
 *       {@code max_tokens} (or {@code max_completion_tokens}) cuts the reply to that many words and sets
 *       {@code finish_reason} to {@code length}.</li>
 *   <li>{@code POST /v1/audio/transcriptions} — a {@code multipart/form-data} upload ({@code file}, {@code model},
 *       optional {@code language}, {@code prompt}, {@code response_format} json, text, verbose_json, srt or vtt),
 *       checked as the API checks it; the text is the next scripted transcription, else the default one.</li>
 *   <li>{@code POST /v1/audio/speech} — JSON {@code model}, {@code input}, {@code voice}, {@code response_format},
 *       {@code speed}; answers real {@code wav} or {@code pcm} (24 kHz 16-bit mono) audio whose length grows with
 *       the input, and 400 for the compressed formats, which the stand-in cannot produce.</li>
 *   <li>{@code POST /standin/script} — {@code {"steps": [...]}} (see {@link ScriptStep}) replaces the script;
 *       each chat completion that passes the key check takes the next step.</li>
 *   <li>{@code POST /standin/transcriptions} — {@code {"texts": [...], "defaultText": "..."}} replaces the queue of
 *       transcription texts (and, when given, the default text).</li>
 *   <li>{@code GET /standin/requests} — every request received, oldest first (see {@link RecordedRequest}).</li>
 *   <li>{@code POST /standin/reset} — empties both scripts, the transcription queue and the request log.</li>
 * </ul>
 * The {@code /standin} endpoints need no key: the stand-in listens on the loopback address by default.
 *
 * <p>Start by hand with {@code java -cp ... io.voicecore.standins.openai.OpenAiStandIn --port 4010 --key sk-local}.
 */
public final class OpenAiStandIn implements AutoCloseable {
    /** The key accepted when none is configured. */
    public static final String DEFAULT_KEY = "sk-standin";
    /** How many words of the last user message the default reply repeats. */
    static final int SUMMARY_WORDS = 12;

    private static final Logger LOG = Logger.getLogger(OpenAiStandIn.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Set<String> keys;
    private final Clock clock;
    private final Deque<ScriptStep> script = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong completions = new AtomicLong();
    private final AudioEndpoints audio = new AudioEndpoints(JSON);
    private final WebServer server;

    private OpenAiStandIn(String host, int port, Set<String> keys, Clock clock) {
        this.keys = Set.copyOf(keys);
        this.clock = clock;
        HttpRouting.Builder routing = HttpRouting.builder()
                .post("/v1/chat/completions", this::chatCompletion)
                .post("/v1/audio/transcriptions", this::transcription)
                .post("/v1/audio/speech", this::speech)
                .post("/standin/script", this::replaceScript)
                .post("/standin/transcriptions", this::replaceTranscriptions)
                .post("/standin/audio-script", this::replaceAudioScript)
                .get("/standin/requests", this::listRequests)
                .post("/standin/reset", this::reset);
        this.server = WebServer.builder().host(host).port(port).shutdownHook(false).routing(routing).build().start();
    }

    /**
     * Starts a stand-in on the loopback address.
     *
     * @param port the port, 0 for a free one
     * @param keys the API keys accepted; must not be empty
     * @return the running stand-in
     */
    public static OpenAiStandIn start(int port, Set<String> keys) {
        return start("127.0.0.1", port, keys, Clock.systemUTC());
    }

    /**
     * Starts a stand-in.
     *
     * @param host  the address to listen on
     * @param port  the port, 0 for a free one
     * @param keys  the API keys accepted; must not be empty
     * @param clock gives the {@code created} time of completions
     * @return the running stand-in
     */
    public static OpenAiStandIn start(String host, int port, Set<String> keys, Clock clock) {
        if (keys.isEmpty() || keys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("the stand-in needs at least one non-blank API key to accept");
        }
        return new OpenAiStandIn(host, port, keys, clock);
    }

    /** @return the port it listens on */
    public int port() {
        return server.port();
    }

    /** @return the base URL to give an OpenAI client, e.g. {@code http://127.0.0.1:4010/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Replaces the script (as {@code POST /standin/script} does). */
    public void script(List<ScriptStep> steps) {
        synchronized (script) {
            script.clear();
            script.addAll(steps);
        }
    }

    /**
     * Replaces the queue of transcription texts (as {@code POST /standin/transcriptions} does): each
     * {@code POST /v1/audio/transcriptions} that passes the checks answers with the first text left, and the default
     * text once the queue is empty.
     */
    public void scriptTranscriptions(List<String> texts) {
        audio.scriptTranscriptions(texts);
    }

    /**
     * Replaces the script of audio requests (as {@code POST /standin/audio-script} does): each
     * {@code POST /v1/audio/transcriptions} or {@code POST /v1/audio/speech} that passes the key check and the
     * request checks takes the next step, which must be a failure ({@link ScriptStep#fail}, with its
     * {@code retryAfter}, message and delay); once the script is empty, audio requests are answered normally.
     *
     * @throws IllegalArgumentException when a step is a reply: audio answers are not scripted that way
     */
    public void scriptAudio(List<ScriptStep> steps) {
        audio.scriptFailures(steps);
    }

    /** Sets the text a transcription answers when the queue is empty ({@value AudioEndpoints#DEFAULT_TRANSCRIPTION} by default). */
    public void defaultTranscription(String text) {
        audio.defaultTranscription(text);
    }

    /** @return every request received since the start or the last reset, oldest first */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop();
    }

    private void chatCompletion(ServerRequest req, ServerResponse res) throws Exception {
        long received = sequence.incrementAndGet();
        var receivedAt = clock.instant();
        byte[] raw = req.content().as(byte[].class);
        JsonNode body = parse(raw).orElse(NullNode.getInstance());
        boolean authorized = authorized(req);
        Answer answer;
        if (!authorized) {
            answer = unauthorizedAnswer();
        } else {
            answer = validationProblem(body).orElseGet(() -> answer(body, nextStep()));
        }
        // Logged before a scripted delay, so that a test can see a slow request while it is in flight.
        requests.add(new RecordedRequest(received, receivedAt, "POST", req.path().path(), headers(req), authorized, body,
                                         answer.status()));
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException stopping) {
                // The stand-in is closing: the caller has gone or will see the connection drop.
                Thread.currentThread().interrupt();
                return;
            }
        }
        res.status(Status.create(answer.status()));
        answer.retryAfterSeconds().ifPresent(seconds -> res.header("retry-after", Integer.toString(seconds)));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header("x-request-id", "req_standin_" + received);
        res.send(JSON.writeValueAsBytes(answer.json()));
    }

    private void transcription(ServerRequest req, ServerResponse res) throws Exception {
        long received = sequence.incrementAndGet();
        var receivedAt = clock.instant();
        byte[] raw = req.content().as(byte[].class);
        boolean authorized = authorized(req);
        AudioEndpoints.Reply reply = authorized
                                     ? audio.transcription(req.headers().first(HeaderNames.CONTENT_TYPE), raw)
                                     : unauthorized();
        requests.add(new RecordedRequest(received, receivedAt, "POST", req.path().path(), headers(req), authorized,
                                         reply.logged(), reply.status()));
        send(res, received, reply);
    }

    private void speech(ServerRequest req, ServerResponse res) throws Exception {
        long received = sequence.incrementAndGet();
        var receivedAt = clock.instant();
        byte[] raw = req.content().as(byte[].class);
        boolean authorized = authorized(req);
        AudioEndpoints.Reply reply = authorized ? audio.speech(raw) : unauthorized();
        JsonNode logged = authorized ? reply.logged() : parse(raw).orElse(NullNode.getInstance());
        requests.add(new RecordedRequest(received, receivedAt, "POST", req.path().path(), headers(req), authorized,
                                         logged, reply.status()));
        send(res, received, reply);
    }

    private static AudioEndpoints.Reply unauthorized() throws JsonProcessingException {
        Answer refused = unauthorizedAnswer();
        return new AudioEndpoints.Reply(refused.status(), "application/json", JSON.writeValueAsBytes(refused.json()),
                                        NullNode.getInstance());
    }

    private static Answer unauthorizedAnswer() {
        return Answer.error(401, "Incorrect API key provided. Send 'Authorization: Bearer <key>' with a key the"
                                 + " stand-in was started with (--key).", "invalid_request_error", "invalid_api_key");
    }

    private static void send(ServerResponse res, long received, AudioEndpoints.Reply reply) {
        if (reply.delayMillis() > 0) {
            try {
                Thread.sleep(reply.delayMillis());
            } catch (InterruptedException stopping) {
                // The stand-in is closing: the caller has gone or will see the connection drop.
                Thread.currentThread().interrupt();
                return;
            }
        }
        res.status(Status.create(reply.status()));
        reply.retryAfterSeconds().ifPresent(seconds -> res.header("retry-after", Integer.toString(seconds)));
        res.header(HeaderNames.CONTENT_TYPE, reply.contentType());
        res.header("x-request-id", "req_standin_" + received);
        res.send(reply.body());
    }

    private Optional<ScriptStep> nextStep() {
        synchronized (script) {
            return Optional.ofNullable(script.pollFirst());
        }
    }

    private boolean authorized(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            return false;
        }
        String value = header.get().strip();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) && keys.contains(value.substring(7).strip());
    }

    /** The checks the real API makes first, in its words. */
    private static Optional<Answer> validationProblem(JsonNode body) {
        if (!body.isObject()) {
            return Optional.of(Answer.error(400, "We could not parse the JSON body of your request. The body must be a"
                                                 + " JSON object.", "invalid_request_error", null));
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isBlank()) {
            return Optional.of(Answer.error(400, "you must provide a model parameter", "invalid_request_error", null));
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return Optional.of(Answer.error(400, "[] is too short - 'messages'", "invalid_request_error", null));
        }
        for (JsonNode message : messages) {
            if (!message.path("role").isTextual()) {
                return Optional.of(Answer.error(400, "Missing required parameter: 'messages[].role'.",
                                                "invalid_request_error", null));
            }
        }
        return Optional.empty();
    }

    private Answer answer(JsonNode body, Optional<ScriptStep> step) {
        long delay = step.map(ScriptStep::delayMillis).orElse(0L);
        if (step.isPresent() && step.get().failStatus().isPresent()) {
            return failure(step.get()).withDelay(delay);
        }
        String content = step.flatMap(ScriptStep::reply).orElseGet(() -> defaultReply(body));
        List<String> words = words(content);
        int limit = maxTokens(body);
        String finishReason = "stop";
        if (words.size() > limit) {
            content = String.join(" ", words.subList(0, limit));
            words = words.subList(0, limit);
            finishReason = "length";
        }
        int choicesWanted = Math.max(1, body.path("n").asInt(1));
        int promptTokens = 0;
        for (JsonNode message : body.path("messages")) {
            promptTokens += words(text(message.path("content"))).size();
        }
        int completionTokens = words.size() * choicesWanted;

        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", "chatcmpl-standin-" + completions.incrementAndGet());
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", body.path("model").asText());
        ArrayNode choices = completion.putArray("choices");
        for (int index = 0; index < choicesWanted; index++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", content);
            message.putNull("refusal");
            message.putArray("annotations");
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
        }
        ObjectNode usage = completion.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        completion.put("service_tier", "default");
        completion.put("system_fingerprint", "fp_standin");
        return new Answer(200, completion, Optional.empty(), delay);
    }

    /** The error a failing step answers with, in OpenAI's words for its status. */
    static Answer failure(ScriptStep step) {
        int status = step.failStatus().orElseThrow();
        Answer answer = switch (status) {
            case 429 -> Answer.error(429, step.message().orElse("Rate limit reached for requests (scripted by the"
                                                                + " stand-in). Please try again later."),
                                     "requests", "rate_limit_exceeded");
            case 401 -> Answer.error(401, step.message().orElse("Incorrect API key provided (scripted by the stand-in)."),
                                     "invalid_request_error", "invalid_api_key");
            default -> status >= 500
                    ? Answer.error(status, step.message().orElse("The server had an error while processing your request."
                                                                 + " Sorry about that! (scripted by the stand-in)"),
                                   "server_error", null)
                    : Answer.error(status, step.message().orElse("The request was refused (scripted by the stand-in)."),
                                   "invalid_request_error", null);
        };
        return new Answer(answer.status(), answer.json(), step.retryAfterSeconds(), 0);
    }

    private static String defaultReply(JsonNode body) {
        String lastUser = "";
        for (JsonNode message : body.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                lastUser = text(message.path("content"));
            }
        }
        List<String> words = words(lastUser);
        String summary = String.join(" ", words.subList(0, Math.min(SUMMARY_WORDS, words.size())));
        return "Stand-in reply to: " + summary + (words.size() > SUMMARY_WORDS ? " ..." : "");
    }

    private static int maxTokens(JsonNode body) {
        JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.path("max_completion_tokens")
                                                                   : body.path("max_tokens");
        return limit.canConvertToInt() && limit.asInt() > 0 ? limit.asInt() : Integer.MAX_VALUE;
    }

    /** A message's text: a string, or the text parts of a content array. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                text.append(part.path("text").asText()).append(' ');
            }
        }
        return text.toString();
    }

    /** The stand-in's tokens: runs of non-whitespace. */
    static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
    }

    private void replaceScript(ServerRequest req, ServerResponse res) throws Exception {
        replaceSteps(req, res, this::script);
    }

    private void replaceAudioScript(ServerRequest req, ServerResponse res) throws Exception {
        replaceSteps(req, res, this::scriptAudio);
    }

    /** Reads {@code {"steps": [...]}} and hands the steps to {@code replace}; 400 saying what is wrong otherwise. */
    private static void replaceSteps(ServerRequest req, ServerResponse res, java.util.function.Consumer<List<ScriptStep>> replace)
            throws Exception {
        Optional<JsonNode> body = parse(req.content().as(byte[].class));
        List<ScriptStep> steps = new ArrayList<>();
        try {
            JsonNode list = body.map(b -> b.path("steps")).filter(JsonNode::isArray)
                    .orElseThrow(() -> new IllegalArgumentException("send {\"steps\": [...]} with a list of steps such as"
                                                                    + " {\"reply\": \"Hello\"} or {\"fail\": 429,"
                                                                    + " \"retryAfterSeconds\": 1}"));
            for (JsonNode step : list) {
                steps.add(new ScriptStep(optionalText(step, "reply"), optionalInt(step, "fail"),
                                         optionalInt(step, "retryAfterSeconds"), optionalText(step, "message"),
                                         step.path("delayMillis").asLong(0)));
            }
            replace.accept(steps);
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(JSON.writeValueAsBytes(Answer.error(400, e.getMessage(), "invalid_request_error", null).json()));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(JSON.writeValueAsBytes(Map.of("steps", steps.size())));
    }

    private void replaceTranscriptions(ServerRequest req, ServerResponse res) throws Exception {
        Optional<JsonNode> body = parse(req.content().as(byte[].class));
        JsonNode texts = body.map(b -> b.path("texts")).orElse(NullNode.getInstance());
        JsonNode defaultText = body.map(b -> b.path("defaultText")).orElse(NullNode.getInstance());
        List<String> queued = new ArrayList<>();
        texts.forEach(text -> queued.add(text.isTextual() ? text.asText() : null));
        boolean textsValid = texts.isArray() && !queued.contains(null);
        boolean defaultValid = defaultText.isMissingNode() || defaultText.isTextual();
        if (!textsValid || !defaultValid) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(JSON.writeValueAsBytes(errorBody("send {\"texts\": [\"first transcription\", ...]} and,"
                                                           + " optionally, \"defaultText\": \"...\" for when the"
                                                           + " queue is empty; every text must be a string",
                                                           "invalid_request_error", null, null)));
            return;
        }
        scriptTranscriptions(queued);
        if (defaultText.isTextual()) {
            defaultTranscription(defaultText.asText());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(JSON.writeValueAsBytes(Map.of("queued", audio.pendingTranscriptions())));
    }

    private void listRequests(ServerRequest req, ServerResponse res) throws Exception {
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsBytes(requests()));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        script(List.of());
        audio.reset();
        requests.clear();
        sequence.set(0);
        res.status(Status.NO_CONTENT_204).send();
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.path(field).asText()) : Optional.empty();
    }

    private static Optional<Integer> optionalInt(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            return Optional.empty();
        }
        if (!node.path(field).canConvertToInt()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number");
        }
        return Optional.of(node.path(field).asInt());
    }

    private static Optional<JsonNode> parse(byte[] raw) {
        if (raw.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(new String(raw, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> headers(ServerRequest req) {
        Map<String, String> headers = new TreeMap<>();
        for (Header header : req.headers()) {
            String name = header.name().toLowerCase(java.util.Locale.ROOT);
            if (!name.equals("authorization") && !name.equals("cookie")) {
                headers.put(name, header.values());
            }
        }
        return headers;
    }

    /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}, nulls included. */
    static ObjectNode errorBody(String message, String type, String param, String code) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode detail = error.putObject("error");
        detail.put("message", message);
        detail.put("type", type);
        detail.put("param", param);
        detail.put("code", code);
        return error;
    }

    /** One answer to a chat completion request, or a scripted failure of any request. */
    record Answer(int status, JsonNode json, Optional<Integer> retryAfterSeconds, long delayMillis) {
        static Answer error(int status, String message, String type, String code) {
            return new Answer(status, errorBody(message, type, null, code), Optional.empty(), 0);
        }

        Answer withDelay(long millis) {
            return new Answer(status, json, retryAfterSeconds, millis);
        }
    }

    /**
     * Starts a stand-in and keeps it running until the process is stopped.
     *
     * @param args {@code --port N} (default 4010), {@code --host H} (default 127.0.0.1), {@code --key K}
     *             (repeatable; default {@value #DEFAULT_KEY})
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 4010;
        String host = "127.0.0.1";
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; usage: --port N --host H --key K");
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> port = Integer.parseInt(value);
                case "--host" -> host = value;
                case "--key" -> keys.add(value);
                default -> throw new IllegalArgumentException("unknown option " + option
                                                              + "; usage: --port N --host H --key K (repeatable)");
            }
        }
        if (keys.isEmpty()) {
            keys.add(DEFAULT_KEY);
        }
        OpenAiStandIn standIn = start(host, port, keys, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close));
        LOG.info("OpenAI stand-in listening on http://" + host + ":" + standIn.port() + "/v1 accepting "
                 + keys.size() + " key(s)");
        Thread.currentThread().join();
    }
}
