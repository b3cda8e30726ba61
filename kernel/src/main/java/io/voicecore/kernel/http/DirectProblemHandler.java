package io.voicecore.kernel.http;

import java.util.Map;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Failures Helidon detects before routing (an unparseable request line or headers, an entity over the
 * server's hard limit, a WebSocket upgrade from a browser page of an origin not allowed) still answer in
 * problem+json, never with a stack trace.
 */
public final class DirectProblemHandler implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String requestId = RequestContext.acceptOrGenerate(request.headers().first(RequestContext.REQUEST_ID_HEADER));
        // Of Helidon's modules the kernel uses, only the WebSocket upgrade answers FORBIDDEN before routing: a browser page's
        // Origin that is not allowed (Helidon passes neither the request's headers nor its reason here).
        boolean origin = eventType == EventType.FORBIDDEN;
        String detail = origin ? "A browser may open streams only from a page of this API's own origin or, when the operator "
                                 + "lists origins in plugins.streams.allowed-origins, of one of those; this page's Origin is "
                                 + "neither."
                : switch (eventType) {
            case PAYLOAD_TOO_LARGE -> "The request body exceeds the server's size limit.";
            case BAD_REQUEST -> "The HTTP request could not be parsed: check the request line and headers.";
            case HTTP_VERSION_NOT_SUPPORTED -> "Only HTTP/1.1 and HTTP/2 are supported.";
            default -> status.code() >= 500 ? "The server failed to process the request (request id " + requestId + ")."
                    : "The request was refused: " + status.reasonPhrase() + ".";
        };
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", "urn:voicecore:problem:" + switch (eventType) {
            case FORBIDDEN -> origin ? "origin-not-allowed" : "transport";
            case PAYLOAD_TOO_LARGE -> "payload-too-large";
            case BAD_REQUEST -> "bad-request";
            default -> "transport";
        });
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        body.put("instance", request.path());
        body.put("requestId", requestId);
        headers.set(HeaderNames.CONTENT_TYPE, ProblemWriter.MEDIA_TYPE);
        headers.set(RequestContext.REQUEST_ID_HEADER, requestId);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(Json.write(body))
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
