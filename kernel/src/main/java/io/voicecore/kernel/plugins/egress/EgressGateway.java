package io.voicecore.kernel.plugins.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditGroupCommit;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.EgressException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.json.Json;

/**
 * Outbound HTTP for plugins. Plugins cannot open sockets; the kernel makes the call for them with Helidon's
 * HTTP client, after checking, on every call: the {@code http:egress} permission, the host against the
 * manifest's {@code egress.hosts} ({@link EgressHosts}), {@code https} (plain {@code http} only to loopback
 * hosts listed exactly), no user info in the URI, and no hop-by-hop or {@code Host} header from the plugin.
 *
 * <p>Then, for every new connection, right before connecting: the address. A private, loopback, link-local,
 * metadata or otherwise non-public address ({@link AddressClass}), given literally or as the answer for a host
 * name, is refused unless the operator allow-lists it ({@link PrivateAddressAllowList}); the connection then goes
 * to exactly the address that was checked ({@link PinnedAddresses}), so a name that answers differently the second
 * time (DNS rebinding) cannot slip past. The same holds for hosts in the manifest and hosts a tenant configured.
 *
 * <p>Redirects are never followed (the plugin gets the 3xx and may call the new location, which is checked
 * again). A call takes at most the request's timeout, capped at {@link #MAX_CALL_TIMEOUT}, including reading
 * the body; the connection must be made within {@link #CONNECT_TIMEOUT}; a response body larger than the
 * configured limit aborts the transfer. Each call that was sent is metered ({@code egress.requests},
 * {@code egress.bytes}: request plus response body bytes) and audited ({@code plugin.egress}, target = host,
 * no headers or bodies) in one transaction; each refused call is audited as {@code denied} and counted in
 * {@code voicecore_plugin_egress_denied_total}.
 *
 * <p>Cost: every sent call's usage records and audit record are written after the HTTP exchange by group commit
 * ({@link AuditGroupCommit}): the call waits until they are committed, but calls of one tenant that finish together
 * share one transaction and one acquisition of the tenant's audit chain lock, instead of queueing one transaction
 * at a time behind it. Refusals are rare and audited in a transaction of their own.
 */
public final class EgressGateway implements AutoCloseable {
    /** Default largest response body: 10 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;
    /** Time allowed to establish a connection. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Cap on a whole call, whatever the plugin asks for. */
    public static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Counter of refused calls in the metrics. */
    public static final String DENIED_COUNTER = "voicecore_plugin_egress_denied_total";
    /** Counter of calls sent in the metrics. */
    public static final String SENT_COUNTER = "voicecore_plugin_egress_requests_total";
    /** Counter of calls sent, by plugin, host and outcome (the HTTP status, or the failure). */
    public static final String RESPONSES_COUNTER = "voicecore_plugin_egress_responses_total";
    static final String ACTION = "plugin.egress";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** Connection-level headers belong to the kernel's client, not to the plugin. */
    private static final Set<String> KERNEL_HEADERS = Set.of("host", "connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "expect");
    private static final int MAX_AUDITED_PATH = 300;
    private static final Logger LOG = Logger.getLogger(EgressGateway.class.getName());

    private final Database database;
    private final AuditLog audit;
    /** Each sent call's audit record, with its usage records alongside. */
    private final AuditGroupCommit<List<UsageMeter.Entry>> sentCalls;
    private final UsageMeter usage;
    private final PluginConfigs configs;
    private final RequestMetrics metrics;
    private final long maxResponseBytes;
    private final WebClient client;
    private final PinnedAddresses addresses;
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * The kernel's gateway: the limits and the allow-list from the configuration
     * ({@code plugins.egress.max-response-bytes}, {@code plugins.egress.allow-private}), names looked up by the system.
     */
    public EgressGateway(Database database, AuditLog audit, UsageMeter usage, PluginConfigs configs, RequestMetrics metrics,
                         KernelConfig config) {
        this(database, audit, usage, configs, metrics, config.egressMaxResponseBytes(), PrivateAddressAllowList.of(config),
             EgressResolver.SYSTEM);
    }

    /**
     * @param maxResponseBytes the largest response body a call may read; also the largest request body
     * @param allowPrivate     the non-public addresses plugins may reach all the same
     * @param resolver         looks up host names; checked and pinned per connection by {@link PinnedAddresses}
     */
    public EgressGateway(Database database, AuditLog audit, UsageMeter usage, PluginConfigs configs, RequestMetrics metrics,
                         long maxResponseBytes, PrivateAddressAllowList allowPrivate, EgressResolver resolver) {
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("the response size limit must be positive, not " + maxResponseBytes);
        }
        this.database = database;
        this.audit = audit;
        this.sentCalls = new AuditGroupCommit<>(database, audit,
                (tx, calls) -> usage.recordAll(tx, calls.stream().flatMap(List::stream).toList()));
        this.usage = usage;
        this.configs = configs;
        this.metrics = metrics;
        this.maxResponseBytes = maxResponseBytes;
        // No cookies, no proxy, no redirects: the client is shared by every tenant and must keep no state, and
        // every connection goes straight to the address PinnedAddresses checked.
        this.addresses = new PinnedAddresses(resolver, allowPrivate);
        this.client = WebClient.builder()
                .dnsResolver(addresses)
                .proxy(Proxy.noProxy())
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(false)
                .sendExpectContinue(false)
                .shareConnectionCache(false)
                .build();
    }

