package io.voicecore.kernel.plugins.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.RouteTable;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;

/**
 * Calls into a plugin's HTTP routes: matches the route, reads or streams the request body within its limit, builds
 * the plugin's {@link Request} once, and writes a streamed response into the caller's sink, all within one
 * contained call ({@link PluginCalls}).
 */
public final class RouteCalls {
    private final PluginCalls calls;
    private final PluginRuntime.Settings settings;

    public RouteCalls(PluginCalls calls) {
        this.calls = calls;
        this.settings = calls.settings();
    }

    /**
     * Serves a plugin route for a tenant.
     *
     * <p>On an ordinary route the body is read here, up to {@link PluginRuntime.Settings#maxBodyBytes()}; on a route
     * declared with {@code stream: true} the plugin reads it itself, unbuffered, up to
     * {@link PluginRuntime.Settings#maxStreamBytes()}; both refuse a larger body. A streamed response
     * ({@code Response.stream}) is written into {@code sink} within the call; the returned response then only says so
     * ({@link Response#streamed()}) and the caller ends the body.
     *
     * @param matchedTemplate told which of the plugin's route templates matched, before the handler runs
     * @param sink            where a streamed response goes; opened on the plugin call's thread
     * @throws PluginRefusal  {@code NOT_ENABLED}, {@code ROUTE_NOT_FOUND}, or a body over its limit or unreadable
     * @throws io.voicecore.sdk.PluginProblem what the plugin answered as a problem
     * @throws io.voicecore.kernel.plugins.sandbox.PluginCallFailure when the call failed; if {@code sink} was opened,
     *                        the body must be cut off
     */
    public Response serve(UUID tenantId, String pluginId, RouteRequest request, String requestId,
                          Consumer<String> matchedTemplate, ResponseSink sink) {
        StreamExchange exchange = new StreamExchange();
        Response response;
        try {
            response = calls.call(tenantId, pluginId, Optional.of(request.caller()), requestId,
                    "route " + request.method() + " " + request.path(),
                    (version, context) -> plan(settings, version, context, request, matchedTemplate, sink, exchange));
        } catch (RuntimeException failure) {
            if (exchange.requestExceeded()) {
                throw PluginRefusal.bodyTooLarge(settings.maxStreamBytes());
            }
            throw failure;
        } finally {
            exchange.end();
        }
        // A body cut at the limit is refused even when the plugin swallowed the error.
        if (exchange.requestExceeded()) {
            throw PluginRefusal.bodyTooLarge(settings.maxStreamBytes());
        }
        return response;
    }

    /**
     * What a call of a route runs on a version: the route matched, the request built (its body read, or handed over
     * unread on a streaming route), then, inside containment, the handler and the writing of a streamed response. Served
     * routes and trial runs ({@link PluginTrials}) both call routes so.
     *
     * @throws PluginRefusal {@code ROUTE_NOT_FOUND}, {@code CREDENTIALS_REQUIRED} for a request without credentials to a
     *                       route that is not public, or a body over its limit or unreadable
     */
    static PluginCalls.Prepared<Response> plan(PluginRuntime.Settings settings, LoadedVersion version,
                                               PluginContext context, RouteRequest request,
                                               Consumer<String> matchedTemplate, ResponseSink sink, StreamExchange exchange) {
        String pluginId = version.manifest().id();
        RouteTable.Match match = version.routes().match(request.method(), request.path()).orElseThrow(() ->
                PluginRefusal.of(PluginRefusal.Reason.ROUTE_NOT_FOUND, version.routes().pathExists(request.path())
                        ? "Plugin '" + pluginId + "' does not serve " + request.method() + " on " + request.path() + "."
                        : "Plugin '" + pluginId + "' has no route " + request.path() + "."));
        matchedTemplate.accept(match.entry().template());
        PluginManifest.Route declared = match.entry().declared();
        if (request.anonymous() && !declared.open()) {
            throw PluginRefusal.of(PluginRefusal.Reason.CREDENTIALS_REQUIRED, "This route of plugin '" + pluginId + "' needs an "
                    + "'Authorization: Bearer <token>' header with an API key, session token or admin token.");
        }
        Request routed = declared.stream() ? streamingRequest(settings, request, match, exchange)
                : new TargetedRequest(Request.of(request.method(), request.path(), match.params(), request.queryParams(),
                                                 request.headers(), readBody(settings, request), request.caller()), request.target());
        Callable<Response> work = () -> {
            Response answered = match.entry().handler().handle(routed, context);
            if (answered.streamed()) {
                StreamedResponseBody body = exchange.respond(sink.open(answered.status(), answered.contentType(),
                        answered.headers()), settings.allocationPerStreamedByte());
                answered.bodyWriter().orElseThrow().writeTo(body);
                body.flush();
            }
            return answered;
        };
        return new PluginCalls.Prepared<>(work, declared.timeoutMillis().map(millis -> Duration.ofMillis(
                Math.min(millis, settings.maxStreamTimeout().toMillis()))), exchange::callerAtFault);
    }

