package io.voicecore.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ProblemWriter;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.events.EventBus;
import io.voicecore.kernel.plugins.runtime.RouteRequest;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.streams.PluginStreams;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;

/**
 * One tenant that has the plugin enabled: call its routes, open its streams, deliver events to it, run its jobs, set
 * its configuration and secrets (and those of the other plugins of the kit), read what it published and the usage it
 * recorded. Everything goes through the kernel's plugin runtime exactly as
 * for a real tenant (containment, permission checks, the plugin's own database role and row-level security),
 * without HTTP: the caller is the platform administrator, already authenticated (another one with {@link #as}).
 */
public final class TestTenant {
    private final KernelServices kernel;
    private final String pluginId;
    private final UUID id;
    private final String slug;
    private final Principal admin;
    private final Set<String> granted;
    private final KitLicences licences;
    /** Who calls the plugin's routes and opens its streams. */
    private final Caller caller;

    TestTenant(KernelServices kernel, String pluginId, UUID id, String slug, Principal admin, Set<String> granted,
               KitLicences licences) {
        this(kernel, pluginId, id, slug, admin, granted, licences, new Caller(admin.actorId(), admin.role().wireName()));
    }

    private TestTenant(KernelServices kernel, String pluginId, UUID id, String slug, Principal admin, Set<String> granted,
                       KitLicences licences, Caller caller) {
        this.caller = caller;
        this.kernel = kernel;
        this.pluginId = pluginId;
        this.id = id;
        this.slug = slug;
        this.admin = admin;
        this.granted = Collections.unmodifiableSet(new TreeSet<>(granted));
        this.licences = licences;
    }

    /**
     * This tenant, with its routes called and its streams opened by another caller of the tenant than the platform
     * administrator, e.g. to test that a route refuses a {@code tenant-user} ({@code Request.caller()}). Configuration,
     * secrets, events and jobs are still set and run as before.
     *
     * @param role    the caller's role, e.g. {@code tenant-user} or {@code tenant-admin}
     * @param actorId the caller's id for records, e.g. {@code user:alice}
     * @return the same tenant seen by that caller
     */
    public TestTenant as(String role, String actorId) {
        return new TestTenant(kernel, pluginId, id, slug, admin, granted, licences,
                              new Caller(Objects.requireNonNull(actorId, "actorId"), Objects.requireNonNull(role, "role")));
    }

    /** @return the tenant's id, as the plugin sees it in {@code PluginContext.tenantId()} */
    public UUID id() {
        return id;
    }

    /** @return the tenant's slug, as it appears in the plugin's URLs {@code /api/v1/tenants/{slug}/{pluginId}/...} */
    public String slug() {
        return slug;
    }

    /** @return the permissions this tenant granted the plugin */
    public Set<String> granted() {
        return granted;
    }

    /** @param path the route path with an optional query, e.g. {@code /guests?limit=5} @return the answer */
    public TestResponse get(String path) {
        return request(HttpMethod.GET, path, Map.of(), new byte[0]);
    }

    /** @param path the route path @param body sent as {@code application/json} @return the answer */
    public TestResponse post(String path, Json body) {
        return withJson(HttpMethod.POST, path, body);
    }

    /** @param path the route path @param body sent as {@code application/json} @return the answer */
    public TestResponse put(String path, Json body) {
        return withJson(HttpMethod.PUT, path, body);
    }

    /** @param path the route path @param body sent as {@code application/json} @return the answer */
    public TestResponse patch(String path, Json body) {
        return withJson(HttpMethod.PATCH, path, body);
    }

    /** @param path the route path @return the answer */
    public TestResponse delete(String path) {
        return request(HttpMethod.DELETE, path, Map.of(), new byte[0]);
    }

