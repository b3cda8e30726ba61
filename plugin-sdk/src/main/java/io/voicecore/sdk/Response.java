package io.voicecore.sdk;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.voicecore.sdk.json.Json;

/**
 * What a route answers: a body held in memory, or a streamed body written after the handler returns
 * ({@link #stream(int, String, BodyWriter)}).
 *
 * @param status      HTTP status code
 * @param contentType media type of the body, or {@code null} without a body
 * @param headers     further headers
 * @param body        the body bytes (empty for a streamed response)
 * @param bodyWriter  writes the body of a streamed response; empty when the body is {@code body}
 */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body, Optional<BodyWriter> bodyWriter) {

    /** Validates the status and copies the body. */
    public Response {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599, not " + status);
        }
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
        Objects.requireNonNull(bodyWriter, "bodyWriter");
        if (bodyWriter.isPresent() && (contentType == null || body.length > 0)) {
            throw new IllegalArgumentException("a streamed response needs a content type and no body bytes");
        }
    }

    /**
     * A response whose body is held in memory.
     *
     * @param status      HTTP status code
     * @param contentType media type of the body, or {@code null} without a body
     * @param headers     further headers
     * @param body        the body bytes
     */
    public Response(int status, String contentType, Map<String, String> headers, byte[] body) {
        this(status, contentType, headers, body, Optional.empty());
    }

    /** @param value the body @return 200 with a JSON body */
    public static Response ok(Json value) {
        return json(200, value);
    }

    /** @param value the body @return 201 with a JSON body */
    public static Response created(Json value) {
        return json(201, value);
    }

    /** @param status the status @param value the body @return a JSON response */
    public static Response json(int status, Json value) {
        return new Response(status, "application/json", Map.of(), value.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @param status the status @param contentType media type @param text the body @return a text response */
    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return 204 without a body */
    public static Response noContent() {
        return new Response(204, null, Map.of(), new byte[0]);
    }

    /**
     * A response whose body is written by {@code writer} after the handler returns, straight to the caller, so it
     * need not fit in memory (e.g. an export of 100,000 rows). The writer runs in the same call as the handler: the
     * same context, deadline and allocation allowance; every byte written adds to the allowance (see the plugin
     * developer guide, "Streaming"). When the writer throws, the transfer is cut off, never ended as if complete.
     *
     * @param status      the status, sent before the body
     * @param contentType media type of the body, e.g. {@code text/csv; charset=utf-8}
     * @param writer      writes the body
     * @return a streamed response
     */
    public static Response stream(int status, String contentType, BodyWriter writer) {
        return new Response(status, Objects.requireNonNull(contentType, "contentType"), Map.of(), new byte[0],
                            Optional.of(Objects.requireNonNull(writer, "writer")));
    }

    /** @return whether the body is written by {@link #bodyWriter()} rather than held in {@link #body()} */
    public boolean streamed() {
        return bodyWriter.isPresent();
    }

    /** @param name header name @param value header value @return a copy with the header added */
    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, more, body, bodyWriter);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
