package io.voicecore.kernel.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.voicecore.kernel.state.SharedStateUnavailableException;

/**
 * Renders failures as RFC 9457 {@code application/problem+json}. Unexpected exceptions become a
 * 500 whose body names only the request id; the stack trace goes to the log line with that id.
 */
public final class ProblemWriter {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemWriter.class.getName());

    private ProblemWriter() {
    }

    public static void write(ServerResponse response, Throwable failure, String requestId, String instance) {
        if (failure instanceof SharedStateUnavailableException unavailable) {
            LOG.log(Level.WARNING, "Shared state unavailable serving " + instance + " (request " + requestId + ")", unavailable);
            failure = new ApiException.Unavailable("A backing service is temporarily unreachable; retry in a few seconds. "
                                                   + "Request id " + requestId + ".");
        }
        Map<String, Object> body = body(failure, requestId, instance);
        // On a host another brand serves, the kernel's texts name that brand, never the platform.
        RequestContext.current().flatMap(RequestContext::whiteLabel).ifPresent(product -> body.replaceAll(
                (member, value) -> value instanceof String text ? WhiteLabel.relabel(text, product) : value));
        int status = (int) body.get("status");
        if (status >= 500 && !(failure instanceof ApiException)) {
            LOG.log(Level.SEVERE, "Unhandled failure serving " + instance + " (request " + requestId + ")", failure);
        } else {
            LOG.fine(() -> "Problem " + status + " for " + instance + ": " + body.get("detail"));
        }
        if (response.isSent()) {
            return;
        }
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        response.header(RequestContext.REQUEST_ID_HEADER, requestId);
        if (failure instanceof ApiException.TooManyRequests limited) {
            response.header(HeaderNames.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
        } else if (body.get("retryAfterSeconds") instanceof Number seconds) {
            response.header(HeaderNames.RETRY_AFTER, Long.toString(seconds.longValue()));
        }
        if (failure instanceof ApiException.Unauthenticated) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        response.send(Json.write(body));
    }

    /**
     * The members of the problem+json body for a failure, as {@link #write} sends them: a kernel
     * {@link ApiException} with its type, title, status, detail and extensions, anything else as an internal error.
     */
    public static Map<String, Object> body(Throwable failure, String requestId, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (failure instanceof ApiException api) {
            body.put("type", api.type());
            body.put("title", api.title());
            body.put("status", api.status());
            body.put("detail", api.getMessage());
            if (api instanceof ApiException.Validation validation) {
                body.put("errors", validation.errors());
            }
            api.extensions().forEach(body::putIfAbsent);
        } else {
            body.put("type", "urn:voicecore:problem:internal");
            body.put("title", "Internal error");
            body.put("status", 500);
            body.put("detail", "The server failed to process the request. Quote request id " + requestId
                               + " to the operator; the cause is in the server log under that id.");
        }
        body.put("instance", instance);
        body.put("requestId", requestId);
        return body;
    }
}
