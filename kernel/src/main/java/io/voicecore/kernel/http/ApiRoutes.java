package io.voicecore.kernel.http;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.ProtocolUpgradeHandler;
import io.voicecore.kernel.access.Principal;

/**
 * Registers API endpoints on Helidon's routing. Every endpoint goes through the same path:
 * route label for metrics, authentication, MFA gate, rate limit, handler, and problem+json on failure.
 */
public final class ApiRoutes {
    /** One registered endpoint, kept so the OpenAPI document can be checked against what is served. */
    public record Route(Method method, String pattern, Access access) {
    }

    /** Decides on a WebSocket upgrade before the handshake: throwing refuses it with that problem, returning lets it proceed. */
    @FunctionalInterface
    public interface UpgradeHandler {
        void admit(ApiRequest request) throws Exception;
    }

    /**
     * Turns a one-time ticket (query parameter {@code ticket}), which browsers send instead of the Authorization
     * header they cannot set on a WebSocket, into the principal it was issued to, for the tenant named in the path.
     */
    @FunctionalInterface
    public interface TicketRedeemer {
        Principal redeem(String ticket, String tenantReference);
    }

    /**
     * Segments after {@code /api/v1/tenants/{tenant}/} that the kernel's own routes use, or may, and so no plugin may
     * take as its id (a tenant's kernel routes and its plugins' routes share that level); {@code marketplace} is the
     * marketplace extension's. Registering a kernel route
     * under a tenant with any other segment fails, so this list cannot fall behind the routes.
     */
    public static final Set<String> RESERVED_TENANT_SEGMENTS = Set.of("api", "kernel", "plugins", "api-keys", "users", "audit",
                                                                      "events", "usage", "me", "auth", "stream-tickets",
                                                                      "marketplace");
    private static final String TENANT_PREFIX = "/api/v1/tenants/{tenant}/";

    /** The query parameter carrying a WebSocket ticket. */
    public static final String TICKET_PARAMETER = "ticket";

    private static final Logger LOG = Logger.getLogger(ApiRoutes.class.getName());
    private static final Set<Method> STATE_CHANGING = Set.of(Method.POST, Method.PUT, Method.PATCH, Method.DELETE);

    private final HttpRouting.Builder routing;
    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final long maxBodyBytes;
    private final RefusalAuditor refusals;
    private final ProblemMapper problems;
    private final List<Route> routes = new ArrayList<>();

    /** @param problems how the exceptions of the kernel's components become problems (the one place they are mapped) */
    public ApiRoutes(HttpRouting.Builder routing, Authenticator authenticator, RateLimiter rateLimiter, long maxBodyBytes,
                     RefusalAuditor refusals, ProblemMapper problems) {
        this.routing = routing;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.maxBodyBytes = maxBodyBytes;
        this.refusals = refusals;
        this.problems = problems;
    }

    public ApiRoutes get(String pattern, Access access, ApiHandler handler) {
        return add(Method.GET, pattern, access, handler);
    }

    public ApiRoutes post(String pattern, Access access, ApiHandler handler) {
        return add(Method.POST, pattern, access, handler);
    }

    public ApiRoutes put(String pattern, Access access, ApiHandler handler) {
        return add(Method.PUT, pattern, access, handler);
    }

    public ApiRoutes patch(String pattern, Access access, ApiHandler handler) {
        return add(Method.PATCH, pattern, access, handler);
    }

    public ApiRoutes delete(String pattern, Access access, ApiHandler handler) {
        return add(Method.DELETE, pattern, access, handler);
    }

