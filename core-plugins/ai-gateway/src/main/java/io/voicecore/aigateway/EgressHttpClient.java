package io.voicecore.aigateway;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.openai.core.RequestOptions;
import com.openai.core.Sleeper;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import io.voicecore.sdk.capability.EgressException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.HttpEgress;

/**
 * The transport the gateway gives the official OpenAI client instead of OkHttp: every request goes through
 * the kernel's egress ({@code context.http()}), so it is permission-checked, limited to the manifest's hosts,
 * metered and audited. Synchronous on the plugin call's thread; the asynchronous form completes on the same
 * thread, so the library never needs a thread of its own (it would be refused one).
 */
final class EgressHttpClient implements HttpClient {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private final HttpEgress egress;

    EgressHttpClient(HttpEgress egress) {
        this.egress = egress;
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.put(name, String.join(", ", request.headers().values(name)));
        }
        byte[] body = new byte[0];
        HttpRequestBody content = request.body();
        if (content != null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            content.writeTo(bytes);
            body = bytes.toByteArray();
            headers.put("Content-Type", content.contentType());
        }
        Timeout timeout = options.getTimeout();
        Duration limit = timeout == null ? DEFAULT_TIMEOUT : timeout.request();
        EgressResponse response;
        try {
            response = egress.send(new EgressRequest(request.method().name(), URI.create(request.url()), headers, body, limit));
        } catch (EgressException e) {
            // Reported as the client reports an I/O failure; a PermissionDeniedException passes through untouched.
            throw new OpenAIIoException("request through the egress failed: " + e.getMessage(), e);
        }
        return new EgressHttpResponse(response);
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
        try {
            return CompletableFuture.completedFuture(execute(request, options));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        // Nothing to release: the egress belongs to the kernel.
    }

    /** An egress response as the client reads it. */
    private record EgressHttpResponse(EgressResponse response) implements HttpResponse {
        @Override
        public int statusCode() {
            return response.status();
        }

        @Override
        public Headers headers() {
            Headers.Builder headers = Headers.builder();
            response.headers().forEach((name, values) -> headers.put(name, (Iterable<String>) List.copyOf(values)));
            return headers.build();
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(response.body());
        }

        @Override
        public void close() {
        }
    }

    /**
     * Waits on the caller's thread (within the call's deadline) instead of the client's default sleeper, which
     * starts a timer thread. The gateway turns the client's own retries off, so this is a safety net.
     */
    static final class CallerThreadSleeper implements Sleeper {
        @Override
        public void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenAIIoException("interrupted while waiting to retry", e);
            }
        }

        @Override
        public CompletableFuture<Void> sleepAsync(Duration duration) {
            sleep(duration);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }
}
