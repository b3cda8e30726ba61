package io.voicecore.standins.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.voicecore.sdk.capability.EgressException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.HttpEgress;

/**
 * openai-java-core without OkHttp: the client built from {@link ClientOptions} over {@link EgressHttpClient},
 * a direct executor and a caller-thread sleeper, talking to the stand-in through an {@link HttpEgress}. The
 * egress here is a recording one over the JDK client, standing where a plugin's {@code context.http()} stands.
 */
class EgressBridgedClientTest {
    private static final String KEY = "sk-bridge";
    private static OpenAiStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    /** Sends through the JDK client and remembers every request, as the kernel's egress meters them. */
    private static final class RecordingEgress implements HttpEgress {
        final List<EgressRequest> sent = new ArrayList<>();
        private final HttpClient http = HttpClient.newHttpClient();

        @Override
        public EgressResponse send(EgressRequest request) {
            sent.add(request);
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(request.timeout())
                    .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach((name, value) -> {
                if (!Set.of("host", "content-length", "connection").contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    builder.header(name, value);
                }
            });
            try {
                HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new EgressResponse(response.statusCode(), response.headers().map(), response.body());
            } catch (IOException e) {
                throw new EgressException("the request failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EgressException("interrupted");
            }
        }
    }

    private static OpenAIClient client(HttpEgress egress, String key, int maxRetries) {
        return new OpenAIClientImpl(ClientOptions.builder()
                                            .httpClient(new EgressHttpClient(egress))
                                            .streamHandlerExecutor(Runnable::run)
                                            .sleeper(new EgressHttpClient.CallerThreadSleeper())
                                            .apiKey(key).baseUrl(standIn.baseUrl()).maxRetries(maxRetries)
                                            .timeout(Duration.ofSeconds(10))
                                            .build());
    }

    private static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(question).build();
    }

    /** Live threads by identity: another test's thread of the same name must not hide a new one. */
    private static Set<Thread> threads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    @Test
    void theOfficialClientWorksOverTheEgressCapabilityWithoutStartingThreads() {
        Set<Thread> before = threads();
        RecordingEgress egress = new RecordingEgress();
        standIn.script(List.of(ScriptStep.fail(429).retryAfter(1), ScriptStep.reply("We open at nine")));

        ChatCompletion completion = client(egress, KEY, 2).chat().completions().create(ask("When do you open?"));

        assertEquals("We open at nine", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(4, completion.usage().orElseThrow().completionTokens());
        assertEquals(2, egress.sent.size(), "the retry after 429 went through the egress too");
        assertTrue(egress.sent.get(0).uri().toString().endsWith("/v1/chat/completions"), egress.sent.get(0).uri().toString());
        assertEquals("Bearer " + KEY, egress.sent.get(0).headers().get("Authorization"));
        Set<Thread> startedThreads = threads();
        startedThreads.removeAll(before);
        Set<String> started = startedThreads.stream().map(Thread::getName).collect(Collectors.toSet());
        // The library's own threads: its retry timer ("DefaultSleeper"), stream handlers ("openai-stream-handler-"),
        // OkHttp's dispatcher and connection pool.
        assertTrue(started.stream().noneMatch(name -> name.startsWith("DefaultSleeper") || name.contains("openai")
                                                      || name.contains("OkHttp")),
                   "the library started threads of its own: " + started);
    }

    @Test
    void errorsMapToTheClientsOwnExceptions() {
        assertThrows(UnauthorizedException.class,
                     () -> client(new RecordingEgress(), "sk-wrong", 0).chat().completions().create(ask("Hello")));
    }
}