    /**
     * Accepts WebSocket upgrades on {@code pattern} through the same path as every endpoint: route label,
     * authentication (the Authorization header, or a ticket redeemed by {@code tickets}), MFA gate, rate limit,
     * then {@code handler}; any refusal is answered as problem+json instead of the handshake. A plain GET on the
     * pattern passes on to the HTTP routes registered for it. {@code accessOf} decides the access per request before
     * authentication: a {@link Access#PUBLIC} upgrade reads no credentials, and its handler sees no principal.
     */
    public ApiRoutes upgrade(String pattern, TicketRedeemer tickets, Function<ServerRequest, Access> accessOf,
                             UpgradeHandler handler) {
        routing.route(Method.GET, pattern, new ProtocolUpgradeHandler() {
            @Override
            public void handle(ServerRequest req, ServerResponse res) {
                res.next();
            }

            @Override
            public void handleProtocolUpgrade(ServerRequest req, ServerResponse res) {
                dispatchUpgrade(pattern, tickets, accessOf.apply(req), handler, req, res);
            }
        });
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Answers 404 problem+json for any path no route matched; register it after every other route. */
    public void finish() {
        routing.any("/*", (req, res) -> {
            RequestContext context = RequestFilter.context(req);
            ProblemWriter.write(res, new ApiException.NotFound("route-not-found",
                    "No endpoint " + req.prologue().method().text() + " " + req.path().path()
                    + "; see /openapi for the API."), context.requestId(), req.path().path());
        });
    }

    private ApiRoutes add(Method method, String pattern, Access access, ApiHandler handler) {
        if (pattern.startsWith(TENANT_PREFIX)) {
            String segment = pattern.substring(TENANT_PREFIX.length()).split("/", 2)[0];
            if (!RESERVED_TENANT_SEGMENTS.contains(segment)) {
                throw new IllegalStateException("The kernel route " + pattern + " uses the segment '" + segment + "', which a"
                        + " plugin could take as its id; add it to ApiRoutes.RESERVED_TENANT_SEGMENTS");
            }
        }
        routes.add(new Route(method, pattern, access));
        routing.route(method, pattern, (req, res) -> dispatch(method, pattern, access, handler, req, res));
        return this;
    }

    /**
     * Registers a route that takes only the requests {@code claims} accepts and passes the others on to the routes
     * registered after it. It lets a route that serves most requests be matched first (Helidon tries routes in
     * order, one pattern match each) without shadowing the more specific routes that follow.
     */
    public ApiRoutes claiming(Method method, String pattern, Access access, Predicate<ServerRequest> claims, ApiHandler handler) {
        return claiming(method, pattern, access, req -> access, claims, handler);
    }

    /**
     * As {@link #claiming(Method, String, Access, Predicate, ApiHandler)}, with the access decided per request by
     * {@code accessOf} before authentication: plugin routes, some of which their plugin declares public. {@code listed}
     * is the access the route is listed with in {@link #routes()}.
     */
    public ApiRoutes claiming(Method method, String pattern, Access listed, Function<ServerRequest, Access> accessOf,
                              Predicate<ServerRequest> claims, ApiHandler handler) {
        routes.add(new Route(method, pattern, listed));
        routing.route(method, pattern, (req, res) -> {
            if (claims.test(req)) {
                dispatch(method, pattern, accessOf.apply(req), handler, req, res);
            } else {
                res.next();
            }
        });
        return this;
    }

    private void dispatch(Method method, String pattern, Access access, ApiHandler handler, ServerRequest req,
                          ServerResponse res) {
        RequestContext context = RequestFilter.context(req);
        context.route(pattern);
        ApiRequest request = new ApiRequest(req, res, context, maxBodyBytes);
        try {
            ApiException refused = null;
            try {
                authenticate(access, req, context);
            } catch (ApiException e) {
                refused = e;
            }
            // Refused requests count too: against the credential once one was recognised, otherwise against
            // the caller's address, so that anonymous calls and token guessing are limited as well.
            rateLimiter.check(context.principal().map(Principal::credentialId)
                                      .orElse("address:" + context.remoteAddress()));
            if (refused != null) {
                throw refused;
            }
            ApiReply reply = handler.handle(request);
            if (request.streamStarted()) {
                if (!reply.isStreamed()) {
                    throw new IllegalStateException("a handler that started a streamed answer must return ApiReply.streamed()");
                }
                endStream(request.streamBody());
            } else if (reply.isStreamed()) {
                throw new IllegalStateException("ApiReply.streamed() returned without ApiRequest.startStream");
            } else {
                send(reply, res, context);
            }
        } catch (StreamAborted aborted) {
            LOG.log(Level.SEVERE, "Streaming " + context.path() + " failed part-way (request " + context.requestId()
                                  + "); the connection is dropped so the client cannot mistake the body for complete",
                    aborted.getCause());
            throw aborted;
        } catch (Throwable thrown) {
            Throwable failure = asProblem(thrown, context);
            if (request.streamStarted()) {
                // The status and part of the body are out: no problem can be sent, so the transfer is cut off.
                LOG.log(Level.SEVERE, "Streaming " + context.path() + " failed part-way (request " + context.requestId()
                                      + "); the connection is dropped so the client cannot mistake the body for complete",
                        failure);
                throw new StreamAborted(failure);
            }
            if (STATE_CHANGING.contains(method)) {
                auditRefusal(context, failure);
            }
            ProblemWriter.write(res, failure, context.requestId(), req.path().path());
        }
    }

    private void dispatchUpgrade(String pattern, TicketRedeemer tickets, Access access, UpgradeHandler handler,
                                 ServerRequest req, ServerResponse res) {
        RequestContext context = RequestFilter.context(req);
        context.route(pattern);
        try {
            ApiException refused = null;
            try {
                // A public upgrade reads no credentials: its handler authenticates the connection itself.
                if (access != Access.PUBLIC) {
                    authenticateUpgrade(tickets, req, context);
                }
            } catch (ApiException e) {
                refused = e;
            }
            rateLimiter.check(context.principal().map(Principal::credentialId).orElse("address:" + context.remoteAddress()));
            if (refused != null) {
                throw refused;
            }
            handler.admit(new ApiRequest(req, res, context, maxBodyBytes));
            res.status(Status.SWITCHING_PROTOCOLS_101);
            res.next();
        } catch (Throwable failure) {
            ProblemWriter.write(res, asProblem(failure, context), context.requestId(), req.path().path());
        }
    }

    /** The Authorization header, or else a one-time ticket in the query, for a stream that needs credentials. */
    private void authenticateUpgrade(TicketRedeemer tickets, ServerRequest req, RequestContext context) {
        if (req.headers().contains(HeaderNames.AUTHORIZATION)) {
            authenticate(Access.AUTHENTICATED, req, context);
            return;
        }
        Optional<String> ticket = req.query().first(TICKET_PARAMETER).asOptional().filter(t -> !t.isBlank());
        if (ticket.isEmpty()) {
            throw new ApiException.Unauthenticated("credentials-missing", "Opening a stream needs an "
                    + "'Authorization: Bearer <token>' header, or (from a browser) a one-time '?ticket=' from "
                    + "POST /api/v1/tenants/{tenant}/stream-tickets.");
        }
        admit(Access.AUTHENTICATED, context, tickets.redeem(ticket.get(), req.path().pathParameters().get("tenant")));
    }

    /** A component's exception as its problem; anything else as it is. */
    private Throwable asProblem(Throwable failure, RequestContext context) {
        return failure instanceof ApiException ? failure
                : problems.problemFor(failure, context.requestId()).<Throwable>map(problem -> problem).orElse(failure);
    }

    /** Ends a body the handler streamed; closing is what tells the client the body is complete. */
    private static void endStream(OutputStream body) {
        try {
            body.close();
        } catch (java.io.IOException | RuntimeException e) {
            throw new StreamAborted(e);
        }
    }

    /** A refused change attempt is audited; failing to record it must not turn the refusal into a 500. */
    private void auditRefusal(RequestContext context, Throwable failure) {
        if (failure instanceof ApiException refusal && (refusal.status() == 403 || refusal.status() == 404)
            && context.principal().isPresent()) {
            try {
                refusals.refused(context, context.principal().get(), refusal);
            } catch (RuntimeException auditFailure) {
                LOG.log(Level.SEVERE, "Could not audit the refused request " + context.method() + " " + context.path()
                                      + " (request " + context.requestId() + ")", auditFailure);
            }
        }
    }

    private void authenticate(Access access, ServerRequest req, RequestContext context) {
        if (access == Access.PUBLIC) {
            return;
        }
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            throw new ApiException.Unauthenticated("credentials-missing",
                    "This endpoint needs an 'Authorization: Bearer <token>' header with an API key, session token or admin token.");
        }
        String value = header.get().strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException.Unauthenticated("credentials-invalid",
                    "The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'.");
        }
        admit(access, context, authenticator.authenticate(value.substring(7).strip()));
    }

    /** Records the authenticated principal and applies the MFA-enrollment gate. */
    private static void admit(Access access, RequestContext context, Principal principal) {
        context.principal(principal);
        if (principal.mfaPending() && access != Access.MFA_ENROLLMENT) {
            throw new ApiException.Forbidden("mfa-enrollment-required",
                    "Your tenant requires multi-factor authentication: enroll a TOTP authenticator at "
                    + "POST /api/v1/me/mfa/totp before using the API.");
        }
    }

    private static void send(ApiReply reply, ServerResponse res, RequestContext context) throws Exception {
        res.status(Status.create(reply.status()));
        res.header(RequestContext.REQUEST_ID_HEADER, context.requestId());
        reply.headers().forEach(res::header);
        if (reply.contentType() != null) {
            res.header(HeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (reply.json() != null) {
            res.send(Json.write(reply.json()));
        } else if (reply.bytes() != null) {
            res.send(reply.bytes());
        } else if (reply.stream() != null) {
            OutputStream out = res.outputStream();
            try {
                reply.stream().writeTo(out);
            } catch (Exception | Error e) {
                throw new StreamAborted(e);
            }
            // Closed only on success: an unclosed, failed stream makes Helidon drop the connection, so the
            // client sees a truncated transfer instead of a file that looks complete.
            out.close();
        } else {
            res.send();
        }
    }

    /** A streamed body failed after its first bytes were sent; no problem response is possible any more. */
    private static final class StreamAborted extends RuntimeException {
        StreamAborted(Throwable cause) {
            super("response stream aborted", cause, false, false);
        }
    }
}
