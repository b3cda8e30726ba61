package io.voicecore.kernel.plugins.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.ProblemWriter;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.runtime.PluginCalls;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.runtime.StreamVersionChanged;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.StreamHandler;
import io.voicecore.sdk.StreamRequest;
import io.voicecore.sdk.StreamSession;

/**
 * Plugins' real-time streams, whatever carries them (a WebSocket, or the test kit's in-memory client): who may
 * open one ({@link #admit}), the open streams of this node with a limit per tenant, one contained plugin call per
 * message (the same deadline, quota, concurrency limit and fault counting as a route) answered with an error
 * frame when it fails, and ending the streams a tenant may no longer hold: the plugin disabled, uninstalled,
 * quarantined or upgraded, noticed at once on this node and within {@link Settings#sweepInterval()} from others, or
 * its licence expired, noticed within {@link Settings#sweepInterval()}; also a stream whose API key was revoked or
 * whose session ended, and one whose client sends more than {@link Settings#maxMessagesPerSecond()}.
 *
 * <p>Close codes the kernel uses: {@code 4000 + status} with the problem type as reason when the plugin's
 * {@code onOpen} refused the stream or the tenant may no longer use the plugin (4404 {@code plugin-not-enabled},
 * 4503 {@code plugin-quarantined}, 4429 {@code stream-limit-reached}, 4402 {@code license-expired},
 * {@code license-invalid} or {@code license-required}, 4401 {@code credentials-revoked}); 1012 {@code plugin-upgraded};
 * 1009 {@code message-too-big}; 1008 {@code message-rate-exceeded}; 1003 {@code text-only}; 1001 {@code kernel-stopping}.
 *
 * <p>Why it is long: {@link OpenStream} is both the kernel's side of a stream (messages, closes, revocation) and the
 * plugin's {@link StreamSession} (send, close, submitted tasks), and both sides share one life (whether it is live,
 * whether {@code onOpen} succeeded, the callbacks' lock, the task chain); apart, that state would have to be exposed.
 */
