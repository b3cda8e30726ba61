package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routes a plugin declares public ({@code public: true}), for callers such as a provider's webhooks that carry no
 * VoiceCore credentials: the kernel serves them without reading any, to an anonymous caller, with the target the client
 * sent (so the plugin can check a signature over the URL); every other route still needs credentials, and the version a
 * tenant is served decides.
 */
class PublicRoutesTest {
    static TestKernel kernel;
    static String acme;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        assertEquals(201, install(kernel, hooks("1.0.0", List.of("storage"), true).build()).status());
        acme = kernel.createTenant("acme");
        assertEquals(200, enable(kernel, "acme", "hooks", List.of("storage")).status());
        kernel.createTenant("other");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** {@code POST /incoming} (public when {@code open}) echoes who called, the tenant and the target; {@code GET /private} needs credentials. */
    private static PluginJar hooks(String version, List<String> permissions, boolean open) {
        return plugin("hooks", version, permissions, List.of(), """
                routes:
                  - {route: POST /incoming, public: %s}
                  - GET /private
                streams:
                  - {stream: /media, public: %s}
                  - /live
                """.formatted(open, open), """
                StreamHandler greet = new StreamHandler() {
                    @Override
                    public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
                        session.send(Json.object().put("role", request.caller().role()).put("tenant", context.tenantId())
                                .put("target", request.target()).put("signature", request.header("X-Provider-Signature").orElse(""))
                                .put("authorization", request.header("authorization").orElse("none")).build());
                    }

                    @Override
                    public void onMessage(StreamSession session, String text, PluginContext context) {
                        session.send(text);
                    }
                };
                setup.stream("/media", greet);
                setup.stream("/live", greet);
                RouteHandler echo = (request, context) -> Response.ok(Json.object().put("role", request.caller().role())
                        .put("actor", request.caller().actorId()).put("tenant", context.tenantId())
                        .put("target", request.target()).put("path", request.path()).put("body", request.bodyText()).build());
                setup.route(HttpMethod.POST, "/incoming", echo);
                setup.route(HttpMethod.GET, "/private", echo);
                """, "");
    }

