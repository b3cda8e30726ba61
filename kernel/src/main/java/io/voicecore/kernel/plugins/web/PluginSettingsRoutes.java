package io.voicecore.kernel.plugins.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.egress.EgressGateway;
import io.voicecore.kernel.plugins.egress.EgressHosts;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.secrets.PluginSecrets;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * A tenant admin's settings of one plugin: its configuration, validated against the manifest's schema
 * ({@code /api/v1/tenants/{tenant}/plugins/{pluginId}/config}), and its secrets such as an external
 * service's API key ({@code .../secrets/{name}}), which can be set and removed but never read back.
 */
public final class PluginSettingsRoutes {
    private final PluginRuntime runtime;
    private final PluginConfigs configs;
    private final PluginSecrets secrets;
    private final TenantResolver resolver;
    private final EgressGateway egress;

    /** @param egress tells whether a configured URL's address would be refused, so saving it can say so */
    public PluginSettingsRoutes(PluginRuntime runtime, PluginConfigs configs, PluginSecrets secrets, TenantResolver resolver,
                                EgressGateway egress) {
        this.egress = egress;
        this.runtime = runtime;
        this.configs = configs;
        this.secrets = secrets;
        this.resolver = resolver;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/tenants/{tenant}/plugins/{pluginId}/config", Access.AUTHENTICATED, this::readConfig)
                .put("/api/v1/tenants/{tenant}/plugins/{pluginId}/config", Access.AUTHENTICATED, this::writeConfig)
                .put("/api/v1/tenants/{tenant}/plugins/{pluginId}/secrets/{name}", Access.AUTHENTICATED, this::writeSecret)
                .delete("/api/v1/tenants/{tenant}/plugins/{pluginId}/secrets/{name}", Access.AUTHENTICATED, this::deleteSecret);
    }

    private ApiReply readConfig(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return json(configs.effective(tenant.id(), manifest(request)));
    }

    private ApiReply writeConfig(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        PluginManifest manifest = manifest(request);
        Json values = body(request);
        refuseUnreachableAddresses(manifest, values);
        configs.put(tenant.id(), manifest, values, request.principal(), proposed -> check(tenant, manifest.id(), proposed, request));
        return json(configs.effective(tenant.id(), manifest));
    }

    /**
     * A URL the plugin may call (named by a {@code ${config.key}} egress host) whose host is a private, loopback,
     * link-local or metadata address the operator does not allow would be refused on every call: say so now.
     */
    private void refuseUnreachableAddresses(PluginManifest manifest, Json values) {
        for (String entry : manifest.egressHosts()) {
            EgressHosts.configKey(entry).ifPresent(key -> {
                if (values.get(key) instanceof Json.Str url) {
                    egress.refusedAddress(url.value()).ifPresent(reason -> {
                        throw new ApiException.Validation(List.of(new ApiException.FieldError(key, "names an address plugins may not "
                                + "reach: " + reason)));
                    });
                }
            });
        }
    }

    /** The plugin's own check of a configuration: its refusal is the answer, and nothing is stored. */
    private void check(Tenant tenant, String pluginId, io.voicecore.sdk.capability.PluginConfig proposed, ApiRequest request) {
        Principal actor = request.principal();
        try {
            runtime.checkConfig(tenant.id(), pluginId, proposed, new Caller(actor.actorId(), actor.role().wireName()), request.requestId());
        } catch (PluginProblem | PluginCallFailure | PluginRefusal failure) {
            throw PluginProblems.toApiException(failure, pluginId, request.requestId());
        }
    }

    private ApiReply writeSecret(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        PluginManifest manifest = manifest(request);
        Json value = body(request).get("value");
        if (!(value instanceof Json.Str text)) {
            throw new ApiException.Validation("value", "is required: the secret as a string");
        }
        try {
            secrets.put(tenant.id(), manifest.id(), request.pathParam("name"), text.value(), request.principal().actorId());
        } catch (IllegalArgumentException invalid) {
            throw new ApiException.Validation("secret", invalid.getMessage());
        }
        return ApiReply.noContent();
    }

    private ApiReply deleteSecret(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        PluginManifest manifest = manifest(request);
        String name = request.pathParam("name");
        if (!secrets.delete(tenant.id(), manifest.id(), name, request.principal().actorId())) {
            throw new ApiException.NotFound("secret-not-found", "Plugin '" + manifest.id() + "' has no secret '" + name
                                                                + "' for this tenant.");
        }
        return ApiReply.noContent();
    }

    private PluginManifest manifest(ApiRequest request) {
        String pluginId = request.pathParam("pluginId");
        return runtime.catalog().installed(pluginId).orElseThrow(() -> PluginRefusal.notInstalled(pluginId));
    }

    private static Json body(ApiRequest request) {
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new ApiException.UnsupportedMediaType("Send the body as 'Content-Type: application/json'.");
        }
        try {
            Json body = Json.parse(new String(request.body(), StandardCharsets.UTF_8));
            if (!(body instanceof Json.Obj)) {
                throw new ApiException.MalformedBody("The request body must be a JSON object.");
            }
            return body;
        } catch (JsonException e) {
            throw new ApiException.MalformedBody("The request body is not valid JSON: " + e.getMessage());
        }
    }

    private static ApiReply json(Json value) {
        return ApiReply.bytes(200, "application/json", value.toString().getBytes(StandardCharsets.UTF_8));
    }
}