    /** The plugin-facing capability for one call; every {@code send} checks the permission and the host again. */
    public HttpEgress forCall(PluginCall call) {
        return request -> send(call, request);
    }

    /**
     * Why a URL's host would be refused at connect time when it is an address written out (a tenant saving
     * {@code http://10.0.0.5/} as a plugin's URL can be told at once); empty for names, which are checked when connecting.
     */
    public Optional<String> refusedAddress(String url) {
        try {
            String host = EgressHosts.normalize(Optional.ofNullable(URI.create(url).getHost()).orElse(""));
            if (!host.isEmpty() && EgressHosts.isIpLiteral(host)) {
                addresses.check(host, java.net.InetAddress.getByName(host));
            }
            return Optional.empty();
        } catch (PinnedAddresses.PrivateAddressRefused refused) {
            return Optional.of(refused.getMessage());
        } catch (IllegalArgumentException | java.net.UnknownHostException notAnAddress) {
            return Optional.empty();
        }
    }

    /** The whole-call time limit for a requested timeout: the request's, capped at {@link #MAX_CALL_TIMEOUT}. */
    static Duration callTimeout(Duration requested) {
        if (requested == null) {
            return MAX_CALL_TIMEOUT;
        }
        if (requested.isNegative() || requested.isZero()) {
            throw new IllegalArgumentException("An egress request's timeout must be positive, not " + requested + ".");
        }
        return requested.compareTo(MAX_CALL_TIMEOUT) > 0 ? MAX_CALL_TIMEOUT : requested;
    }

