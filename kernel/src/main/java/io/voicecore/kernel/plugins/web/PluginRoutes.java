package io.voicecore.kernel.plugins.web;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.install.PluginDirectories;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.runtime.RouteRequest;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Response;

/**
 * HTTP for plugins: the catalogue and installation ({@code /api/v1/plugins}), per-tenant enablement with
 * consent ({@code /api/v1/tenants/{tenant}/plugins}), and every plugin's own routes under
 * {@code /api/v1/tenants/{tenant}/{pluginId}/...}.
 */
public final class PluginRoutes {
    private final PluginRuntime runtime;
    private final PluginDirectories directories;
    private final TenantResolver resolver;
    private final long maxJarBytes;
    private final Clock clock;

    public PluginRoutes(PluginRuntime runtime, PluginDirectories directories, TenantResolver resolver, long maxJarBytes,
                        Clock clock) {
        this.runtime = runtime;
        this.directories = directories;
        this.resolver = resolver;
        this.maxJarBytes = maxJarBytes;
        this.clock = clock;
    }

    /** Registers the catalogue and enablement routes; {@link #registerPluginRoutes} goes before them. */
    public void register(ApiRoutes routes) {
        routes.get("/api/v1/plugins", Access.AUTHENTICATED, this::list)
                .post("/api/v1/plugins", Access.AUTHENTICATED, this::install)
                .get("/api/v1/plugins/{pluginId}", Access.AUTHENTICATED, this::read)
                .get("/api/v1/plugins/{pluginId}/openapi", Access.AUTHENTICATED, this::openApi)
                .delete("/api/v1/plugins/{pluginId}", Access.AUTHENTICATED, this::uninstall)
                .get("/api/v1/tenants/{tenant}/plugins", Access.AUTHENTICATED, this::tenantList)
                .get("/api/v1/tenants/{tenant}/plugins/{pluginId}", Access.AUTHENTICATED, this::tenantRead)
                .put("/api/v1/tenants/{tenant}/plugins/{pluginId}", Access.AUTHENTICATED, this::enable)
                .delete("/api/v1/tenants/{tenant}/plugins/{pluginId}", Access.AUTHENTICATED, this::disable)
                .delete("/api/v1/tenants/{tenant}/plugins/{pluginId}/grants/{permission}", Access.AUTHENTICATED, this::revoke);
    }

