package io.voicecore.kernel.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, headers and either a JSON value, raw bytes or a stream.
 */
public final class ApiReply {
    /** Writes a streamed body; used for exports that must not be held in memory. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final int status;
    private final Object json;
    private final byte[] bytes;
    private final BodyWriter stream;
    private final String contentType;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ApiReply(int status, Object json, byte[] bytes, BodyWriter stream, String contentType) {
        this.status = status;
        this.json = json;
        this.bytes = bytes;
        this.stream = stream;
        this.contentType = contentType;
    }

    public static ApiReply ok(Object json) {
        return new ApiReply(200, json, null, null, "application/json");
    }

    public static ApiReply created(Object json) {
        return new ApiReply(201, json, null, null, "application/json");
    }

    public static ApiReply noContent() {
        return new ApiReply(204, null, null, null, null);
    }

    public static ApiReply bytes(int status, String contentType, byte[] body) {
        return new ApiReply(status, null, body, null, contentType);
    }

    public static ApiReply stream(String contentType, BodyWriter writer) {
        return new ApiReply(200, null, null, writer, contentType);
    }

    /** The answer was streamed by the handler itself through {@link ApiRequest#startStream}; nothing is left to send. */
    public static ApiReply streamed() {
        return STREAMED;
    }

    private static final ApiReply STREAMED = new ApiReply(200, null, null, null, null);

    boolean isStreamed() {
        return this == STREAMED;
    }

    public ApiReply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    Object json() {
        return json;
    }

    byte[] bytes() {
        return bytes;
    }

    BodyWriter stream() {
        return stream;
    }

    String contentType() {
        return contentType;
    }

    Map<String, String> headers() {
        return headers;
    }
}
