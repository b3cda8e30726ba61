package io.voicecore.standins.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/**
 * The stand-in driven by the official OpenAI Java client over real HTTP: if the client can parse what the
 * stand-in sends, and retries what it should, the stand-in speaks the wire format.
 */
class OpenAiStandInTest {
    private static final String KEY = "sk-test-standin-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenAiStandIn standIn;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void reset() throws Exception {
        HttpResponse<String> reset = post("/standin/reset", "");
        assertEquals(204, reset.statusCode());
    }

    private OpenAIClient client(String key, int maxRetries, Duration timeout) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(standIn.baseUrl()).maxRetries(maxRetries)
                .timeout(timeout).build();
    }

    private static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addSystemMessage("You are a receptionist for a dental practice")
                .addUserMessage(question).temperature(0.2).build();
    }

    @Test
    void answersAChatCompletionThatTheOfficialClientParses() {
        ChatCompletion completion = client(KEY, 0, Duration.ofSeconds(10))
                .chat().completions().create(ask("Can I book a cleaning on Tuesday morning?"));

        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
        assertEquals("gpt-4o-mini", completion.model());
        assertEquals(1, completion.choices().size());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(0, choice.index());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertEquals("Stand-in reply to: Can I book a cleaning on Tuesday morning?",
                     choice.message().content().orElseThrow());
        assertTrue(completion.created() > 1_700_000_000L);
    }

    @Test
    void countsTokensAsWordsOfThePromptAndTheReply() throws Exception {
        standIn.script(List.of(ScriptStep.reply("We open at nine")));
        ChatCompletion completion = client(KEY, 0, Duration.ofSeconds(10))
                .chat().completions().create(ask("When do you open?"));

        var usage = completion.usage().orElseThrow();
        // "You are a receptionist for a dental practice" (8) + "When do you open?" (4)
        assertEquals(12, usage.promptTokens());
        assertEquals(4, usage.completionTokens());
        assertEquals(16, usage.totalTokens());
        assertEquals("We open at nine", completion.choices().get(0).message().content().orElseThrow());

        JsonNode logged = JSON.readTree(get("/standin/requests").body()).get(0);
        assertEquals("gpt-4o-mini", logged.path("body").path("model").asText());
        assertEquals(0.2, logged.path("body").path("temperature").asDouble(), 1e-9);
        assertEquals("When do you open?", logged.path("body").path("messages").get(1).path("content").asText());
    }

    @Test
    void maxTokensCutsTheReplyAndReportsLength() {
        standIn.script(List.of(ScriptStep.reply("one two three four five six")));
        ChatCompletion completion = client(KEY, 0, Duration.ofSeconds(10)).chat().completions()
                .create(ask("Count").toBuilder().maxCompletionTokens(3).build());

        assertEquals("one two three", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, completion.choices().get(0).finishReason());
        assertEquals(3, completion.usage().orElseThrow().completionTokens());
    }

    @Test
    void refusesAWrongKeyWithOpenAisErrorShapeAndNeverLogsTheKey() throws Exception {
        UnauthorizedException refused = assertThrows(UnauthorizedException.class,
                () -> client("sk-wrong-key", 0, Duration.ofSeconds(10)).chat().completions().create(ask("Hello")));
        assertEquals(401, refused.statusCode());
        assertEquals("invalid_api_key", refused.code().orElseThrow());
        assertEquals("invalid_request_error", refused.type().orElseThrow());

        HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + "/chat/completions"))
                                                     .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                             HttpResponse.BodyHandlers.ofString());
        assertEquals(401, raw.statusCode());
        JsonNode error = JSON.readTree(raw.body()).path("error");
        assertTrue(error.path("message").isTextual());
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(error.has("param") && error.path("param").isNull());
        assertEquals("invalid_api_key", error.path("code").asText());

        String log = get("/standin/requests").body();
        assertFalse(log.contains("sk-wrong-key"), log);
        assertFalse(JSON.readTree(log).get(0).path("authorized").asBoolean());
    }

    @Test
    void theClientRetriesA429AfterRetryAfterAndThenSucceeds() throws Exception {
        standIn.script(List.of(ScriptStep.fail(429).retryAfter(1), ScriptStep.reply("Booked for Tuesday")));
        long started = System.nanoTime();
        ChatCompletion completion = client(KEY, 2, Duration.ofSeconds(10)).chat().completions()
                .create(ask("Book me in"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("Booked for Tuesday", completion.choices().get(0).message().content().orElseThrow());
        assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "the client should wait for retry-after, took " + took);
        JsonNode log = JSON.readTree(get("/standin/requests").body());
        assertEquals(2, log.size());
        assertEquals(429, log.get(0).path("status").asInt());
        assertEquals(200, log.get(1).path("status").asInt());
        assertEquals("1", log.get(1).path("headers").path("x-stainless-retry-count").asText());
    }

    @Test
    void withoutRetriesA429SurfacesAsRateLimitWithOpenAisCode() {
        standIn.script(List.of(ScriptStep.fail(429).retryAfter(3)));
        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> client(KEY, 0, Duration.ofSeconds(10)).chat().completions().create(ask("Hello")));
        assertEquals("rate_limit_exceeded", limited.code().orElseThrow());
        assertEquals("3", limited.headers().values("retry-after").get(0));
    }

    @Test
    void scriptedServerErrorsAreRetriedAndThenReported() throws Exception {
        standIn.script(List.of(ScriptStep.fail(500), ScriptStep.fail(500)));
        InternalServerException failed = assertThrows(InternalServerException.class,
                () -> client(KEY, 1, Duration.ofSeconds(10)).chat().completions().create(ask("Hello")));
        assertEquals(500, failed.statusCode());
        assertEquals("server_error", failed.type().orElseThrow());
        assertEquals(2, JSON.readTree(get("/standin/requests").body()).size());
    }

    @Test
    void aSlowReplyTripsTheClientsTimeout() {
        standIn.script(List.of(ScriptStep.reply("too late").delayed(2_000)));
        assertThrows(OpenAIIoException.class,
                () -> client(KEY, 0, Duration.ofMillis(400)).chat().completions().create(ask("Hello")));
    }

    @Test
    void theScriptCanBeProgrammedOverHttp() throws Exception {
        HttpResponse<String> scripted = post("/standin/script",
                "{\"steps\":[{\"reply\":\"First answer\"},{\"fail\":500,\"message\":\"boom\"}]}");
        assertEquals(200, scripted.statusCode(), scripted.body());
        OpenAIClient client = client(KEY, 0, Duration.ofSeconds(10));

        assertEquals("First answer", client.chat().completions().create(ask("One")).choices().get(0).message()
                .content().orElseThrow());
        InternalServerException failed = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(ask("Two")));
        assertTrue(failed.getMessage().contains("boom"), failed.getMessage());
        // The script is used up: the default echo answers again.
        assertEquals("Stand-in reply to: Three", client.chat().completions().create(ask("Three")).choices().get(0)
                .message().content().orElseThrow());

        HttpResponse<String> invalid = post("/standin/script", "{\"steps\":[{\"reply\":\"x\",\"fail\":500}]}");
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("exactly one of"), invalid.body());
    }

    @Test
    void malformedRequestsGetOpenAisValidationErrors() throws Exception {
        HttpResponse<String> noModel = http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + "/chat/completions"))
                                                         .header("Authorization", "Bearer " + KEY)
                                                         .POST(HttpRequest.BodyPublishers.ofString(
                                                                 "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                                         .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noModel.statusCode());
        assertEquals("invalid_request_error", JSON.readTree(noModel.body()).path("error").path("type").asText());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + path))
                                 .header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