    /**
     * The routes into plugins, registered before every kernel route because they carry most of the traffic.
     * They pass on what is not theirs: a segment after the tenant that no plugin may take as its id (the kernel's
     * own routes, see {@link ApiRoutes#RESERVED_TENANT_SEGMENTS}) and WebSocket upgrades, which the stream endpoint handles.
     */
    public void registerPluginRoutes(ApiRoutes routes) {
        Predicate<ServerRequest> plugins = req ->
                !ApiRoutes.RESERVED_TENANT_SEGMENTS.contains(req.path().pathParameters().first("pluginId").orElse(""))
                && !req.headers().first(HeaderNames.UPGRADE).map("websocket"::equalsIgnoreCase).orElse(false);
        for (String pattern : List.of("/api/v1/tenants/{tenant}/{pluginId}", "/api/v1/tenants/{tenant}/{pluginId}/*")) {
            for (Method method : List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH, Method.DELETE)) {
                routes.claiming(method, pattern, Access.AUTHENTICATED, this::access, plugins, this::serve);
            }
        }
    }

    /**
     * A route the plugin declares public ({@code public: true}) is reached without credentials, and any sent are not
     * read: its handler authenticates the request itself (a provider's webhook signature). Every other route needs them.
     */
    private Access access(ServerRequest req) {
        String pluginId = req.path().pathParameters().first("pluginId").orElse("");
        String path = pluginPath(req.path().path(), req.path().pathParameters().first("tenant").orElse(""), pluginId);
        HttpMethod method;
        try {
            method = HttpMethod.valueOf(req.prologue().method().text());
        } catch (IllegalArgumentException notAPluginMethod) {
            return Access.AUTHENTICATED;
        }
        return runtime.catalog().servesPublicly(pluginId, method, path) ? Access.PUBLIC : Access.AUTHENTICATED;
    }

    /**
     * The path below a plugin's base {@code /api/v1/tenants/{tenant}/{pluginId}}, {@code /} for the base itself; for
     * plugin routes and streams alike.
     */
    public static String pluginPath(String path, String tenant, String pluginId) {
        String prefix = "/api/v1/tenants/" + tenant + "/" + pluginId;
        return path.length() > prefix.length() ? path.substring(prefix.length()) : "/";
    }

    private ApiReply list(ApiRequest request) {
        request.principal();
        // Jars from the plugin directories that could not be installed are shown, not hidden in the log.
        return ApiReply.ok(Map.of("items", runtime.catalog().installed().stream().map(PluginRoutes::view).toList(),
                                  "failed", directories.failures()));
    }

    private ApiReply read(ApiRequest request) {
        request.principal();
        String pluginId = request.pathParam("pluginId");
        return ApiReply.ok(view(runtime.catalog().installed(pluginId).orElseThrow(() -> PluginRefusal.notInstalled(pluginId))));
    }

    /** The plugin's OpenAPI document as mounted in {@code /openapi}, on its own: for a client of just this plugin. */
    private ApiReply openApi(ApiRequest request) {
        request.principal();
        String pluginId = request.pathParam("pluginId");
        io.voicecore.kernel.plugins.install.LoadedVersion version = runtime.catalog().currentVersions().stream()
                .filter(v -> v.manifest().id().equals(pluginId)).findFirst()
                .orElseThrow(() -> PluginRefusal.notInstalled(pluginId));
        return ApiReply.ok(version.apiDocument().orElseThrow(() -> new ApiException.NotFound("plugin-openapi-missing",
                "Plugin '" + pluginId + "' " + version.manifest().version() + " describes its routes in no OpenAPI document"
                + " (its plugin.yaml has no 'openapi' key); its routes are listed in GET /api/v1/plugins/" + pluginId + "."))
                .standalone());
    }

    private ApiReply install(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/java-archive") && !type.startsWith("application/octet-stream")) {
            throw new ApiException.UnsupportedMediaType("Upload the plugin jar as the body with 'Content-Type: application/java-archive'.");
        }
        byte[] jar = request.body(maxJarBytes);
        if (jar.length == 0) {
            throw new ApiException.BadRequest("The request body is empty; send the plugin jar.");
        }
        PluginCatalog.Installed installed = runtime.catalog().install(jar, request.principal());
        Map<String, Object> body = view(installed.manifest());
        installed.previousVersion().ifPresent(previous -> body.put("upgradedFrom", previous));
        body.put("tenantsMoved", installed.tenantsMoved());
        body.put("tenantsAwaitingConsent", installed.tenantsAwaitingConsent());
        return ApiReply.created(body).header("Location", "/api/v1/plugins/" + installed.manifest().id());
    }

    private ApiReply uninstall(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        runtime.catalog().uninstall(request.pathParam("pluginId"), request.principal());
        return ApiReply.noContent();
    }

    private ApiReply tenantList(ApiRequest request) {
        Tenant tenant = resolver.resolve(request);
        List<Map<String, Object>> items = new ArrayList<>();
        for (PluginManifest manifest : runtime.catalog().installed()) {
            items.add(tenantView(manifest, runtime.enablement().tenantPlugin(tenant.id(), manifest.id())));
        }
        return ApiReply.ok(Map.of("items", items));
    }

    private ApiReply tenantRead(ApiRequest request) {
        Tenant tenant = resolver.resolve(request);
        String pluginId = request.pathParam("pluginId");
        PluginManifest manifest = runtime.catalog().installed(pluginId).orElseThrow(() -> PluginRefusal.notInstalled(pluginId));
        return ApiReply.ok(tenantView(manifest, runtime.enablement().tenantPlugin(tenant.id(), pluginId)));
    }

    private ApiReply enable(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        String pluginId = request.pathParam("pluginId");
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw new ApiException.MalformedBody("The request body must be a JSON object such as {\"grantedPermissions\": [\"storage\"]}.");
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("grantedPermissions")) {
                errors.add(new ApiException.FieldError(name, "unknown field; expected [grantedPermissions]"));
            }
        });
        JsonNode granted = body.get("grantedPermissions");
        Set<String> permissions = new TreeSet<>();
        if (granted == null || !granted.isArray()) {
            errors.add(new ApiException.FieldError("grantedPermissions", "is required: an array of permission names"));
        } else {
            for (JsonNode item : granted) {
                if (!item.isTextual()) {
                    errors.add(new ApiException.FieldError("grantedPermissions", "must contain only strings"));
                } else {
                    permissions.add(item.textValue());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException.Validation(errors);
        }
        runtime.enablement().enable(tenant.id(), pluginId, permissions, request.principal());
        return ApiReply.ok(tenantView(runtime.catalog().installed(pluginId).orElseThrow(), runtime.enablement().tenantPlugin(tenant.id(), pluginId)));
    }

    private ApiReply disable(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        String pluginId = request.pathParam("pluginId");
        runtime.enablement().disable(tenant.id(), pluginId, request.principal());
        return ApiReply.ok(tenantView(runtime.catalog().installed(pluginId).orElseThrow(), runtime.enablement().tenantPlugin(tenant.id(), pluginId)));
    }

    private ApiReply revoke(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        String pluginId = request.pathParam("pluginId");
        runtime.enablement().revoke(tenant.id(), pluginId, request.pathParam("permission"), request.principal());
        return ApiReply.ok(tenantView(runtime.catalog().installed(pluginId).orElseThrow(), runtime.enablement().tenantPlugin(tenant.id(), pluginId)));
    }

    private ApiReply serve(ApiRequest request) {
        // No principal: the route is public (see access), and its plugin authenticates the request itself.
        Optional<Principal> principal = request.context().principal();
        Tenant tenant = principal.isPresent() ? resolver.resolve(request) : resolver.resolveForPublicRoute(request.pathParam("tenant"));
        String pluginId = request.pathParam("pluginId");
        String path = pluginPath(request.path(), request.pathParam("tenant"), pluginId);
        HttpMethod method = HttpMethod.valueOf(request.method());
        // The body is handed over unread: the runtime reads it whole for an ordinary route, up to http.max-body-bytes,
        // and passes it on as a stream to a streaming route, up to plugins.max-stream-bytes. GET and DELETE get none.
        Caller caller = principal.map(p -> new Caller(p.actorId(), p.role().wireName())).orElse(RouteRequest.ANONYMOUS);
        RouteRequest pluginRequest = new RouteRequest(method, path, request.queryParams(), request.headers(), caller,
                method == HttpMethod.GET || method == HttpMethod.DELETE ? Optional.empty() : Optional.of(request.bodyStream()),
                request.target(), principal.isEmpty());
        try {
            Response response = runtime.routes().serve(tenant.id(), pluginId, pluginRequest, request.requestId(),
                    template -> request.refineRoute("/api/v1/tenants/{tenant}/" + pluginId + template), request::startStream);
            if (response.streamed()) {
                return ApiReply.streamed();
            }
            ApiReply reply = ApiReply.bytes(response.status(), response.contentType(), response.body());
            response.headers().forEach(reply::header);
            return reply;
        } catch (PluginProblem problem) {
            throw PluginProblems.toApiException(problem, pluginId, request.requestId());
        }
    }

    private static void requirePlatformAdmin(Principal principal) {
        if (!principal.isPlatformAdmin()) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may install or remove plugins.");
        }
    }

    /** Each permission as {name, reason}, in that order. */
    private static List<Map<String, Object>> permissionsView(PluginManifest m) {
        return m.permissions().stream().map(p -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", p.name());
            v.put("reason", p.reason());
            return v;
        }).toList();
    }

    static Map<String, Object> view(PluginManifest m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.id());
        v.put("name", m.name());
        v.put("version", m.version());
        v.put("vendor", m.vendor());
        v.put("description", m.description());
        v.put("kernel", m.kernel());
        v.put("permissions", permissionsView(m));
        v.put("routes", m.routes().stream().map(r -> r.method() + " " + r.path()).toList());
        // Routes anyone may call without credentials: shown so that admins see them before enabling the plugin.
        v.put("publicRoutes", m.routes().stream().filter(PluginManifest.Route::open).map(PluginManifest.Route::text).toList());
        v.put("streams", m.streams());
        v.put("publicStreams", m.publicStreams());
        v.put("publishes", m.publishes());
        v.put("subscribes", m.subscribes());
        v.put("egressHosts", m.egressHosts());
        v.put("exports", m.exports());
        v.put("requires", m.requires().stream().map(r -> Map.of("plugin", r.plugin(), "version", r.versionRange(),
                                                                    "service", r.service())).toList());
        v.put("dataClasses", m.dataClasses());
        return v;
    }

    private Map<String, Object> tenantView(PluginManifest latest, Optional<PluginStore.TenantPlugin> state) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", latest.id());
        v.put("latestVersion", latest.version());
        v.put("permissions", permissionsView(latest));
        v.put("publicRoutes", latest.routes().stream().filter(PluginManifest.Route::open).map(PluginManifest.Route::text).toList());
        v.put("publicStreams", latest.publicStreams());
        if (state.isEmpty() || !state.get().enabled()) {
            v.put("state", "disabled");
            v.put("grantedPermissions", state.map(s -> new TreeSet<>(s.granted())).orElse(new TreeSet<>()));
            return v;
        }
        PluginStore.TenantPlugin s = state.get();
        Set<String> pending = new TreeSet<>(latest.permissionNames());
        pending.removeAll(s.granted());
        boolean quarantined = s.quarantined(clock.instant());
        v.put("state", quarantined ? "quarantined" : !latest.version().equals(s.activeVersion()) ? "upgrade-awaiting-consent" : "enabled");
        v.put("activeVersion", s.activeVersion());
        v.put("grantedPermissions", new TreeSet<>(s.granted()));
        if (!pending.isEmpty()) {
            // Awaiting consent for an upgrade, or withdrawn by an admin from the version in use.
            v.put("pendingPermissions", pending);
        }
        if (quarantined) {
            v.put("quarantinedUntil", s.quarantinedUntil());
            v.put("quarantineReason", s.quarantineReason());
        }
        return v;
    }

}
