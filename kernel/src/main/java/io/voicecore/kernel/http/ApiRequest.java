package io.voicecore.kernel.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.voicecore.kernel.access.Principal;

/**
 * A request as handlers see it: path and query parameters, the principal and a size-limited body; and, for a
 * handler whose answer is written by other code while it waits (plugin routes), {@link #startStream}.
 */
public final class ApiRequest {
    private static final int NOT_STREAMED = 0;
    private static final int STREAMING = 1;
    private static final int CLOSED = 2;

    private final ServerRequest request;
    private final ServerResponse response;
    private final RequestContext context;
    private final long maxBodyBytes;
    private final AtomicInteger stream = new AtomicInteger(NOT_STREAMED);
    private volatile OutputStream streamBody;

    ApiRequest(ServerRequest request, ServerResponse response, RequestContext context, long maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.context = context;
        this.maxBodyBytes = maxBodyBytes;
    }

    public String pathParam(String name) {
        return request.path().pathParameters().get(name);
    }

    public Optional<String> query(String name) {
        return request.query().first(name).asOptional().map(String::strip).filter(v -> !v.isEmpty());
    }

    public Optional<String> header(String name) {
        return request.headers().first(HeaderNames.create(name));
    }

    /** Identifies the connection the request arrived on, e.g. to find it again once it became a WebSocket. */
    public String connectionId() {
        return request.serverSocketId() + "/" + request.socketId();
    }

    public RequestContext context() {
        return context;
    }

    public String requestId() {
        return context.requestId();
    }

    /** The authenticated principal; a request without valid credentials never reaches here. */
    public Principal principal() {
        return context.principal().orElseThrow(() -> new ApiException.Unauthenticated(
                "credentials-missing", "This endpoint needs an 'Authorization: Bearer <token>' header."));
    }

    /** Reads the body as a JSON object, enforcing media type and size. */
    public JsonFields jsonObject() {
        return JsonFields.of(json());
    }

    public JsonNode json() {
        String contentType = request.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!contentType.equalsIgnoreCase("application/json") && !contentType.endsWith("+json")) {
            throw new ApiException.UnsupportedMediaType(contentType.isEmpty()
                    ? "The request has no Content-Type; send 'Content-Type: application/json'."
                    : "Content-Type '" + contentType + "' is not accepted here; send 'application/json'.");
        }
        return Json.parse(body());
    }

    /** The HTTP method, e.g. {@code GET}. */
    public String method() {
        return request.prologue().method().text();
    }

    /** The request path, decoded. */
    public String path() {
        return request.path().path();
    }

    /** The path from the root and the query as the client sent them, undecoded: RFC 9112's origin form. */
    public String target() {
        String query = request.query().rawValue();
        return request.path().rawPath() + (query.isEmpty() ? "" : "?" + query);
    }

    /** Every query parameter with all its values. */
    public java.util.Map<String, java.util.List<String>> queryParams() {
        java.util.Map<String, java.util.List<String>> params = new java.util.LinkedHashMap<>();
        for (String name : request.query().names()) {
            params.put(name, request.query().all(name));
        }
        return params;
    }

    /** The request headers, names in lower case, first value of each. */
    public java.util.Map<String, String> headers() {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        request.headers().forEach(header -> headers.putIfAbsent(header.name().toLowerCase(java.util.Locale.ROOT), header.get()));
        return headers;
    }

    /** Labels the request with a more precise route pattern for metrics (e.g. a plugin's own route template). */
    public void refineRoute(String pattern) {
        context.route(pattern);
    }

    /**
     * The body as it arrives, unread and unlimited: for handlers that enforce their own limit while reading
     * (streaming plugin routes). Empty when the request has no body.
     */
    public InputStream bodyStream() {
        return request.content().hasEntity() ? request.content().inputStream() : InputStream.nullInputStream();
    }

    /**
     * Sends the status and headers now and returns the body stream, for an answer written while the handler is still
     * running (possibly from another thread it waits for). The handler must then return {@link ApiReply#streamed()}:
     * the body is ended when the handler returns, and cut off (the connection dropped) when it throws.
     *
     * @throws IOException when the handler already finished or failed, so the request can no longer be answered this way
     */
    public OutputStream startStream(int status, String contentType, Map<String, String> headers) throws IOException {
        if (!stream.compareAndSet(NOT_STREAMED, STREAMING)) {
            throw new IOException("The request " + context.requestId() + " can no longer start a streamed answer.");
        }
        response.status(Status.create(status));
        response.header(RequestContext.REQUEST_ID_HEADER, context.requestId());
        headers.forEach(response::header);
        response.header(HeaderNames.CONTENT_TYPE, contentType);
        streamBody = response.outputStream();
        return streamBody;
    }

    /** Whether {@link #startStream} was called; afterwards it cannot be any more, so the answer is settled either way. */
    boolean streamStarted() {
        stream.compareAndSet(NOT_STREAMED, CLOSED);
        return stream.get() == STREAMING;
    }

    /** The body stream {@link #startStream} returned, to end it after the handler succeeded. */
    OutputStream streamBody() {
        return streamBody;
    }

    /** Reads the whole body, refusing more than the configured limit without reading it all. */
    public byte[] body() {
        return body(maxBodyBytes);
    }

    /** Reads the whole body with an endpoint-specific limit (e.g. plugin jars). */
    public byte[] body(long maxBodyBytes) {
        request.headers().contentLength().ifPresent(length -> {
            if (length > maxBodyBytes) {
                throw new ApiException.PayloadTooLarge(maxBodyBytes);
            }
        });
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (data.length > maxBodyBytes) {
                throw new ApiException.PayloadTooLarge(maxBodyBytes);
            }
            return data;
        } catch (IOException e) {
            throw new ApiException.MalformedBody("The request body could not be read: " + e.getMessage());
        }
    }
}
