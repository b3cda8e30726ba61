package io.voicecore.aigateway;

import java.util.Set;

import io.voicecore.aigateway.api.LanguageModel;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;

/**
 * The AI gateway core plugin: exports {@link LanguageModel} to other plugins (each use bound to the calling tenant and
 * this plugin's own configuration, secrets and permissions) and serves, under
 * {@code /api/v1/tenants/{tenant}/ai-gateway}: {@code GET /status} and {@code DELETE /cache} for tenant admins, and
 * {@code POST /complete} and {@code POST /analyse} to try the model by hand.
 */
public final class AiGatewayPlugin implements Plugin {
    private static final Set<String> ADMIN_ROLES = Set.of("tenant-admin", "platform-admin");

    @Override
    public void setup(PluginSetup setup) {
        setup.exportService(LanguageModel.class, Gateway::new);
        setup.route(HttpMethod.GET, "/status", this::status);
        setup.route(HttpMethod.POST, "/complete", this::complete);
        setup.route(HttpMethod.POST, "/analyse", this::analyse);
        setup.route(HttpMethod.DELETE, "/cache", this::clearCache);
    }

    private Response status(Request request, PluginContext context) {
        requireAdmin(request);
        return Response.ok(Wire.status(new Gateway(context).status(), GatewaySettings.of(context.config())));
    }

    private Response complete(Request request, PluginContext context) {
        return Response.ok(Wire.completion(new Gateway(context).complete(Wire.completionRequest(request.json()))));
    }

    private Response analyse(Request request, PluginContext context) {
        Wire.AnalyseRequest analyse = Wire.analyseRequest(request.json());
        return Response.ok(Wire.analysis(new Gateway(context).analyse(analyse.text(), analyse.languages(), analyse.currentLanguage())));
    }

    private Response clearCache(Request request, PluginContext context) {
        requireAdmin(request);
        return Response.ok(Json.object().put("deleted", new Gateway(context).clearCache()).build());
    }

    private static void requireAdmin(Request request) {
        if (!ADMIN_ROLES.contains(request.caller().role())) {
            throw new PluginProblem(403, "tenant-admin-only", "Only a tenant admin may see the gateway's status or clear its cache; "
                                                              + "use an API key with the role tenant-admin.");
        }
    }
}