    private static HttpResult postAnonymously(String path, String authorization) {
        HttpRequest.Builder request = kernel.request(path, null).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("CallSid=CA1&From=%2B34612345678"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return kernel.send(request.build());
    }

    @Test
    void aPublicRouteIsServedWithoutCredentialsToAnAnonymousCallerWithTheTargetTheClientSent() {
        HttpResult answered = postAnonymously("/api/v1/tenants/acme/hooks/incoming?step=gather&n=%2B1", null);
        assertEquals(200, answered.status(), answered.body());
        assertEquals("anonymous", answered.json().get("role").asText());
        assertEquals("anonymous", answered.json().get("actor").asText());
        assertEquals(acme, answered.json().get("tenant").asText());
        assertEquals("/api/v1/tenants/acme/hooks/incoming?step=gather&n=%2B1", answered.json().get("target").asText());
        assertEquals("/incoming", answered.json().get("path").asText());
        assertEquals("CallSid=CA1&From=%2B34612345678", answered.json().get("body").asText());
    }

    @Test
    void credentialsSentToAPublicRouteAreNotRead() {
        // A provider may send Basic credentials it was given in the webhook URL; they are the plugin's to check, or not.
        HttpResult basic = postAnonymously("/api/v1/tenants/acme/hooks/incoming", "Basic dXNlcjpwYXNz");
        assertEquals(200, basic.status(), basic.body());
        assertEquals("anonymous", basic.json().get("role").asText());
        HttpResult bearer = postAnonymously("/api/v1/tenants/acme/hooks/incoming", "Bearer " + kernel.adminToken());
        assertEquals("anonymous", bearer.json().get("role").asText(), bearer.body());
    }

    @Test
    void everyOtherRouteStillNeedsCredentials() {
        HttpResult anonymous = kernel.get("/api/v1/tenants/acme/hooks/private", null);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals("urn:voicecore:problem:credentials-missing", anonymous.json().get("type").asText());
        HttpResult authenticated = kernel.get("/api/v1/tenants/acme/hooks/private", kernel.adminToken());
        assertEquals(200, authenticated.status(), authenticated.body());
        assertEquals("platform-admin", authenticated.json().get("role").asText());
        HttpResult wrongMethod = kernel.send("/api/v1/tenants/acme/hooks/incoming", "PUT", null, "text/plain", "");
        assertEquals(401, wrongMethod.status(), wrongMethod.body());
    }

    @Test
    void anUnknownTenantOrOneThatDidNotEnableThePluginIsRefused() {
        HttpResult unknown = postAnonymously("/api/v1/tenants/nobody/hooks/incoming", null);
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals("urn:voicecore:problem:tenant-not-found", unknown.json().get("type").asText());
        HttpResult notEnabled = postAnonymously("/api/v1/tenants/other/hooks/incoming", null);
        assertEquals(404, notEnabled.status(), notEnabled.body());
        assertEquals("urn:voicecore:problem:plugin-not-enabled", notEnabled.json().get("type").asText());
    }

    @Test
    void aSuspendedTenantsPublicRoutesAndStreamsAreRefusedUntilItIsReactivated() {
        kernel.createTenant("paused");
        assertEquals(200, enable(kernel, "paused", "hooks", List.of("storage")).status());
        assertEquals(200, postAnonymously("/api/v1/tenants/paused/hooks/incoming", null).status());
        assertEquals(200, kernel.patch("/api/v1/tenants/paused", kernel.adminToken(), Map.of("status", "suspended")).status());

        HttpResult refused = postAnonymously("/api/v1/tenants/paused/hooks/incoming", null);
        assertEquals(403, refused.status(), refused.body());
        assertEquals("urn:voicecore:problem:tenant-suspended", refused.json().get("type").asText());
        JsonNode stream = WsClient.connectWithHeaders(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/paused/hooks/media"),
                                                      Map.of()).problem();
        assertEquals("urn:voicecore:problem:tenant-suspended", stream.get("type").asText(), stream.toString());

        assertEquals(200, kernel.patch("/api/v1/tenants/paused", kernel.adminToken(), Map.of("status", "active")).status());
        assertEquals(200, postAnonymously("/api/v1/tenants/paused/hooks/incoming", null).status());
    }

    @Test
    void thePublicRoutesAreShownBeforeAnAdminEnablesThePlugin() {
        HttpResult catalogue = kernel.get("/api/v1/plugins/hooks", kernel.adminToken());
        assertEquals("[\"POST /incoming\"]", catalogue.json().get("publicRoutes").toString(), catalogue.body());
        HttpResult tenantView = kernel.get("/api/v1/tenants/other/plugins/hooks", kernel.adminToken());
        assertEquals("[\"POST /incoming\"]", tenantView.json().get("publicRoutes").toString(), tenantView.body());
    }

    @Test
    void aPublicStreamOpensWithoutCredentialsAndSeesTheUpgradeHeadersButNoCredentials() {
        URI uri = URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/acme/hooks/media?call=CA1");
        try (WsClient client = WsClient.connectWithHeaders(uri, Map.of("X-Provider-Signature", "c2lnbmVk", "Authorization", "Basic dXNlcjpwYXNz"))
                .open()) {
            JsonNode hello = client.nextJson();
            assertEquals("anonymous", hello.get("role").asText());
            assertEquals(acme, hello.get("tenant").asText());
            assertEquals("/api/v1/tenants/acme/hooks/media?call=CA1", hello.get("target").asText());
            assertEquals("c2lnbmVk", hello.get("signature").asText());
            assertEquals("none", hello.get("authorization").asText(), "credentials are the kernel's, never the plugin's");
            assertEquals("ping", client.send("ping").next());
        }
    }

    @Test
    void everyOtherStreamStillNeedsCredentialsAndAPublicOneStillNeedsTheTenantToHaveEnabledIt() {
        JsonNode refused = WsClient.connectWithHeaders(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/acme/hooks/live"), Map.of()).problem();
        assertEquals("urn:voicecore:problem:credentials-missing", refused.get("type").asText(), refused.toString());
        try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/acme/hooks/live"),
                                                kernel.adminToken()).open()) {
            assertEquals("platform-admin", client.nextJson().get("role").asText());
        }
        JsonNode notEnabled = WsClient.connectWithHeaders(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/other/hooks/media"), Map.of()).problem();
        assertEquals("urn:voicecore:problem:plugin-not-enabled", notEnabled.get("type").asText(), notEnabled.toString());
        JsonNode unknown = WsClient.connectWithHeaders(URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/nobody/hooks/media"), Map.of()).problem();
        assertEquals("urn:voicecore:problem:tenant-not-found", unknown.get("type").asText(), unknown.toString());
        HttpResult catalogue = kernel.get("/api/v1/plugins/hooks", kernel.adminToken());
        assertEquals("[\"/media\"]", catalogue.json().get("publicStreams").toString(), catalogue.body());
    }

    @Test
    void theVersionATenantIsServedDecidesWhetherARouteIsPublic() {
        assertEquals(201, install(kernel, plugin("gated", "1.0.0", List.of(), List.of("POST /incoming"), "",
                "setup.route(HttpMethod.POST, \"/incoming\", (request, context) -> Response.ok(Json.object().build()));", "")
                .build()).status());
        kernel.createTenant("slow");
        assertEquals(200, enable(kernel, "slow", "gated", List.of()).status());
        // 1.1.0 makes the route public and asks for a new permission: the tenant stays on 1.0.0 until it consents.
        assertEquals(201, install(kernel, plugin("gated", "1.1.0", List.of("storage"), List.of(), """
                routes:
                  - {route: POST /incoming, public: true}
                """, "setup.route(HttpMethod.POST, \"/incoming\", (request, context) -> Response.ok(Json.object().build()));", "")
                .build()).status());
        HttpResult stillPrivate = postAnonymously("/api/v1/tenants/slow/gated/incoming", null);
        assertEquals(401, stillPrivate.status(), stillPrivate.body());
        assertEquals("urn:voicecore:problem:credentials-missing", stillPrivate.json().get("type").asText());
        assertEquals(200, enable(kernel, "slow", "gated", List.of("storage")).status());
        HttpResult nowPublic = postAnonymously("/api/v1/tenants/slow/gated/incoming", null);
        assertEquals(200, nowPublic.status(), nowPublic.body());
    }
}
