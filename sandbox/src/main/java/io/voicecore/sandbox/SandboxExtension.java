package io.voicecore.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.PluginObserver;

/**
 * What the sandbox adds to its kernel: the recording observer of plugin calls and the inspector's routes,
 * {@code GET /api/v1/sandbox/calls} and {@code GET /api/v1/sandbox/profile}. It is handed to {@code Kernel.start} by
 * {@link Sandbox} and is deliberately not listed in {@code META-INF/services}, so a production kernel never finds it.
 * The routes answer the platform admin and the sandbox tenant's own credentials.
 */
final class SandboxExtension implements KernelExtension {
    static final int MAX_LIMIT = 1000;

    private final CallRecorder recorder;
    private final Supplier<Optional<UUID>> sandboxTenant;

    /** @param sandboxTenant the tenant whose credentials may read the inspector, once it exists */
    SandboxExtension(CallRecorder recorder, Supplier<Optional<UUID>> sandboxTenant) {
        this.recorder = recorder;
        this.sandboxTenant = sandboxTenant;
    }

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public PluginObserver pluginObserver() {
        return recorder;
    }

    @Override
    public void start(KernelServices kernel) {
    }

    @Override
    public void registerRoutes(ApiRoutes api) {
        api.get("/api/v1/sandbox/calls", Access.AUTHENTICATED, this::calls)
           .get("/api/v1/sandbox/profile", Access.AUTHENTICATED, this::profile);
    }

    @Override
    public Optional<String> openApi() {
        return Optional.of("""
                paths:
                  /api/v1/sandbox/calls:
                    get:
                      summary: The newest recorded calls into the plugin under development (sandbox only)
                      parameters:
                        - {name: route, in: query, schema: {type: string}}
                        - {name: plugin, in: query, schema: {type: string}}
                        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
                      responses:
                        '200': {description: '{"items": [call, ...]}, newest first'}
                  /api/v1/sandbox/profile:
                    get:
                      summary: Per route or event of the plugin under development, count, p50, p99, SQL and egress (sandbox only)
                      responses:
                        '200': {description: '{"items": [route profile, ...]}'}
                """);
    }

    private ApiReply calls(ApiRequest request) {
        authorize(request.principal());
        int limit = 50;
        Optional<String> text = request.query("limit");
        if (text.isPresent()) {
            try {
                limit = Integer.parseInt(text.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new ApiException.BadRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text.get() + "'.");
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", recorder.calls(request.query("route").filter(r -> !r.isBlank()),
                                         request.query("plugin").filter(p -> !p.isBlank()), limit));
        return ApiReply.ok(body);
    }

    private ApiReply profile(ApiRequest request) {
        authorize(request.principal());
        return ApiReply.ok(Map.of("items", List.copyOf(recorder.profile())));
    }

    private void authorize(Principal principal) {
        if (principal.isPlatformAdmin() || sandboxTenant.get().map(principal::belongsTo).orElse(false)) {
            return;
        }
        throw new ApiException.Forbidden("role-required", "The sandbox inspector answers the sandbox tenant's API key or the admin token.");
    }
}
