package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The four core plugin jars installed in a kernel over HTTP: {@code /openapi} describes every route they declare,
 * mounted under each plugin's base, with their schemas apart, and the voice plugin's public webhooks needing no
 * credentials. Runs after {@code package} (failsafe).
 */
class CorePluginsOpenApiJarTest {
    static VoiceKernel voice;

    @BeforeAll
    static void start() {
        voice = new VoiceKernel();
    }

    @AfterAll
    static void stop() {
        voice.kernel.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiDescribesEveryDeclaredRouteOfTheInstalledCorePlugins() {
        HttpResult served = voice.kernel.get("/openapi", null);
        assertEquals(200, served.status());
        Map<String, Object> document = new Yaml().load(served.body());
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
        for (String plugin : List.of("crm", "receptionist", "voice", "ai-gateway")) {
            HttpResult read = voice.kernel.get("/api/v1/plugins/" + plugin, voice.admin);
            assertEquals(200, read.status(), read.body());
            read.json().path("routes").forEach(route -> {
                String[] parts = route.asText().split(" ", 2);
                Map<String, Object> item = (Map<String, Object>) paths.get("/api/v1/tenants/{tenant}/" + plugin + parts[1]);
                assertTrue(item != null && item.containsKey(parts[0].toLowerCase(java.util.Locale.ROOT)),
                           plugin + " " + route.asText() + " is not in /openapi");
            });
            assertTrue(schemas.containsKey(plugin + ".Problem"), plugin + ".Problem");
            HttpResult own = voice.kernel.get("/api/v1/plugins/" + plugin + "/openapi", voice.admin);
            assertEquals(200, own.status(), own.body());
            assertEquals(read.json().path("version").asText(), own.json().path("info").path("version").asText());
        }
        assertTrue(schemas.containsKey("crm.Contact"));
        assertTrue(schemas.containsKey("Problem"), "the kernel's own Problem is kept beside the plugins'");
        Map<String, Object> incoming = (Map<String, Object>) ((Map<String, Object>) paths.get("/api/v1/tenants/{tenant}/voice/twilio/incoming"))
                .get("post");
        assertEquals(List.of(), incoming.get("security"), "a public webhook needs no credentials");
        Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) paths.get("/api/v1/tenants/{tenant}/voice/status")).get("get");
        assertFalse(status.containsKey("security"), "the others keep the document's bearer security");
    }
}
