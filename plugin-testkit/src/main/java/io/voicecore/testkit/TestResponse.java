package io.voicecore.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * What a plugin route answered, as an HTTP caller would receive it: the plugin's own response, or the
 * {@code application/problem+json} problem the kernel makes of a {@code PluginProblem}, a denied permission,
 * a timeout, a fault, an unknown route and so on.
 */
public final class TestResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    TestResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body.clone();
    }

    /** @return the HTTP status code */
    public int status() {
        return status;
    }

    /** @return the response headers, including {@code Content-Type} when there is a body and {@code X-Request-Id} */
    public Map<String, String> headers() {
        return headers;
    }

    /** @param name header name, in any case @return the header's value */
    public Optional<String> header(String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                .map(Map.Entry::getValue).findFirst();
    }

    /** @return the media type of the body, e.g. {@code application/json} or {@code application/problem+json} */
    public Optional<String> contentType() {
        return header("Content-Type");
    }

    /** @return the body as UTF-8 text (empty when there is none) */
    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** @return the body bytes */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /**
     * @return the body parsed as JSON (a problem's members are {@code type}, {@code title}, {@code status},
     *         {@code detail}, {@code instance}, {@code requestId} and any extensions)
     * @throws IllegalStateException when the body is not JSON
     */
    public Json json() {
        try {
            return Json.parse(body());
        } catch (JsonException e) {
            throw new IllegalStateException("The response body is not JSON (" + this + "): " + e.getMessage(), e);
        }
    }

    /** Status, content type and body, for assertion messages. */
    @Override
    public String toString() {
        return status + " " + contentType().orElse("(no body)") + " " + body();
    }
}
