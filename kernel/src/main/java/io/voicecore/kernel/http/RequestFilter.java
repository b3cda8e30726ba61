package io.voicecore.kernel.http;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * First thing every request meets: assigns the correlation id, binds the {@link RequestContext}
 * to the thread for logging, and afterwards records metrics and one access log line.
 */
public final class RequestFilter implements Filter {
    private static final Logger ACCESS = Logger.getLogger("io.voicecore.access");

    private final RequestRecorder metrics;
    private final java.util.function.Supplier<WhiteLabel> whiteLabel;

    public RequestFilter(RequestRecorder metrics) {
        this(metrics, () -> WhiteLabel.NONE);
    }

    /** @param whiteLabel the white label in force, asked for each request's host */
    public RequestFilter(RequestRecorder metrics, java.util.function.Supplier<WhiteLabel> whiteLabel) {
        this.metrics = metrics;
        this.whiteLabel = whiteLabel;
    }

    /**
     * The context the filter created for this request: bound to the thread, since Helidon runs a request's filters
     * and handlers on one thread (registering it in Helidon's request context as well cost a tenth of a request).
     */
    static RequestContext context(ServerRequest req) {
        return RequestContext.current()
                .orElseGet(() -> new RequestContext(RequestContext.acceptOrGenerate(java.util.Optional.empty()),
                                                    req.prologue().method().text(), req.path().path(), "unknown"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String requestId = RequestContext.acceptOrGenerate(req.headers().first(RequestContext.REQUEST_ID_HEADER));
        String address = req.remotePeer().host();
        RequestContext context = new RequestContext(requestId, req.prologue().method().text(), req.path().path(), address);
        context.bind();
        res.header(RequestContext.REQUEST_ID_HEADER, requestId);
        try {
            whiteLabel.get().productName(WhiteLabel.hostOf(req.headers().first(io.helidon.http.HeaderNames.HOST).orElse(null)))
                    .ifPresent(context::whiteLabel);
            chain.proceed();
        } finally {
            long nanos = System.nanoTime() - context.startNanos();
            int status = res.status().code();
            // Routes outside the API (health, metrics, OpenAPI) are fixed paths, so the path itself is a bounded label.
            String route = context.route().equals(RequestContext.UNMATCHED) && status < 400 ? context.path() : context.route();
            metrics.record(context.method(), route, status, nanos);
            if (ACCESS.isLoggable(Level.INFO)) {
                ACCESS.info(context.method() + " " + context.path() + " " + status + " " + (nanos / 1_000_000) + "ms"
                            + context.principal().map(p -> " actor=" + p.actorId()).orElse(""));
            }
            RequestContext.unbind();
        }
    }
}
