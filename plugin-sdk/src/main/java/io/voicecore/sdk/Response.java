package io.voicecore.sdk;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.voicecore.sdk.json.Json;

/**
 * What a route answers.
 *
 * @param status      HTTP status code
 * @param contentType media type of the body, or {@code null} without a body
 * @param headers     further headers
 * @param body        the body bytes
 */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {

    /** Validates the status and copies the body. */
    public Response {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599, not " + status);
        }
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
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

    /** @param name header name @param value header value @return a copy with the header added */
    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, more, body);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