public final class PluginStreams implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginStreams.class.getName());
    private static final Logger ACCESS = Logger.getLogger("io.voicecore.access");
    /** Counter of stream messages by plugin and status (200 for a message handled, else the problem's status). */
    public static final String MESSAGES_METRIC = "voicecore_plugin_stream_messages_total";
    /** Gauge of the streams open on this node, by plugin. */
    public static final String OPEN_METRIC = "voicecore_plugin_streams_open";
    /** The longest close reason a WebSocket close frame carries (125 bytes, two of them for the code). */
    static final int MAX_CLOSE_REASON = 120;

    /**
     * Limits of streams.
     *
     * @param maxPerTenant         streams one tenant may hold open on one node at once
     * @param maxMessageBytes      the largest message a client may send (a frame, or a message split into frames)
     * @param maxMessagesPerSecond messages a client may send per second on one stream, with bursts of as many
     * @param allowedOrigins       web origins whose pages may open streams besides the API's own (see {@link PluginStreamEndpoint})
     * @param sweepInterval        how often connections are checked for loss, tenants for revoked plugins and
     *                             credentials for revocation
     */
    public record Settings(int maxPerTenant, int maxMessageBytes, int maxMessagesPerSecond, List<String> allowedOrigins,
                           Duration sweepInterval) {
    }

    /** How the kernel reaches one client. */
    public interface Transport {
        /** @return {@code false} when the text could not be sent because the connection is gone */
        boolean send(String text);

        /** Sends a close frame with this code and reason; the connection ends once the client answers it. */
        void close(int code, String reason);

        /** @return {@code false} once the connection is known to be lost */
        boolean alive();

        /** @return the client's address, for the log */
        String remoteAddress();
    }

    private final TenantEnablement enablement;
    private final io.voicecore.kernel.plugins.install.PluginCatalog catalog;
    private final StreamAccess access;
    private final PluginCalls calls;
    private final RequestMetrics metrics;
    private final Settings settings;
    private final Map<String, OpenStream> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> openByPlugin = new ConcurrentHashMap<>();
    private final Object registration = new Object();
    private final ScheduledExecutorService sweeper;
    /** Runs {@code onClose} callbacks, which wait for the stream's current callback to finish. */
    private final ExecutorService closeCallbacks = Executors.newVirtualThreadPerTaskExecutor();
    /** Runs the tasks plugins submit on their streams, each stream's one after the other. */
    private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean recheckQueued = new AtomicBoolean();
    private final io.voicecore.kernel.http.Authenticator credentials;

    /** @param credentials tells whether the credential a stream was opened with still stands (checked every sweep) */
    public PluginStreams(PluginRuntime runtime, RequestMetrics metrics, Settings settings,
                         io.voicecore.kernel.http.Authenticator credentials) {
        this.credentials = credentials;
        this.enablement = runtime.enablement();
        this.catalog = runtime.catalog();
        this.access = new StreamAccess(enablement);
        this.calls = runtime.calls();
        this.metrics = metrics;
        this.settings = settings;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "plugin-streams");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        enablement.watch(this::recheckSoon);
        metrics.gauge(OPEN_METRIC, "Plugin streams open on this node, by plugin.", "plugin", this::openCounts);
    }

    public Settings settings() {
        return settings;
    }

    /** @return whether the plugin's current version declares the stream on {@code path} public (no credentials needed) */
    public boolean servesPublicly(String pluginId, String path) {
        return catalog.servesStreamPublicly(pluginId, path);
    }

    /**
     * Decides whether a caller may open a stream, before any connection is upgraded: the plugin is enabled and
     * not quarantined for the tenant, its version serves a stream on the path, and the tenant is below its limit.
     *
     * @param path     the path below the plugin's base, e.g. {@code /conversations/42/stream}
     * @param query    the opening request's query parameters; the kernel's {@code ticket} is not passed on
     * @param opening  the opening request's headers (names in lower case; credentials are not passed on) and target
     * @param anonymous whether the client sent no credentials, which only a public stream admits
     * @param instance the full request path, for problems and the log
     * @throws PluginRefusal    {@code NOT_ENABLED}, {@code ROUTE_NOT_FOUND}, {@code CREDENTIALS_REQUIRED},
     *                          {@code STREAM_LIMIT_REACHED}
     * @throws PluginCallFailure {@code 503 plugin-quarantined}
     */
    public Admission admit(UUID tenantId, String pluginId, String path, Map<String, List<String>> query, Opening opening,
                           Caller caller, boolean anonymous, String instance) {
        StreamAccess.Target target = access.target(tenantId, pluginId, path, anonymous);
        if (openFor(tenantId) >= settings.maxPerTenant()) {
            throw limitReached();
        }
        Map<String, List<String>> passed = new LinkedHashMap<>(query);
        passed.remove(io.voicecore.kernel.http.ApiRoutes.TICKET_PARAMETER);
        Map<String, String> headers = new LinkedHashMap<>(opening.headers());
        headers.keySet().removeAll(CREDENTIAL_HEADERS);
        StreamRequest request = new StreamRequest(path, target.match().params(), passed, caller, headers, opening.target());
        return new Admission(tenantId, pluginId, target, request, instance, opening.principal());
    }

    /**
     * The opening request as the plugin may see it, and who opened it.
     *
     * @param headers   its headers, names in lower case
     * @param target    the path from the server's root and the raw query the client sent
     * @param principal who opened it (by header or ticket); empty on a public stream. The stream ends when its credential
     *                  no longer stands
     */
    public record Opening(Map<String, String> headers, String target, Optional<io.voicecore.kernel.access.Principal> principal) {
        /** An opening without credentials (a public stream, or the test kit's). */
        public Opening(Map<String, String> headers, String target) {
            this(headers, target, Optional.empty());
        }
    }

    /** Headers that carry the client's credentials, which are the kernel's to read, never a plugin's. */
    private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("authorization", "cookie");

    /** A stream the kernel agreed to open, waiting for its connection. */
    public final class Admission {
        private final UUID tenantId;
        private final String pluginId;
        private final StreamAccess.Target target;
        private final StreamRequest request;
        private final String instance;
        private final Optional<io.voicecore.kernel.access.Principal> principal;

        private Admission(UUID tenantId, String pluginId, StreamAccess.Target target, StreamRequest request,
                          String instance, Optional<io.voicecore.kernel.access.Principal> principal) {
            this.principal = principal;
            this.tenantId = tenantId;
            this.pluginId = pluginId;
            this.target = target;
            this.request = request;
            this.instance = instance;
        }

        /** @return the plugin's stream template, e.g. {@code /conversations/{id}/stream} (a bounded metrics label) */
        public String template() {
            return target.match().entry().template();
        }

        /**
         * Opens the stream on its connection: registers it and runs the handler's {@code onOpen}. When that fails,
         * or the tenant reached its limit meanwhile, the client gets the error frame and the close.
         */
        public OpenStream open(Transport transport) {
            OpenStream stream = new OpenStream(this, transport);
            synchronized (registration) {
                if (openFor(tenantId) >= settings.maxPerTenant()) {
                    String requestId = UUID.randomUUID().toString();
                    stream.refuse(PluginProblems.toApiException(limitReached(), pluginId, requestId), requestId);
                    return stream;
                }
                open.put(stream.id, stream);
                openByPlugin.computeIfAbsent(pluginId, k -> new AtomicLong()).incrementAndGet();
            }
            stream.start();
            return stream;
        }
    }

    /** One open stream: the kernel's side (messages and closes from the client) and the plugin's {@link StreamSession}. */
    public final class OpenStream implements StreamSession {
        private final String id = UUID.randomUUID().toString();
        private final Admission admission;
        private final Transport transport;
        private final StreamHandler handler;
        /** Callbacks of one stream never overlap, including an {@code onClose} the plugin caused inside {@code onMessage}. */
        private final java.util.concurrent.locks.ReentrantLock callbacks = new java.util.concurrent.locks.ReentrantLock();
        private final AtomicBoolean live = new AtomicBoolean(true);
        private volatile boolean opened;
        /** Messages the client may still send now: refilled at the per-second limit, up to one second's worth. */
        private double messageAllowance = settings.maxMessagesPerSecond();
        private long allowanceCheckedAt = System.nanoTime();
        /** The stream's submitted tasks, chained so that they run one at a time in order. */
        private java.util.concurrent.CompletableFuture<Void> pendingTasks = java.util.concurrent.CompletableFuture.completedFuture(null);

        private OpenStream(Admission admission, Transport transport) {
            this.admission = admission;
            this.transport = transport;
            this.handler = admission.target.match().entry().handler();
        }

        // ------------------------------------------------------------ the kernel's side

        private void start() {
            String requestId = UUID.randomUUID().toString();
            String outcome = run(requestId, "onOpen", context -> {
                handler.onOpen(this, admission.request, context);
                return "200";
            }, failure -> {
                ApiException problem = problem(failure, requestId);
                refuse(problem, requestId);
                return Integer.toString(problem.status());
            });
            if (live.get()) {
                opened = true;
            }
            access("opened " + outcome, requestId);
        }

        /** A text message from the client: one plugin call, unless the client sends faster than its limit (1008). */
        public void receive(String text) {
            if (!live.get()) {
                return;
            }
            if (!allowMessage()) {
                end(1008, "message-rate-exceeded", true, true);
                return;
            }
            String requestId = UUID.randomUUID().toString();
            long started = System.nanoTime();
            String status = run(requestId, "onMessage", context -> {
                handler.onMessage(this, text, context);
                return "200";
            }, failure -> answerFailure(failure, requestId));
            if (!status.equals("200")) {
                // A fault of this message may have quarantined the plugin: end the stream now, after its error frame.
                // (Other changes reach every stream through the enablement's watch and the sweep.)
                recheck();
            }
            metrics.increment(MESSAGES_METRIC, "Messages clients sent on plugin streams, by plugin and status.",
                              Map.of("plugin", admission.pluginId, "status", status));
            // A media stream carries fifty messages a second: those handled are logged only at FINE, failures always.
            access(status.equals("200") ? Level.FINE : Level.INFO, "message " + status + " " + (System.nanoTime() - started) / 1_000_000 + "ms",
                   requestId);
        }

        /**
         * A message or task failed: the client gets the error frame, and the stream ends if the failure says the tenant
         * may no longer use the plugin.
         *
         * @return the problem's status, for the metrics and the log
         */
        private String answerFailure(RuntimeException failure, String requestId) {
            ApiException problem = problem(failure, requestId);
            sendError(problem, requestId);
            revokedBy(failure).ifPresent(closure -> end(closure.code(), closure.reason(), false, true));
            return Integer.toString(problem.status());
        }

        /** A token bucket: {@code maxMessagesPerSecond} a second on average, as many at once after a quiet second. */
        private synchronized boolean allowMessage() {
            long now = System.nanoTime();
            int perSecond = settings.maxMessagesPerSecond();
            messageAllowance = Math.min(perSecond, messageAllowance + (now - allowanceCheckedAt) * perSecond / 1e9);
            allowanceCheckedAt = now;
            if (messageAllowance < 1) {
                return false;
            }
            messageAllowance -= 1;
            return true;
        }

        /** The client sent a message over the limit: the stream ends with 1009. */
        public void tooBig() {
            end(1009, "message-too-big", true, true);
        }

        /** The client sent binary data: streams carry text, so it ends with 1003. */
        public void binaryRefused() {
            end(1003, "text-only", true, true);
        }

        /** The client closed the stream. */
        public void closedByClient(int code, String reason) {
            end(code, reason, true, false);
        }

        /** The connection was lost without a close. */
        public void lost() {
            end(1006, "connection-lost", true, false);
        }

        private void refuse(ApiException problem, String requestId) {
            sendError(problem, requestId);
            end(4000 + problem.status(), slug(problem), false, true);
        }

        /** Ends the stream once: unregisters it, optionally sends the close frame and tells the plugin. */
        private void end(int code, String reason, boolean notifyPlugin, boolean sendClose) {
            if (!live.compareAndSet(true, false)) {
                return;
            }
            if (open.remove(id) != null) {
                openByPlugin.get(admission.pluginId).decrementAndGet();
            }
            if (sendClose) {
                transport.close(code, reason);
            }
            access("closed " + code + " " + reason, null);
            if (notifyPlugin && opened) {
                try {
                    closeCallbacks.execute(() -> notifyClosed(code, reason));
                } catch (RejectedExecutionException stopping) {
                    LOG.fine(() -> "Not telling stream " + id + " of its close: the kernel is stopping");
                }
            }
        }

        private void notifyClosed(int code, String reason) {
            String requestId = UUID.randomUUID().toString();
            run(requestId, "onClose", context -> {
                handler.onClose(this, code, reason, context);
                return null;
            }, failure -> {
                LOG.log(Level.FINE, "onClose of stream " + id + " did not run: " + failure.getMessage());
                return null;
            });
        }

        /** Runs one callback as a contained plugin call under its own request id; {@code onFailure} maps a failure. */
        private <T> T run(String requestId, String callback, PluginCalls.Work<T> work,
                          java.util.function.Function<RuntimeException, T> onFailure) {
            return run(requestId, callback, work, onFailure, true);
        }

        /** As above; {@code exclusive}: not alongside the stream's other callbacks (a task runs alongside them). */
        private <T> T run(String requestId, String callback, PluginCalls.Work<T> work,
                          java.util.function.Function<RuntimeException, T> onFailure, boolean exclusive) {
            return RequestContext.withRequestId(requestId, "STREAM", admission.instance, transport.remoteAddress(), () -> {
                if (exclusive) {
                    callbacks.lock();
                }
                try {
                    return calls.callVersion(admission.tenantId, admission.target.version(), admission.request.caller(),
                                              requestId, "stream " + admission.template() + " " + callback, work);
                } catch (RuntimeException failure) {
                    return onFailure.apply(failure);
                } finally {
                    if (exclusive) {
                        callbacks.unlock();
                    }
                }
            });
        }

        /** A task the plugin submitted: one plugin call, after the stream's earlier tasks, alongside its messages. */
        private void runTask(io.voicecore.sdk.StreamTask task) {
            if (!live.get()) {
                return;
            }
            String requestId = UUID.randomUUID().toString();
            long started = System.nanoTime();
            String status = run(requestId, "task", context -> {
                task.run(this, context);
                return "200";
            }, failure -> answerFailure(failure, requestId), false);
            if (!status.equals("200")) {
                recheck();
            }
            access(status.equals("200") ? Level.FINE : Level.INFO, "task " + status + " " + (System.nanoTime() - started) / 1_000_000 + "ms",
                   requestId);
        }

        /**
         * Checks that the tenant may still hold this stream, and ends it otherwise. A stream busy with a callback is
         * left to that callback (or the next check), so the answer to a message is sent before the close.
         */
        private void recheck() {
            if (!live.get() || !callbacks.tryLock()) {
                return;
            }
            try {
                access.revoked(admission.tenantId, admission.pluginId, admission.target.version())
                        .flatMap(this::revokedBy)
                        .ifPresent(closure -> end(closure.code(), closure.reason(), false, true));
            } finally {
                callbacks.unlock();
            }
        }

        private Optional<Closure> revokedBy(RuntimeException failure) {
            return switch (failure) {
                case StreamVersionChanged changed -> Optional.of(new Closure(1012, "plugin-upgraded"));
                case PluginCallFailure call when call.kind() == PluginCallFailure.Kind.QUARANTINED ->
                        Optional.of(new Closure(4503, "plugin-quarantined"));
                case PluginRefusal refusal when refusal.reason() == PluginRefusal.Reason.NOT_ENABLED ->
                        Optional.of(new Closure(4404, "plugin-not-enabled"));
                case PluginRefusal refusal when refusal.reason().licence() -> Optional.of(new Closure(4402,
                        PluginProblems.toApiException(refusal, admission.pluginId, "").type().replace("urn:voicecore:problem:", "")));
                default -> Optional.empty();
            };
        }

        private void sendError(ApiException problem, String requestId) {
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "error");
            frame.put("problem", ProblemWriter.body(problem, requestId, admission.instance));
            transport.send(Json.writeString(frame));
        }

        private ApiException problem(RuntimeException failure, String requestId) {
            if (failure instanceof StreamVersionChanged changed) {
                return new ApiException.Custom("urn:voicecore:problem:plugin-upgraded", 503, "Plugin upgraded",
                                               changed.getMessage(), Map.of("plugin", admission.pluginId));
            }
            if (failure instanceof PluginProblem || failure instanceof PluginCallFailure || failure instanceof PluginRefusal) {
                return PluginProblems.toApiException(failure, admission.pluginId, requestId);
            }
            LOG.log(Level.SEVERE, "Stream " + id + " failed in the kernel (request " + requestId + ")", failure);
            return new ApiException.Custom("urn:voicecore:problem:internal", 500, "Internal error", "The server failed to "
                    + "process the message. Quote request id " + requestId + " to the operator; the cause is in the server log "
                    + "under that id.", Map.of());
        }

        private void access(String what, String requestId) {
            access(Level.INFO, what, requestId);
        }

        private void access(Level level, String what, String requestId) {
            if (ACCESS.isLoggable(level)) {
                ACCESS.log(level, "STREAM " + admission.instance + " " + what + " stream=" + id + " actor="
                            + admission.request.caller().actorId() + (requestId == null ? "" : " request=" + requestId));
            }
        }

        // ------------------------------------------------------------ the plugin's side

        @Override
        public String id() {
            return id;
        }

        @Override
        public StreamRequest request() {
            return admission.request;
        }

        @Override
        public boolean send(String text) {
            return live.get() && transport.send(text);
        }

        @Override
        public boolean send(io.voicecore.sdk.json.Json value) {
            return send(value.toString());
        }

        @Override
        public void submit(io.voicecore.sdk.StreamTask task) {
            java.util.Objects.requireNonNull(task, "task");
            synchronized (this) {
                if (live.get()) {
                    try {
                        pendingTasks = pendingTasks.thenRunAsync(() -> runTask(task), tasks);
                    } catch (RejectedExecutionException stopping) {
                        LOG.fine(() -> "Not running a task of stream " + id + ": the kernel is stopping");
                    }
                }
            }
        }

        @Override
        public boolean isOpen() {
            return live.get() && transport.alive();
        }

        @Override
        public void close(int code, String reason) {
            if (code != NORMAL_CLOSE && (code < 4000 || code > 4999)) {
                throw new IllegalArgumentException("a plugin closes a stream with 1000 or a code from 4000 to 4999, not " + code);
            }
            if (reason.length() > MAX_CLOSE_REASON || reason.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON) {
                throw new IllegalArgumentException("a close reason is at most " + MAX_CLOSE_REASON + " characters");
            }
            end(code, reason, true, true);
        }

        @Override
        public String toString() {
            return "stream " + id + " " + admission.instance;
        }
    }

    private record Closure(int code, String reason) {
    }

    private static String slug(ApiException problem) {
        String type = problem.type();
        return type.substring(type.lastIndexOf(':') + 1);
    }

    private static PluginRefusal limitReached() {
        return PluginRefusal.of(PluginRefusal.Reason.STREAM_LIMIT_REACHED,
                                "This tenant already holds the most streams allowed at once; close one and retry.");
    }

    private long openFor(UUID tenantId) {
        return open.values().stream().filter(s -> s.admission.tenantId.equals(tenantId)).count();
    }

    private Map<String, Long> openCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        openByPlugin.forEach((plugin, count) -> counts.put(plugin, count.get()));
        return counts;
    }

    /** Streams open on this node for a tenant and plugin, e.g. for tests and the operator. */
    public long openStreams(UUID tenantId, String pluginId) {
        return open.values().stream().filter(s -> s.admission.tenantId.equals(tenantId) && s.admission.pluginId.equals(pluginId))
                .count();
    }

    private void recheckSoon() {
        if (recheckQueued.compareAndSet(false, true)) {
            try {
                sweeper.execute(() -> {
                    recheckQueued.set(false);
                    recheckAll();
                });
            } catch (RejectedExecutionException stopping) {
                recheckQueued.set(false);
            }
        }
    }

    private void sweep() {
        for (OpenStream stream : open.values()) {
            if (!stream.transport.alive()) {
                stream.lost();
            }
        }
        recheckAll();
        recheckCredentials();
    }

    /** Ends the streams whose API key was revoked or whose session ended (4401), asking once per credential. */
    private void recheckCredentials() {
        Map<String, Boolean> standing = new java.util.HashMap<>();
        for (OpenStream stream : open.values()) {
            stream.admission.principal.ifPresent(principal -> {
                try {
                    if (!standing.computeIfAbsent(principal.credentialId(), id -> credentials.stands(principal))) {
                        stream.end(4401, "credentials-revoked", true, true);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not check the credential of " + stream, e);
                }
            });
        }
    }

    private void recheckAll() {
        for (OpenStream stream : open.values()) {
            try {
                stream.recheck();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not check whether " + stream + " may stay open", e);
            }
        }
    }

    /** Closes every stream (1001) and stops checking them. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        for (OpenStream stream : open.values()) {
            stream.end(1001, "kernel-stopping", false, true);
        }
        closeCallbacks.shutdown();
        tasks.shutdown();
    }
}
