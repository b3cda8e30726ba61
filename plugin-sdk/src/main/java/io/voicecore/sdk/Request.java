package io.voicecore.sdk;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * An HTTP request to a plugin route. Authentication, tenant resolution, rate limiting and the body
 * size limit were already applied by the kernel.
 *
 * <p>On an ordinary route the kernel has read the whole body (at most {@code http.max-body-bytes}) into
 * {@link #body()}. On a route declared with {@code stream: true} in {@code plugin.yaml} it has not: the
 * body arrives as it is sent, through {@link #bodyStream()} (bounded by {@code plugins.max-stream-bytes}),
 * and {@link #body()}, {@link #bodyText()} and {@link #json()} are not available.
 *
 * @param method      the method
 * @param path        the path relative to the plugin's base, e.g. {@code /contacts/42}
 * @param pathParams  values of the route's {@code {name}} segments
 * @param queryParams query parameters (each may repeat)
 * @param headers     request headers, names in lower case
 * @param body        the body bytes (empty when there is none, and on a streaming route)
 * @param caller      who made the request
 * @param streamedBody the body as it arrives, on a streaming route; empty on an ordinary route
 */
public record Request(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
                      Map<String, String> headers, byte[] body, Caller caller, Optional<InputStream> streamedBody) {

    /** Copies the maps and the body, so the request cannot change under the handler. */
    public Request {
        pathParams = Map.copyOf(pathParams);
        queryParams = Map.copyOf(queryParams);
        headers = Map.copyOf(headers);
        body = body.clone();
        java.util.Objects.requireNonNull(streamedBody, "streamedBody");
        if (streamedBody.isPresent() && body.length > 0) {
            throw new IllegalArgumentException("a request has either body bytes or a streamed body, not both");
        }
    }

    /**
     * A request whose body was read whole.
     *
     * @param method      the method
     * @param path        the path relative to the plugin's base
     * @param pathParams  values of the route's {@code {name}} segments
     * @param queryParams query parameters
     * @param headers     request headers, names in lower case
     * @param body        the body bytes
     * @param caller      who made the request
     */
    public Request(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
                   Map<String, String> headers, byte[] body, Caller caller) {
        this(method, path, pathParams, queryParams, headers, body, caller, Optional.empty());
    }

    /** @return whether the body is streamed (the route is declared with {@code stream: true}) rather than read whole */
    public boolean streamed() {
        return streamedBody.isPresent();
    }

    /**
     * The body as a stream. On a streaming route it is the body as it arrives, unbuffered: read it once, from the
     * handler (reading it elsewhere or later fails). When the body exceeds {@code plugins.max-stream-bytes} a read
     * fails with an {@code IOException} and the kernel answers 413 whatever the handler returns. On an ordinary route
     * it reads {@link #body()}.
     *
     * @return the body
     */
    public InputStream bodyStream() {
        return streamedBody.orElseGet(() -> new ByteArrayInputStream(body));
    }

    /** @param name parameter name @return the path parameter */
    public Optional<String> pathParam(String name) {
        return Optional.ofNullable(pathParams.get(name));
    }

    /** @param name parameter name @return the first value of the query parameter */
    public Optional<String> query(String name) {
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** @param name header name, any case @return the header value */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * @return the body as UTF-8 text
     * @throws IllegalStateException on a streaming route; read {@link #bodyStream()} instead
     */
    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /**
     * @return the body parsed as JSON
     * @throws PluginProblem 400 when the body is not valid JSON, 415 when it is not declared as JSON
     * @throws IllegalStateException on a streaming route; read {@link #bodyStream()} instead
     */
    public Json json() {
        String type = header("content-type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new PluginProblem(415, "unsupported-media-type", "Send the body as 'Content-Type: application/json'.");
        }
        try {
            return Json.parse(bodyText());
        } catch (JsonException e) {
            throw new PluginProblem(400, "malformed-body", "The request body is not valid JSON: " + e.getMessage());
        }
    }

    /**
     * @return a copy of the body bytes
     * @throws IllegalStateException on a streaming route, whose body the kernel did not read; use {@link #bodyStream()}
     */
    @Override
    public byte[] body() {
        if (streamedBody.isPresent()) {
            throw new IllegalStateException("The route " + method + " " + path + " streams its body (stream: true in plugin.yaml); "
                                            + "read it with request.bodyStream()");
        }
        return body.clone();
    }
}
