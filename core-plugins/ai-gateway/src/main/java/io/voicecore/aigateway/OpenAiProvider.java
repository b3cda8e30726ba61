package io.voicecore.aigateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import io.voicecore.aigateway.api.Message;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.HttpEgress;

/**
 * Chat completions, transcriptions and speech with the official openai-java client (the kernel's platform library {@code openai-java}),
 * its HTTP going through the gateway's egress. The client's own retries are off: {@link Gateway} retries,
 * with the tenant's backoff, and counts failures for the circuit breaker.
 */
final class OpenAiProvider implements ModelProvider, SpeechProvider {
    /** The name the utterance is uploaded under: the API tells the audio format by the extension. */
    static final String UTTERANCE_FILE = "utterance.wav";

    private final OpenAIClient client;

    /**
     * @param egress  the gateway's egress for this call
     * @param baseUrl the API's base URL, e.g. {@code https://api.openai.com/v1}
     * @param apiKey  the tenant's key; sent only in the Authorization header of egress requests
     * @param timeout how long one request may take
     */
    OpenAiProvider(HttpEgress egress, String baseUrl, String apiKey, Duration timeout) {
        this.client = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(new EgressHttpClient(egress))
                .streamHandlerExecutor(Runnable::run)
                .sleeper(new EgressHttpClient.CallerThreadSleeper())
                .maxRetries(0)
                .timeout(timeout)
                .apiKey(apiKey)
                .baseUrl(baseUrl)
                .build());
    }

    @Override
    public ProviderReply complete(ProviderRequest request) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(request.model());
        for (Message message : request.messages()) {
            switch (message.role()) {
                case SYSTEM -> params.addSystemMessage(message.text());
                case USER -> params.addUserMessage(message.text());
                case ASSISTANT -> params.addAssistantMessage(message.text());
            }
        }
        request.maxTokens().ifPresent(max -> params.maxCompletionTokens(max.longValue()));
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params.build());
        } catch (RuntimeException e) {
            throw failure(e);
        }
        String text = completion.choices().isEmpty() ? "" : completion.choices().get(0).message().content().orElse("");
        Optional<CompletionUsage> usage = completion.usage();
        return new ProviderReply(text, completion.model(), usage.map(u -> (int) u.promptTokens()).orElse(0),
                                 usage.map(u -> (int) u.completionTokens()).orElse(0));
    }

    @Override
    public String transcribe(String model, byte[] wav, Optional<String> language) {
        TranscriptionCreateParams.Builder params = TranscriptionCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new ByteArrayInputStream(wav)).filename(UTTERANCE_FILE)
                              .contentType("audio/wav").build())
                .model(model)
                .responseFormat(AudioResponseFormat.JSON);
        language.ifPresent(params::language);
        try {
            return client.audio().transcriptions().create(params.build()).asTranscription().text();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public byte[] speak(String model, String text, String voice, Optional<String> instructions) {
        SpeechCreateParams.Builder params = SpeechCreateParams.builder()
                .model(model)
                .input(text)
                .voice(voice)
                .responseFormat(SpeechCreateParams.ResponseFormat.PCM);
        instructions.ifPresent(params::instructions);
        try (HttpResponse response = client.audio().speech().create(params.build())) {
            return response.body().readAllBytes();
        } catch (IOException e) {
            throw new ProviderFailure.Timeout("reading the speech failed: " + e.getMessage());
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    /** The client's outcome as the gateway's failure; the egress's permission error is kept as it is. */
    private static ProviderFailure failure(RuntimeException thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof PermissionDeniedException denied) {
                return new ProviderFailure.PermissionDenied(denied);
            }
        }
        if (thrown instanceof OpenAIServiceException service) {
            int status = service.statusCode();
            if (status == 429) {
                return new ProviderFailure.RateLimited(retryAfter(service.headers().values("retry-after")));
            }
            if (status == 401 || status == 403) {
                return new ProviderFailure.Unauthorized();
            }
            if (status >= 500) {
                return new ProviderFailure.ServerError(status);
            }
            return new ProviderFailure.Rejected(status);
        }
        if (thrown instanceof OpenAIIoException io) {
            return new ProviderFailure.Timeout(io.getMessage());
        }
        return new ProviderFailure.Timeout(thrown.getClass().getSimpleName() + ": " + thrown.getMessage());
    }

    private static Optional<Duration> retryAfter(List<String> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(values.get(0).trim());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) (seconds * 1000)));
        } catch (NumberFormatException e) {
            // An HTTP date: not worth parsing for a wait the backoff caps anyway.
            return Optional.empty();
        }
    }
}
