package io.voicecore.kernel.http;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voicecore.kernel.access.Principal;


/**
 * What the kernel knows about the request being served: its correlation id, the matched route and,
 * once authenticated, the principal. Bound to the serving (virtual) thread so that log lines and
 * audit records written anywhere during the request carry the same request id.
 */
public final class RequestContext {
    /** The correlation id header, accepted from callers and echoed on every response. */
    public static final io.helidon.http.HeaderName REQUEST_ID_HEADER = io.helidon.http.HeaderNames.create("X-Request-Id");
    /** The route label of a request no route pattern matched. */
    public static final String UNMATCHED = "unmatched";
    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();
    private static final Pattern ACCEPTABLE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final String requestId;
    private final String method;
    private final String path;
    private final String remoteAddress;
    private final long startNanos = System.nanoTime();
    private volatile String route;
    private volatile Principal principal;
    private volatile String whiteLabel;

    RequestContext(String requestId, String method, String path, String remoteAddress) {
        this.requestId = requestId;
        this.method = method;
        this.path = path;
        this.remoteAddress = remoteAddress;
    }

    /** Keeps the caller's {@code X-Request-Id} when it is safe to log, otherwise makes a new one. */
    static String acceptOrGenerate(Optional<String> callerId) {
        return callerId.filter(id -> ACCEPTABLE_ID.matcher(id).matches())
                .orElseGet(RequestContext::newRequestId);
    }

    /**
     * A random version-4 UUID. A correlation id needs to be unique, not unpredictable: drawing it from
     * {@link java.util.concurrent.ThreadLocalRandom} spares every request a read of the secure random source.
     */
    static String newRequestId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    public static Optional<RequestContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The current request id, or {@code null} outside a request (for log formatting). */
    public static String currentRequestId() {
        RequestContext context = CURRENT.get();
        return context == null ? null : context.requestId;
    }

    void bind() {
        CURRENT.set(this);
    }

    /**
     * Runs work that is not an HTTP request of its own (a message on a plugin stream) under its own request id,
     * so every log line written meanwhile on this thread carries that id.
     */
    public static <T> T withRequestId(String requestId, String method, String path, String remoteAddress,
                                      java.util.function.Supplier<T> work) {
        RequestContext previous = CURRENT.get();
        new RequestContext(requestId, method, path, remoteAddress).bind();
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    static void unbind() {
        CURRENT.remove();
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    long startNanos() {
        return startNanos;
    }

    /** The route pattern that matched, e.g. {@code /api/v1/tenants/{tenant}}; the raw path is not a metric label. */
    public String route() {
        return route == null ? UNMATCHED : route;
    }

    void route(String pattern) {
        this.route = pattern;
    }

    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    void principal(Principal principal) {
        this.principal = principal;
    }

    /** The product name the request's host stands for instead of the platform's, if any (see {@link WhiteLabel}). */
    public Optional<String> whiteLabel() {
        return Optional.ofNullable(whiteLabel);
    }

    void whiteLabel(String productName) {
        this.whiteLabel = productName;
    }
}