    private TestResponse withJson(HttpMethod method, String path, Json body) {
        return request(method, path, Map.of("Content-Type", "application/json"),
                       Objects.requireNonNull(body, "body").toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Calls a plugin route. As in the HTTP API, the body of a GET or DELETE is not passed on, a body over the
     * kernel's limit is answered 413 ({@code http.max-body-bytes}, or {@code plugins.max-stream-bytes} on a route
     * declared with {@code stream: true}), and header names reach the plugin in lower case.
     *
     * @param path    the path below the plugin's base, starting with {@code /}, with an optional query
     * @param headers request headers, e.g. {@code Content-Type}
     * @param body    the body bytes
     * @return the plugin's response (a streamed response collected into the body), or the problem the kernel answers
     *         instead
     * @throws PluginCallException when a streamed response failed after it had started (over HTTP the connection
     *                             would be cut off)
     */
    public TestResponse request(HttpMethod method, String path, Map<String, String> headers, byte[] body) {
        Map<String, String> sized = new LinkedHashMap<>(headers);
        if (sized.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("content-length"))) {
            sized.put("Content-Length", Integer.toString(body.length));
        }
        return request(method, path, sized, new ByteArrayInputStream(Objects.requireNonNull(body, "body")));
    }

    /**
     * Calls a plugin route with a body read from {@code body} as the route consumes it, like an HTTP upload of unknown
     * length (no {@code Content-Length} unless given in {@code headers}): for bodies too large to hold in memory on a
     * route declared with {@code stream: true}. Otherwise as {@link #request(HttpMethod, String, Map, byte[])}.
     *
     * @param body the body, read at most once and not closed
     */
    public TestResponse request(HttpMethod method, String path, Map<String, String> headers, InputStream body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(body, "body");
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("A route path starts with '/', e.g. '/greeting'; got '" + path + "'.");
        }
        int query = path.indexOf('?');
        String routePath = query < 0 ? path : path.substring(0, query);
        Map<String, String> lowerCase = new LinkedHashMap<>();
        headers.forEach((name, value) -> lowerCase.put(name.toLowerCase(Locale.ROOT), value));
        String requestId = UUID.randomUUID().toString();
        String instance = "/api/v1/tenants/" + slug + "/" + pluginId + path;
        // As over HTTP, GET and DELETE get no body; the runtime reads or streams the others by the route's declaration.
        boolean withoutBody = method == HttpMethod.GET || method == HttpMethod.DELETE;
        RouteRequest request = new RouteRequest(method, routePath, query < 0 ? Map.of() : queryParams(path.substring(query + 1)),
                                                lowerCase, caller,
                                                withoutBody ? Optional.empty() : Optional.of(body), instance, false);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        boolean[] opened = {false};
        try {
            Response response = kernel.plugins().routes().serve(id, pluginId, request, requestId, template -> { }, (status, type, more) -> {
                opened[0] = true;
                return streamed;
            });
            Map<String, String> answered = new LinkedHashMap<>();
            if (response.contentType() != null) {
                answered.put("Content-Type", response.contentType());
            }
            answered.putAll(response.headers());
            answered.put(requestIdHeader(), requestId);
            return new TestResponse(response.status(), answered, response.streamed() ? streamed.toByteArray() : response.body());
        } catch (PluginProblem | PluginCallFailure | PluginRefusal | ApiException failure) {
            TestResponse problem = problem(PluginProblems.toApiException(failure, pluginId, requestId), requestId, instance);
            if (opened[0]) {
                throw new PluginCallException(method + " " + path + ": the streamed response was cut off after "
                        + streamed.size() + " bytes because the call", problem, failure.getCause() != null ? failure.getCause() : failure);
            }
            return problem;
        }
    }

    /**
     * Opens one of the plugin's streams as a WebSocket client of this tenant would, through the kernel's real
     * stream handling (the caller is the platform administrator, unless {@link #as} chose another). The plugin's
     * {@code onOpen} has run when this returns, so what it sent is waiting for {@link TestStream#receive()}. Close the
     * stream when done.
     *
     * @param path the stream path below the plugin's base, starting with {@code /}, with an optional query,
     *             e.g. {@code /conversations/42/stream}
     * @return the client's end of the stream
     * @throws PluginCallException when the kernel refuses to open it, with the problem the WebSocket upgrade would
     *                             be answered: 404 {@code route-not-found} (no such stream), {@code plugin-not-enabled},
     *                             429 {@code stream-limit-reached}, 503 {@code plugin-quarantined}
     */
    public TestStream stream(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("A stream path starts with '/', e.g. '/live'; got '" + path + "'.");
        }
        int query = path.indexOf('?');
        String streamPath = query < 0 ? path : path.substring(0, query);
        String instance = "/api/v1/tenants/" + slug + "/" + pluginId + streamPath;
        String requestId = UUID.randomUUID().toString();
        PluginStreams streams = kernel.streams();
        PluginStreams.Admission admission;
        try {
            admission = streams.admit(id, pluginId, streamPath, query < 0 ? Map.of() : queryParams(path.substring(query + 1)),
                                      new PluginStreams.Opening(Map.of(), instance + (query < 0 ? "" : path.substring(query))),
                                      caller, false, instance);
        } catch (PluginProblem | PluginCallFailure | PluginRefusal | ApiException failure) {
            throw new PluginCallException("Opening stream " + path, problem(PluginProblems.toApiException(failure, pluginId,
                    requestId), requestId, instance), failure);
        }
        TestStream client = new TestStream(streams.settings().maxMessageBytes());
        client.attach(admission.open(client.transport()));
        return client;
    }

    /**
     * Delivers an event of {@code topic} to the plugin's handler, as the event bus would deliver one that
     * another plugin published for this tenant.
     *
     * @return the event delivered (pass it to {@link #deliver(Event)} to test a redelivery)
     * @throws IllegalStateException if the event bus would not deliver the topic to the plugin: it must list
     *                               it under {@code events.subscribes}, handle it in {@code setup} and be
     *                               granted {@code events:subscribe}
     * @throws PluginCallException   if the handler did not complete
     */
    public Event deliver(String topic, Json payload) {
        Event event = new Event(UUID.randomUUID().toString(), topic, id.toString(), EventBus.KERNEL_PUBLISHER,
                                Objects.requireNonNull(payload, "payload"), Instant.now().truncatedTo(ChronoUnit.MICROS), 1);
        deliver(event);
        return event;
    }

    /**
     * Delivers this exact event, e.g. a second time with the same id and a higher {@code attempt}, to test that
     * the handler tolerates the event bus's at-least-once delivery.
     *
     * @throws IllegalStateException as {@link #deliver(String, Json)}
     * @throws PluginCallException   if the handler did not complete
     */
    public void deliver(Event event) {
        if (!kernel.plugins().events().subscribers(id, event.topic()).contains(pluginId)) {
            throw new IllegalStateException("The event bus would not deliver '" + event.topic() + "' to plugin '" + pluginId
                    + "': it must list the topic under events.subscribes in plugin.yaml, register a handler with "
                    + "setup.onEvent(\"" + event.topic() + "\", ...), and be granted events:subscribe (granted: " + granted + ").");
        }
        String requestId = "event-" + event.id();
        try {
            kernel.plugins().events().deliver(id, pluginId, event);
        } catch (PluginProblem | PluginCallFailure | PluginRefusal | ApiException failure) {
            throw new PluginCallException("Delivering " + event.topic(), problem(PluginProblems.toApiException(failure, pluginId,
                    requestId), requestId, "event " + event.topic()), failure.getCause() != null ? failure.getCause() : failure);
        }
    }

    /**
     * Runs one of the plugin's scheduled jobs now, for this tenant, as the scheduler would at its due time.
     *
     * @throws IllegalArgumentException if the plugin registered no job of that name
     * @throws IllegalStateException    if the tenant did not grant {@code scheduler}, so the scheduler would never run it
     * @throws PluginCallException      if the job did not complete
     */
    public void runJob(String name) {
        List<String> jobs = kernel.plugins().events().jobs().stream().filter(job -> job.pluginId().equals(pluginId))
                .map(job -> job.name()).toList();
        if (!jobs.contains(name)) {
            throw new IllegalArgumentException("Plugin '" + pluginId + "' registered no job '" + name + "' (its jobs: " + jobs + ").");
        }
        if (!kernel.plugins().events().tenantsForJobs(pluginId).contains(id)) {
            throw new IllegalStateException("The scheduler would not run jobs of plugin '" + pluginId + "' for this tenant: it "
                    + "must be granted scheduler (granted: " + granted + ").");
        }
        String requestId = "job-" + name;
        try {
            kernel.plugins().events().runJob(id, pluginId, name);
        } catch (PluginProblem | PluginCallFailure | PluginRefusal | ApiException failure) {
            throw new PluginCallException("Job " + name, problem(PluginProblems.toApiException(failure, pluginId, requestId),
                    requestId, "job " + name), failure.getCause() != null ? failure.getCause() : failure);
        }
    }

    /**
     * Gives the tenant a licence of the plugin, as the marketplace attaches one when a tenant buys it: from now on the
     * plugin's {@code PluginContext.licence()} answers it, on every route, event, job and stream call. The kit judges it
     * against the current time as the platform judges a marketplace licence: once its {@code expiresAt} has passed,
     * every call is refused with 402 {@code license-expired} (a route answers that problem, {@link #deliver} and
     * {@link #runJob} throw {@link PluginCallException} with it), and before its {@code startsAt} with 402
     * {@code license-invalid}; a licence with {@code inGrace} set is served and tells the plugin it is in its grace
     * period. Until a licence is set, or after {@link #clearLicence()}, the plugin runs unlicensed, as a plugin
     * installed outside the marketplace does, and {@code licence()} is empty.
     *
     * <p>The licence's usage limits are enforced as the platform enforces them: a {@code context.usage().record} on a
     * limited meter that would take what the tenant's plugin recorded on it since the licence's {@code startsAt} past
     * the limit records nothing and throws {@code UsageLimitReachedException}; a route that lets it escape answers 402
     * {@code spend-cap-reached} ({@link #deliver} and {@link #runJob} throw {@link PluginCallException} with it). Give
     * the licence a {@code startsAt} of now to start from a clean term, as a licence of a new billing period does.
     *
     * <pre>{@code
     * kit.tenant().setLicence(new Licence("pro", OptionalInt.of(5), Map.of(), Instant.now(),
     *                                     Optional.of(Instant.now().plus(Duration.ofDays(30))), false, false));
     * }</pre>
     *
     * @param licence the licence the tenant holds
     */
    public void setLicence(Licence licence) {
        licences.set(id, pluginId, Objects.requireNonNull(licence, "licence"));
    }

    /** Takes the tenant's licence of the plugin away: the plugin runs unlicensed again ({@link #setLicence}). */
    public void clearLicence() {
        licences.clear(id, pluginId);
    }

    /**
     * Replaces the tenant's configuration of the plugin, validated against the manifest's {@code config}
     * section exactly as the kernel validates it.
     *
     * @param values a JSON object of configuration keys
     * @return the configuration as the plugin now reads it, defaults applied
     * @throws IllegalArgumentException listing every invalid key
     * @throws io.voicecore.sdk.PluginProblem when the plugin's own configuration check refuses it (SDK {@code ConfigCheck})
     */
    public Json setConfig(Json values) {
        return setConfig(pluginId, values);
    }

    /**
     * Replaces the tenant's configuration of another plugin of the kit, e.g. the provider of a service added with
     * {@link PluginTestKit.Builder#withPlugin(java.nio.file.Path)}, as {@code PUT .../plugins/{pluginId}/config} does.
     *
     * @param pluginId the other plugin's id
     * @param values   a JSON object of configuration keys
     * @return the configuration as that plugin now reads it, defaults applied
     * @throws IllegalArgumentException listing every invalid key, or when no such plugin is installed
     * @throws io.voicecore.sdk.PluginProblem when that plugin's own configuration check refuses it
     */
    public Json setConfig(String pluginId, Json values) {
        PluginManifest manifest = installed(pluginId);
        try {
            return kernel.pluginConfigs().put(id, manifest, Objects.requireNonNull(values, "values"), admin, proposed ->
                    kernel.plugins().checkConfig(id, pluginId, proposed, new Caller(admin.actorId(), admin.role().wireName()),
                                                 UUID.randomUUID().toString()));
        } catch (PluginRefusal invalid) {
            throw new IllegalArgumentException("Invalid configuration for plugin '" + pluginId + "': " + invalid.getMessage(), invalid);
        }
    }

    /**
     * Sets a secret of the plugin for this tenant, as {@code PUT .../plugins/{pluginId}/secrets/{name}} does; the
     * plugin reads it with {@code context.secrets().get(name)}.
     *
     * @param name  the secret's name: lower-case letters, digits, '.', '_' and '-', e.g. {@code openai.api-key}
     * @param value the value, not empty
     * @throws IllegalArgumentException when the name or value is not acceptable
     */
    public void putSecret(String name, String value) {
        putSecret(pluginId, name, value);
    }

    /**
     * Sets a secret of another plugin of the kit for this tenant (see {@link #putSecret(String, String)}).
     *
     * @param pluginId the other plugin's id
     * @throws IllegalArgumentException when the name or value is not acceptable, or when no such plugin is installed
     */
    public void putSecret(String pluginId, String name, String value) {
        installed(pluginId);
        kernel.pluginSecrets().put(id, pluginId, name, value, admin.actorId());
    }

    /**
     * Withdraws one permission from the plugin under test for this tenant, as a tenant admin does with
     * {@code DELETE /api/v1/tenants/{tenant}/plugins/{pluginId}/grants/{permission}}: the plugin stays enabled and
     * whatever needs the permission fails with {@code PermissionDeniedException} (403), also when another plugin's
     * service acts on its behalf.
     *
     * @param permission a permission the plugin declares, e.g. {@code http:egress}
     */
    public void revoke(String permission) {
        kernel.plugins().enablement().revoke(id, pluginId, permission, admin);
    }

    /**
     * Deletes a secret of the plugin for this tenant, as {@code DELETE .../plugins/{pluginId}/secrets/{name}} does.
     *
     * @return whether there was one
     */
    public boolean deleteSecret(String name) {
        return kernel.pluginSecrets().delete(id, pluginId, name, admin.actorId());
    }

    /**
     * The quantity the plugin recorded for this tenant on a usage meter, summed over every unit, as the tenant's
     * usage totals ({@code GET /api/v1/tenants/{tenant}/usage}) show it; 0 when nothing was recorded.
     *
     * @param meter the meter, e.g. {@code ai.tokens.prompt}
     */
    public long usage(String meter) {
        return usage(pluginId, meter);
    }

    /** Like {@link #usage(String)}, for what another plugin of the kit recorded. */
    public long usage(String pluginId, String meter) {
        return kernel.usage().totals(id, Instant.EPOCH, Instant.now().plusSeconds(60)).stream()
                .filter(total -> total.pluginId().equals(pluginId) && total.meter().equals(meter))
                .mapToLong(total -> total.quantity().longValueExact()).sum();
    }

    private PluginManifest installed(String otherPluginId) {
        return kernel.plugins().catalog().installed(otherPluginId).orElseThrow(() -> new IllegalArgumentException(
                "No plugin '" + otherPluginId + "' is installed in this kit; add it with PluginTestKit.builder(...).withPlugin(path)."));
    }

    /**
     * The events the plugin published on {@code topic} for this tenant, oldest first, as subscribers receive
     * them (read from the kernel's outbox, whether or not they were delivered yet).
     */
    public List<Event> published(String topic) {
        return kernel.database().inPlatform(tx -> Database.list(tx, row -> new Event(
                Database.uuid(row, "id").toString(), Database.text(row, "topic"), Database.uuid(row, "tenant_id").toString(),
                Database.text(row, "publisher"), Json.parse(Database.text(row, "payload")), Database.instant(row, "occurred_at"), 1),
                "SELECT id, topic, tenant_id, publisher, payload, occurred_at FROM kernel.event_outbox "
                + "WHERE tenant_id = ? AND publisher = ? AND topic = ? ORDER BY occurred_at, id", id, pluginId, topic));
    }

    private static TestResponse problem(ApiException problem, String requestId, String instance) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", ProblemWriter.MEDIA_TYPE);
        headers.put(requestIdHeader(), requestId);
        return new TestResponse(problem.status(), headers, io.voicecore.kernel.http.Json.write(ProblemWriter.body(problem, requestId, instance)));
    }

    private static String requestIdHeader() {
        return RequestContext.REQUEST_ID_HEADER.defaultCase();
    }

    private static Map<String, List<String>> queryParams(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
