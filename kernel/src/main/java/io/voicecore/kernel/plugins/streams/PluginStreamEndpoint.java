package io.voicecore.kernel.plugins.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.PlatformThreadConnections;
import io.voicecore.kernel.plugins.runtime.RouteRequest;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.kernel.plugins.web.PluginRoutes;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.PluginProblem;

/**
 * Plugin streams over WebSocket (Helidon), on the API's port at {@code /api/v1/tenants/{tenant}/{pluginId}/<path>}.
 * The upgrade request goes through {@link ApiRoutes#upgrade} like any API call (authentication by header or
 * one-time ticket, rate limit, problem+json refusals), then {@link #admit} resolves the tenant and asks
 * {@link PluginStreams} whether the stream may open; only then does Helidon answer the handshake, and the
 * connection's listener picks the admission up again by connection id.
 */
public final class PluginStreamEndpoint {
    private static final Logger LOG = Logger.getLogger(PluginStreamEndpoint.class.getName());
    /** Every plugin path; kernel routes under a tenant are not plugin ids, so they never admit a stream. */
    public static final String PATTERN = "/api/v1/tenants/{tenant}/{pluginId}/*";
    /** An admission whose handshake did not follow within this time is dropped. */
    private static final Duration HANDSHAKE_WINDOW = Duration.ofSeconds(30);

    private record Pending(PluginStreams.Admission admission, String remoteAddress, Instant at) {
    }

    private final PluginStreams streams;
    private final StreamTickets tickets;
    private final TenantResolver resolver;
    private final Map<String, Pending> admitted = new ConcurrentHashMap<>();

    public PluginStreamEndpoint(PluginStreams streams, StreamTickets tickets, TenantResolver resolver) {
        this.streams = streams;
        this.tickets = tickets;
        this.resolver = resolver;
    }

    /** Registers the upgrade check and the ticket endpoint; before the plugin catch-all, which plain GETs reach. */
    public void register(ApiRoutes routes) {
        tickets.register(routes);
        routes.upgrade(PATTERN, tickets::redeem, this::access, this::admit);
    }

    /**
     * A stream the plugin declares public is opened without credentials, and any sent are not read: its handler
     * authenticates the connection itself (a provider's signature). Every other stream needs them.
     */
    private Access access(io.helidon.webserver.http.ServerRequest req) {
        String pluginId = req.path().pathParameters().first("pluginId").orElse("");
        String path = PluginRoutes.pluginPath(req.path().path(), req.path().pathParameters().first("tenant").orElse(""), pluginId);
        return streams.servesPublicly(pluginId, path) ? Access.PUBLIC : Access.AUTHENTICATED;
    }

    /** The WebSocket side: one listener per connection. */
    public WsRouting.Builder routing() {
        return WsRouting.builder().endpoint(PATTERN, Connection::new);
    }

    /**
     * Helidon's WebSocket settings: frames over the stream message limit are refused (close 1009), and so is, with 403
     * before the upgrade, a browser's upgrade from a page of an origin not allowed. A browser names that page in
     * {@code Origin} and sends the user's cookies whatever the page, so a page of another site must not open streams as
     * the user (cross-site WebSocket hijacking). With no {@code plugins.streams.allowed-origins} only the API's own
     * origin is allowed (the {@code Origin}'s host and port are the {@code Host} the upgrade was sent to); with it,
     * exactly the listed origins. Clients that are not browsers (Twilio, servers) send no {@code Origin} and are not
     * affected.
     */
    public WsConfig protocol() {
        return WsConfig.builder().name("websocket").maxFrameLength(streams.settings().maxMessageBytes())
                .origins(streams.settings().allowedOrigins().stream().map(PluginStreamEndpoint::origin).collect(Collectors.toSet()))
                .build();
    }

    /** An origin as browsers send it: lower case, without a trailing slash. */
    private static String origin(String configured) {
        String origin = configured.strip().toLowerCase(Locale.ROOT);
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }

    private void admit(ApiRequest request) {
        // No principal: the stream is public (see access), and its plugin authenticates the connection itself.
        java.util.Optional<Principal> principal = request.context().principal();
        Tenant tenant = principal.isPresent() ? resolver.resolve(request) : resolver.resolveForPublicRoute(request.pathParam("tenant"));
        String pluginId = request.pathParam("pluginId");
        String path = PluginRoutes.pluginPath(request.path(), request.pathParam("tenant"), pluginId);
        Caller caller = principal.map(p -> new Caller(p.actorId(), p.role().wireName())).orElse(RouteRequest.ANONYMOUS);
        PluginStreams.Admission admission;
        try {
            admission = streams.admit(tenant.id(), pluginId, path, request.queryParams(),
                                      new PluginStreams.Opening(request.headers(), request.target(), principal), caller,
                                      principal.isEmpty(), request.path());
        } catch (PluginProblem | PluginCallFailure failure) {
            throw PluginProblems.toApiException(failure, pluginId, request.requestId());
        }
        request.refineRoute("/api/v1/tenants/{tenant}/" + pluginId + admission.template());
        Instant now = Instant.now();
        admitted.values().removeIf(p -> p.at().isBefore(now.minus(HANDSHAKE_WINDOW)));
        admitted.put(request.connectionId(), new Pending(admission, request.context().remoteAddress(), now));
    }

    private static String connectionId(SocketContext socket) {
        return socket.socketId() + "/" + socket.childSocketId();
    }

    /** One WebSocket connection: reassembles split messages within the limit and hands them to its stream. */
    private final class Connection implements WsListener {
        private PluginStreams.OpenStream stream;
        private final StringBuilder partial = new StringBuilder();
        private long partialBytes;

        @Override
        public void onOpen(WsSession session) {
            Pending pending = admitted.remove(connectionId(session.socketContext()));
            if (pending == null) {
                session.close(1008, "not-admitted");
                return;
            }
            // Each connection is served on one thread until it ends, which tells when it is lost.
            stream = pending.admission().open(new SocketTransport(session, PlatformThreadConnections.currentConnectionOpen(),
                                                                  pending.remoteAddress()));
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            if (stream == null) {
                return;
            }
            partialBytes += text.getBytes(StandardCharsets.UTF_8).length;
            if (partialBytes > streams.settings().maxMessageBytes()) {
                partial.setLength(0);
                stream.tooBig();
                return;
            }
            partial.append(text);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                partialBytes = 0;
                stream.receive(message);
            }
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            if (stream != null) {
                stream.binaryRefused();
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            if (stream != null) {
                stream.closedByClient(status, reason);
            }
        }

        @Override
        public void onError(WsSession session, Throwable failure) {
            LOG.log(Level.FINE, "WebSocket error on " + stream, failure);
            if (stream != null) {
                stream.lost();
            }
        }
    }

    /** A Helidon WebSocket session as a stream transport. */
    private record SocketTransport(WsSession session, java.util.function.BooleanSupplier connectionOpen, String remoteAddress)
            implements PluginStreams.Transport {
        @Override
        public boolean send(String text) {
            try {
                session.send(text, true);
                return true;
            } catch (RuntimeException gone) {
                LOG.log(Level.FINE, "Could not send on a WebSocket", gone);
                return false;
            }
        }

        @Override
        public void close(int code, String reason) {
            try {
                session.close(code, reason);
            } catch (RuntimeException gone) {
                LOG.log(Level.FINE, "Could not close a WebSocket", gone);
            }
        }

        @Override
        public boolean alive() {
            return connectionOpen.getAsBoolean();
        }
    }
}