    private EgressResponse send(PluginCall call, EgressRequest request) {
        if (request == null || request.uri() == null || request.method() == null) {
            throw new IllegalArgumentException("An egress request needs a method and an absolute URI.");
        }
        URI uri = request.uri();
        String method = request.method().toUpperCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : EgressHosts.normalize(uri.getHost());
        try {
            // A service calling out for another plugin needs that plugin's grant too (no confused deputy).
            call.requireAlongChain(Permission.HTTP_EGRESS);
            checkDestination(call, uri, host);
        } catch (PermissionDeniedException refused) {
            recordRefusal(call, method, uri, host, refused);
            throw refused;
        }
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("Egress method '" + request.method() + "' is not supported; use one of "
                                               + METHODS.stream().sorted().toList() + ".");
        }
        for (String name : request.headers().keySet()) {
            if (KERNEL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Header '" + name + "' is set by the kernel's HTTP client; remove it from the request.");
            }
        }
        byte[] body = request.body();
        if (body.length > maxResponseBytes) {
            throw new EgressException("The request body to " + host + " has " + body.length + " bytes; the limit is "
                                      + maxResponseBytes + " bytes.");
        }
        Duration timeout = callTimeout(request.timeout());
        return exchange(call, method, uri, host, request.headers(), body, timeout);
    }

    /** Throws {@link PermissionDeniedException} unless the URI's scheme, user info and host are allowed. */
    private void checkDestination(PluginCall call, URI uri, String host) {
        String plugin = call.pluginId();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        // The messages name the host only: a URL's path or query may carry tokens, and refusals are audited.
        if (uri.getRawUserInfo() != null) {
            throw denied("Plugin '" + plugin + "' may not put user info in an egress URL (host " + (host.isEmpty() ? "unknown" : "'" + host + "'")
                         + "); send credentials in a header instead.");
        }
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw denied("Plugin '" + plugin + "' may call only absolute https URLs, not "
                         + (uri.isAbsolute() ? "a '" + abbreviate(scheme) + "' URL" : "a relative URL") + ".");
        }
        if (host.isEmpty()) {
            throw denied("Plugin '" + plugin + "' called a URL whose host egress rules cannot allow (not a plain DNS name or IP "
                         + "address, e.g. percent-encoded or non-ASCII); use the host's ASCII name.");
        }
        List<String> entries = call.manifest().egressHosts();
        boolean exactly = entries.stream().anyMatch(entry -> EgressHosts.matchesExactly(entry, host));
        boolean allowed = exactly || entries.stream().anyMatch(entry -> EgressHosts.matches(entry, host));
        Map<String, Optional<String>> configured = new LinkedHashMap<>();
        if (!allowed && entries.stream().anyMatch(entry -> EgressHosts.configKey(entry).isPresent())) {
            configured = configuredHosts(call);
            // A host taken from the tenant's configuration counts as listed exactly.
            exactly = configured.values().stream().anyMatch(h -> h.isPresent() && h.get().equals(host));
            allowed = exactly;
        }
        if (!allowed) {
            throw denied("Plugin '" + plugin + "' may not call host '" + host + "': its manifest allows only "
                         + describeRules(entries, configured) + ".");
        }
        if (scheme.equals("http") && !(exactly && EgressHosts.isLoopback(host))) {
            throw denied("Plugin '" + plugin + "' must call '" + host + "' over https; plain http is allowed only to the loopback hosts "
                         + EgressHosts.LOOPBACK.stream().sorted().toList() + " when the manifest lists them exactly.");
        }
    }

    /** The host each {@code ${config.key}} entry stands for, for this tenant (empty when unset or not a URL property). */
    private Map<String, Optional<String>> configuredHosts(PluginCall call) {
        Json values = configs.effective(call.tenantId(), call.manifest());
        Map<String, ConfigProperty> properties = call.manifest().config().properties();
        Map<String, Optional<String>> hosts = new LinkedHashMap<>();
        for (String entry : call.manifest().egressHosts()) {
            EgressHosts.configKey(entry).ifPresent(key -> {
                ConfigProperty property = properties.get(key);
                Json value = values.get(key);
                Optional<String> host = Optional.empty();
                if (property != null && property.type().equals("url") && value instanceof Json.Str url) {
                    try {
                        host = Optional.ofNullable(URI.create(url.value()).getHost()).map(EgressHosts::normalize);
                    } catch (IllegalArgumentException e) {
                        host = Optional.empty();
                    }
                }
                hosts.put(entry, host);
            });
        }
        return hosts;
    }

    private EgressResponse exchange(PluginCall call, String method, URI uri, String host, Map<String, String> headers, byte[] body,
                                    Duration timeout) {
        AtomicLong received = new AtomicLong();
        long started = System.nanoTime();
        // The exchange runs on a virtual thread of its own, so the whole call, body included, stops at the deadline.
        Future<Exchanged> pending = exchanges.submit(() -> exchangeNow(call, method, uri, headers, body, timeout, received));
        Exchanged response;
        try {
            response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw failed(call, method, uri, host, body.length, received.get(), started,
                         "did not complete within " + timeout.toMillis() + " ms", "timeout");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw failed(call, method, uri, host, body.length, received.get(), started, "was interrupted", "interrupted");
        } catch (ExecutionException e) {
            if (refusalIn(e.getCause()) instanceof PinnedAddresses.PrivateAddressRefused refused) {
                PermissionDeniedException denied = denied("Plugin '" + call.pluginId() + "' may not call '" + host + "': "
                                                          + refused.getMessage() + ".");
                recordRefusal(call, method, uri, host, denied);
                throw denied;
            }
            throw failed(call, method, uri, host, body.length, received.get(), started, describe(e.getCause(), timeout), kind(e.getCause()));
        }
        long durationMillis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Object> details = details(method, uri, durationMillis, body.length + (long) response.body().length);
        details.put("status", response.status());
        meterAndAudit(call, host, body.length + (long) response.body().length, "success", details);
        return new EgressResponse(response.status(), response.headers(), response.body());
    }

    private record Exchanged(int status, Map<String, List<String>> headers, byte[] body) {
    }

    /** The HTTP exchange itself; the connection's address is checked by {@link PinnedAddresses} right before connecting. */
    private Exchanged exchangeNow(PluginCall call, String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
                                  AtomicLong received) throws IOException {
        HttpClientRequest request = client.method(Method.create(method))
                .uri(uri)
                .skipUriEncoding(true)
                .readTimeout(timeout);
        request.headers(outgoing -> {
            headers.forEach((name, value) -> outgoing.set(HeaderNames.create(name), value));
            if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("User-Agent"))) {
                outgoing.set(HeaderNames.USER_AGENT, "VoiceCore-Plugin/" + call.pluginId());
            }
        });
        try (HttpClientResponse response = body.length == 0 ? request.request() : request.submit(body)) {
            Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
            for (Header header : response.headers()) {
                responseHeaders.computeIfAbsent(header.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(header.allValues());
            }
            long declared = response.headers().contentLength().orElse(-1);
            if (declared > maxResponseBytes) {
                throw new TooLarge(maxResponseBytes);
            }
            return new Exchanged(response.status().code(), responseHeaders, readLimited(response.inputStream(), received));
        }
    }

    /** Reads a body while it streams in and gives up as soon as it would exceed the limit, so it is never held whole. */
    private byte[] readLimited(InputStream in, AtomicLong received) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            if (received.addAndGet(n) > maxResponseBytes) {
                throw new TooLarge(maxResponseBytes);
            }
            buffer.write(chunk, 0, n);
        }
        return buffer.toByteArray();
    }

    /** The response was larger than allowed. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the response body exceeds the limit of " + limit + " bytes");
        }
    }

    private static Throwable refusalIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PinnedAddresses.PrivateAddressRefused) {
                return t;
            }
        }
        return null;
    }

    private EgressException failed(PluginCall call, String method, URI uri, String host, long sent, long received, long started,
                                   String what, String kind) {
        long durationMillis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Object> details = details(method, uri, durationMillis, sent + received);
        details.put("error", kind);
        meterAndAudit(call, host, sent + received, "failed", details);
        return new EgressException("The call " + method + " to " + host + " " + what + ".");
    }

    /** The usage records and the audit record of a call that was sent, committed together before the call returns. */
    private void meterAndAudit(PluginCall call, String host, long bytes, String outcome, Map<String, Object> details) {
        metrics.increment(SENT_COUNTER);
        // A provider answering 429 or 500 shows here, next to the plugin and the host.
        Object status = details.containsKey("status") ? details.get("status") : details.getOrDefault("error", outcome);
        metrics.increment(RESPONSES_COUNTER, "Plugins' outbound HTTP calls, by plugin, host and status (or failure).",
                          Map.of("plugin", call.pluginId(), "host", host, "status", String.valueOf(status)));
        List<UsageMeter.Entry> metered = new ArrayList<>(2);
        metered.add(new UsageMeter.Entry(call.tenantId(), call.pluginId(), "egress.requests", 1, "request", call.requestId()));
        if (bytes > 0) {
            metered.add(new UsageMeter.Entry(call.tenantId(), call.pluginId(), "egress.bytes", bytes, "byte", call.requestId()));
        }
        sentCalls.append(new AuditEvent(call.tenantId(), "plugin:" + call.pluginId(), ACTION, host, outcome, details), metered);
    }

    /** A refused call is counted and audited; failing to audit it must not turn the refusal into another error. */
    private void recordRefusal(PluginCall call, String method, URI uri, String host, PermissionDeniedException refused) {
        metrics.increment(DENIED_COUNTER);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("plugin", call.pluginId());
        details.put("method", METHODS.contains(method) ? method : "other");
        details.put("path", auditedPath(uri));
        details.put("permission", refused.permission());
        details.put("reason", refused.getMessage());
        try {
            database.inTenant(call.tenantId(), tx -> audit.append(tx, new AuditEvent(call.tenantId(), "plugin:" + call.pluginId(),
                    ACTION, host.isEmpty() ? "(no host)" : host, "denied", details)));
        } catch (RuntimeException auditFailure) {
            LOG.log(Level.SEVERE, "Could not audit a refused egress call of plugin '" + call.pluginId() + "' to '" + host + "'", auditFailure);
            refused.addSuppressed(auditFailure);
        }
    }

    private Map<String, Object> details(String method, URI uri, long durationMillis, long bytes) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", method);
        details.put("path", auditedPath(uri));
        details.put("durationMs", durationMillis);
        details.put("bytes", bytes);
        return details;
    }

    /** The path without query or fragment, shortened: the audit log keeps where a call went, not what it carried. */
    private static String auditedPath(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return path.length() <= MAX_AUDITED_PATH ? path : path.substring(0, MAX_AUDITED_PATH) + "...";
    }

    private static String describe(Throwable failure, Duration timeout) {
        Throwable cause = rootOfKind(failure);
        return switch (cause) {
            case TooLarge tooLarge -> "failed: " + tooLarge.getMessage();
            case SocketTimeoutException t when isConnectTimeout(t) -> "could not connect within " + CONNECT_TIMEOUT.toSeconds() + " s";
            case SocketTimeoutException t -> "did not complete within " + timeout.toMillis() + " ms";
            case ConnectException c -> "could not connect (" + (c.getMessage() == null ? "connection refused" : c.getMessage()) + ")";
            case null -> "failed";
            default -> "failed (" + cause.getClass().getSimpleName()
                       + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
        };
    }

    private static String kind(Throwable failure) {
        return switch (rootOfKind(failure)) {
            case TooLarge t -> "response-too-large";
            case SocketTimeoutException t when isConnectTimeout(t) -> "connect-timeout";
            case SocketTimeoutException t -> "timeout";
            case ConnectException c -> "connect-failed";
            case null -> "failed";
            default -> "failed";
        };
    }

    /** The most telling exception in a chain: our size limit, a timeout or a refused connection, else the deepest cause. */
    private static Throwable rootOfKind(Throwable failure) {
        Throwable deepest = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TooLarge || t instanceof SocketTimeoutException || t instanceof ConnectException) {
                return t;
            }
            deepest = t;
        }
        return deepest;
    }

    private static boolean isConnectTimeout(SocketTimeoutException timeout) {
        return timeout.getMessage() != null && timeout.getMessage().toLowerCase(Locale.ROOT).contains("connect");
    }

    private static PermissionDeniedException denied(String detail) {
        return new PermissionDeniedException(Permission.HTTP_EGRESS, detail);
    }

    private static String describeRules(List<String> entries, Map<String, Optional<String>> configured) {
        if (entries.isEmpty()) {
            return "no hosts (egress.hosts is empty)";
        }
        List<String> described = new ArrayList<>();
        for (String entry : entries) {
            Optional<String> resolved = configured.getOrDefault(entry, Optional.empty());
            described.add(EgressHosts.configKey(entry).isPresent() && configured.containsKey(entry)
                                  ? entry + " (= " + resolved.orElse("not set") + ")" : entry);
        }
        return described.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    /** Stops the exchanges; calls in flight are aborted. */
    @Override
    public void close() {
        exchanges.shutdownNow();
        sentCalls.close();
    }
}
