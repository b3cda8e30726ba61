package io.voicecore.kernel.http;

import java.util.List;

/**
 * A failure that the caller caused or must know about. Each subclass maps to one stable
 * problem {@code type}; the HTTP layer renders it as {@code application/problem+json}.
 * The message is the problem's {@code detail}: it must tell the caller how to fix the request
 * and must never contain a secret.
 */
public abstract sealed class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;

    private ApiException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = "urn:voicecore:problem:" + type;
        this.title = title;
    }

    /** For problems whose type is not one of the kernel's own (e.g. a plugin's): {@code typeUrn} is used as is. */
    private ApiException(String typeUrn, int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = typeUrn;
        this.title = title;
    }

    public int status() {
        return status;
    }

    /** Stable, machine-readable problem type, e.g. {@code urn:voicecore:problem:validation}. */
    public String type() {
        return type;
    }

    /** Further members of the problem body (RFC 9457 extensions), e.g. the violations of a refused plugin. */
    public java.util.Map<String, Object> extensions() {
        return java.util.Map.of();
    }

    public String title() {
        return title;
    }

    /** One field-level complaint inside a validation problem. */
    public record FieldError(String field, String message) {
    }

    /** The body could not be read as JSON at all. */
    public static final class MalformedBody extends ApiException {
        public MalformedBody(String detail) {
            super(400, "malformed-body", "Malformed request body", detail);
        }
    }

    /** A query parameter or path segment is unusable. */
    public static final class BadRequest extends ApiException {
        public BadRequest(String detail) {
            super(400, "bad-request", "Bad request", detail);
        }
    }

    /** Well-formed JSON whose fields are missing, of the wrong type or out of range. */
    public static final class Validation extends ApiException {
        private final List<FieldError> errors;

        public Validation(List<FieldError> errors) {
            super(422, "validation", "Invalid request", summary(errors));
            this.errors = List.copyOf(errors);
        }

        public Validation(String field, String message) {
            this(List.of(new FieldError(field, message)));
        }

        public List<FieldError> errors() {
            return errors;
        }

        private static String summary(List<FieldError> errors) {
            StringBuilder text = new StringBuilder();
            for (FieldError error : errors) {
                if (!text.isEmpty()) {
                    text.append("; ");
                }
                text.append(error.field()).append(": ").append(error.message());
            }
            return text.toString();
        }
    }

    /** No credentials, or credentials that are wrong, revoked or expired. */
    public static final class Unauthenticated extends ApiException {
        public Unauthenticated(String type, String detail) {
            super(401, type, "Not authenticated", detail);
        }
    }

    /** Authenticated, but the principal may not do this. */
    public static final class Forbidden extends ApiException {
        public Forbidden(String type, String detail) {
            super(403, type, "Forbidden", detail);
        }
    }

    /** The resource does not exist, or is not visible to this principal. */
    public static final class NotFound extends ApiException {
        public NotFound(String type, String detail) {
            super(404, type, "Not found", detail);
        }
    }

    /** The request contradicts the current state, e.g. a duplicate slug. */
    public static final class Conflict extends ApiException {
        public Conflict(String type, String detail) {
            super(409, type, "Conflict", detail);
        }
    }

    /** The body is larger than the configured limit. */
    public static final class PayloadTooLarge extends ApiException {
        public PayloadTooLarge(long limit) {
            super(413, "payload-too-large", "Payload too large",
                  "The request body exceeds the limit of " + limit + " bytes.");
        }
    }

    /** The body is not of a media type the endpoint accepts. */
    public static final class UnsupportedMediaType extends ApiException {
        public UnsupportedMediaType(String detail) {
            super(415, "unsupported-media-type", "Unsupported media type", detail);
        }
    }

    /** Too many requests for this credential in the current window. */
    public static final class TooManyRequests extends ApiException {
        private final long retryAfterSeconds;

        public TooManyRequests(String detail, long retryAfterSeconds) {
            super(429, "rate-limited", "Too many requests", detail);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * A problem with its own type and extension members: a refused plugin upload (with its violations)
     * or a problem a plugin answered (type {@code urn:voicecore:plugin:<id>:<type>}).
     */
    public static final class Custom extends ApiException {
        private final java.util.Map<String, Object> extensions;

        public Custom(String typeUrn, int status, String title, String detail, java.util.Map<String, Object> extensions) {
            super(typeUrn, status, title, detail);
            // In the given order (a plugin problem's members stay in the order it wrote them).
            this.extensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extensions));
        }

        @Override
        public java.util.Map<String, Object> extensions() {
            return extensions;
        }
    }

    /** A dependency (database, cache) is not reachable. */
    public static final class Unavailable extends ApiException {
        public Unavailable(String detail) {
            super(503, "unavailable", "Service unavailable", detail);
        }
    }
}
