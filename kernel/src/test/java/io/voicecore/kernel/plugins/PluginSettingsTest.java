package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tenant admin configures a plugin (validated against its schema) and sets its secrets, which no API returns. */
class PluginSettingsTest {
    static TestKernel kernel;
    static String userKey;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        kernel.createTenant("settings-a");
        kernel.createTenant("settings-b");
        userKey = kernel.createApiKey("settings-a", "tenant-user");
        var jar = plugin("assistant", "1.0.0", List.of("secrets"), List.of("GET /settings"), """
                config:
                  model: {type: enum, values: [small, large], default: small}
                  maxTokens: {type: integer, minimum: 1, maximum: 8000, default: 512}
                  instanceUrl: {type: url}
                """, """
                setup.route(HttpMethod.GET, "/settings", (request, context) -> Response.ok(Json.object()
                        .put("model", context.config().string("model").orElseThrow())
                        .put("maxTokens", context.config().number("maxTokens").orElseThrow())
                        .put("keySet", context.secrets().get("api-key").isPresent())
                        .put("keyLength", context.secrets().get("api-key").map(String::length).orElse(0))
                        .build()));
                """, "");
        assertEquals(201, install(kernel, jar.build()).status());
        assertEquals(200, enable(kernel, "settings-a", "assistant", List.of("secrets")).status());
        assertEquals(200, enable(kernel, "settings-b", "assistant", List.of("secrets")).status());
        var checked = plugin("checked", "1.0.0", List.of("secrets"), List.of("GET /tier"), """
                config:
                  tier: {type: enum, values: [basic, premium, broken], default: basic}
                """, """
                setup.route(HttpMethod.GET, "/tier", (request, context) -> Response.ok(Json.object()
                        .put("tier", context.config().string("tier").orElseThrow()).build()));
                setup.configCheck((proposed, context) -> {
                    String tier = proposed.string("tier").orElseThrow();
                    if (tier.equals("broken")) {
                        throw new IllegalStateException("the check itself fails");
                    }
                    if (tier.equals("premium") && context.secrets().get("licence-key").isEmpty()) {
                        throw new PluginProblem(409, "licence-key-missing", "The premium tier needs the secret licence-key; set it"
                                + " first. Still saved: " + context.config().string("tier").orElseThrow());
                    }
                });
                """, "");
        assertEquals(201, install(kernel, checked.build()).status());
        assertEquals(200, enable(kernel, "settings-a", "checked", List.of("secrets")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void configurationIsValidatedStoredAndSeenByThePlugin() {
        HttpResult defaults = kernel.get("/api/v1/tenants/settings-a/plugins/assistant/config", kernel.adminToken());
        assertEquals(200, defaults.status(), defaults.body());
        assertEquals("small", defaults.json().get("model").asText());

        HttpResult invalid = kernel.put("/api/v1/tenants/settings-a/plugins/assistant/config", kernel.adminToken(),
                                        Map.of("model", "huge", "maxTokens", 0, "colour", "red"));
        assertEquals(422, invalid.status(), invalid.body());
        String errors = invalid.json().get("errors").toString();
        assertTrue(errors.contains("model") && errors.contains("maxTokens") && errors.contains("colour"), errors);
        assertEquals("small", kernel.get("/api/v1/tenants/settings-a/assistant/settings", kernel.adminToken()).json()
                .get("model").asText(), "a refused configuration changes nothing");

        HttpResult saved = kernel.put("/api/v1/tenants/settings-a/plugins/assistant/config", kernel.adminToken(),
                                      Map.of("model", "large", "maxTokens", 2000));
        assertEquals(200, saved.status(), saved.body());
        HttpResult seen = kernel.get("/api/v1/tenants/settings-a/assistant/settings", kernel.adminToken());
        assertEquals("large", seen.json().get("model").asText());
        assertEquals(2000, seen.json().get("maxTokens").asInt());
        assertEquals("small", kernel.get("/api/v1/tenants/settings-b/assistant/settings", kernel.adminToken()).json()
                .get("model").asText(), "another tenant keeps its own configuration");
        assertEquals(403, kernel.put("/api/v1/tenants/settings-a/plugins/assistant/config", userKey, Map.of()).status());
    }

    @Test
    void thePluginsOwnCheckRefusesAConfigurationBeforeItIsSaved() {
        HttpResult refused = kernel.put("/api/v1/tenants/settings-a/plugins/checked/config", kernel.adminToken(), Map.of("tier", "premium"));
        assertEquals(409, refused.status(), refused.body());
        assertEquals("urn:voicecore:plugin:checked:licence-key-missing", refused.json().get("type").asText(), refused.body());
        assertTrue(refused.json().get("detail").asText().endsWith("Still saved: basic"), "the check sees the proposed and the saved one");
        assertEquals("basic", kernel.get("/api/v1/tenants/settings-a/checked/tier", kernel.adminToken()).json().get("tier").asText());

        HttpResult failed = kernel.put("/api/v1/tenants/settings-a/plugins/checked/config", kernel.adminToken(), Map.of("tier", "broken"));
        assertEquals(500, failed.status(), failed.body());
        assertFalse(failed.body().contains("the check itself fails"), "no exception text reaches the caller");
        assertEquals("basic", kernel.get("/api/v1/tenants/settings-a/checked/tier", kernel.adminToken()).json().get("tier").asText());

        assertEquals(204, kernel.put("/api/v1/tenants/settings-a/plugins/checked/secrets/licence-key", kernel.adminToken(),
                                     Map.of("value", "PREMIUM-1")).status());
        HttpResult saved = kernel.put("/api/v1/tenants/settings-a/plugins/checked/config", kernel.adminToken(), Map.of("tier", "premium"));
        assertEquals(200, saved.status(), saved.body());
        assertEquals("premium", kernel.get("/api/v1/tenants/settings-a/checked/tier", kernel.adminToken()).json().get("tier").asText());
    }

    @Test
    void secretsCanBeSetAndRemovedButNeverRead() {
        HttpResult set = kernel.put("/api/v1/tenants/settings-a/plugins/assistant/secrets/api-key", kernel.adminToken(),
                                    Map.of("value", "sk-very-secret-value"));
        assertEquals(204, set.status(), set.body());
        HttpResult seen = kernel.get("/api/v1/tenants/settings-a/assistant/settings", kernel.adminToken());
        assertTrue(seen.json().get("keySet").asBoolean());
        assertEquals("sk-very-secret-value".length(), seen.json().get("keyLength").asInt());
        assertFalse(kernel.get("/api/v1/tenants/settings-b/assistant/settings", kernel.adminToken()).json().get("keySet").asBoolean());
        for (String path : List.of("/api/v1/tenants/settings-a/plugins/assistant", "/api/v1/tenants/settings-a/plugins/assistant/config",
                                   "/api/v1/tenants/settings-a/audit")) {
            assertFalse(kernel.get(path, kernel.adminToken()).body().contains("sk-very-secret-value"), path);
        }
        assertEquals(422, kernel.put("/api/v1/tenants/settings-a/plugins/assistant/secrets/Bad%20Name", kernel.adminToken(),
                                     Map.of("value", "x")).status());
        assertEquals(403, kernel.put("/api/v1/tenants/settings-a/plugins/assistant/secrets/api-key", userKey,
                                     Map.of("value", "x")).status());
        assertEquals(204, kernel.delete("/api/v1/tenants/settings-a/plugins/assistant/secrets/api-key", kernel.adminToken()).status());
        assertEquals(404, kernel.delete("/api/v1/tenants/settings-a/plugins/assistant/secrets/api-key", kernel.adminToken()).status());
        assertFalse(kernel.get("/api/v1/tenants/settings-a/assistant/settings", kernel.adminToken()).json().get("keySet").asBoolean());
    }
}