    /** The request of a streaming route: its body handed over unread, behind the limit and the allocation credit. */
    private static Request streamingRequest(PluginRuntime.Settings settings, RouteRequest request, RouteTable.Match match,
                                            StreamExchange exchange) {
        if (request.body().isPresent()) {
            contentLength(request).filter(length -> length > settings.maxStreamBytes()).ifPresent(length -> {
                throw PluginRefusal.bodyTooLarge(settings.maxStreamBytes());
            });
        }
        InputStream source = request.body().orElseGet(() -> new ByteArrayInputStream(new byte[0]));
        return new StreamedRequest(request.method(), request.path(), match.params(), request.queryParams(), request.headers(),
                                   request.caller(), exchange.receive(source, settings.maxStreamBytes(),
                                                                      settings.allocationPerStreamedByte()), request.target());
    }

    /** The whole body of an ordinary route, refused above {@link PluginRuntime.Settings#maxBodyBytes()} without reading it all. */
    private static byte[] readBody(PluginRuntime.Settings settings, RouteRequest request) {
        long limit = settings.maxBodyBytes();
        if (request.body().isEmpty()) {
            return new byte[0];
        }
        contentLength(request).filter(length -> length > limit).ifPresent(length -> {
            throw PluginRefusal.bodyTooLarge(limit);
        });
        try (InputStream in = request.body().get()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw PluginRefusal.bodyTooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw PluginRefusal.of(PluginRefusal.Reason.BODY_UNREADABLE, "The request body could not be read: " + e.getMessage());
        }
    }

    private static Optional<Long> contentLength(RouteRequest request) {
        try {
            return request.header("content-length").map(String::strip).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw PluginRefusal.of(PluginRefusal.Reason.BAD_HEADER, "The Content-Length header is not a number.");
        }
    }

    /**
     * The streams of one route call: the request body a streaming route reads and the response body a streamed
     * response writes. Both end with the call, and they tell whether a failure was the caller's doing (a body over
     * the limit, a connection that broke) rather than the plugin's.
     */
    static final class StreamExchange {
        private volatile StreamedRequestBody request;
        private volatile StreamedResponseBody response;

        StreamedRequestBody receive(InputStream source, long limit, long creditPerByte) {
            request = new StreamedRequestBody(source, limit, creditPerByte);
            return request;
        }

        StreamedResponseBody respond(OutputStream target, long creditPerByte) {
            response = new StreamedResponseBody(target, creditPerByte);
            return response;
        }

        boolean requestExceeded() {
            return request != null && request.exceeded();
        }

        /** A body over the limit, a broken connection, or a deadline passed while waiting for the caller to send or read. */
        boolean callerAtFault() {
            return requestExceeded() || request != null && (request.failed() || request.waiting())
                   || response != null && (response.failed() || response.waiting());
        }

        void end() {
            if (request != null) {
                request.end();
            }
            if (response != null) {
                response.end();
            }
        }
    }
}
