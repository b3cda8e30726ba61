package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's OpenAPI document ({@code openapi.yaml}) describes exactly the routes it serves, and their answers offline. */
class AiGatewayOpenApiTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void everyRouteIsDescribedAndEveryDescriptionServed() {
        assertEquals(6, kit.routes().size(), kit.routes().toString());
        assertEquals(List.of(), kit.undescribedRoutes());
        assertEquals(List.of(), kit.unservedDescriptions());
        // The file's own info.version (for those who read it without the kernel) follows the plugin's.
        assertTrue(readDocument().contains("\n  version: " + kit.pluginVersion() + "\n"), "info.version of openapi.yaml is not " + kit.pluginVersion());
    }

    @Test
    void answersMatchTheirDocumentedSchemas() {
        conforms(HttpMethod.GET, "/status", kit.get("/status"));
        TestResponse completion = kit.post("/complete", Json.object().put("persona", Json.object().put("businessName", "Clínica Sol").build())
                .put("messages", List.of(Json.object().put("role", "user").put("text", "Hola, quiero una cita para mañana").build()))
                .build());
        assertEquals(200, completion.status(), completion.toString());
        conforms(HttpMethod.POST, "/complete", completion);
        TestResponse analysis = kit.post("/analyse", Json.object().put("text", "I'm Ana, can I book for tomorrow? ana@example.com").build());
        assertEquals(200, analysis.status(), analysis.toString());
        conforms(HttpMethod.POST, "/analyse", analysis);
        conforms(HttpMethod.DELETE, "/cache", kit.delete("/cache"));

        // Offline, speech is unavailable: the documented problem with its reason.
        TestResponse transcribed = kit.request(HttpMethod.POST, "/transcribe?language=es", Map.of("Content-Type", "audio/basic"),
                                               new byte[800]);
        assertEquals(409, transcribed.status(), transcribed.toString());
        conforms(HttpMethod.POST, "/transcribe", transcribed);
        TestResponse spoken = kit.post("/speak", Json.object().put("text", "Hola").put("language", "es").build());
        assertEquals(409, spoken.status(), spoken.toString());
        conforms(HttpMethod.POST, "/speak", spoken);
        conforms(HttpMethod.POST, "/complete", kit.post("/complete", Json.object().put("channel", "fax").build()));
        conforms(HttpMethod.GET, "/status", kit.tenant().as("tenant-user", "user:bob").get("/status"));
    }

    private static String readDocument() {
        try {
            return java.nio.file.Files.readString(Path.of("src/main/resources/openapi.yaml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void conforms(HttpMethod method, String template, TestResponse response) {
        assertEquals(List.of(), kit.schemaViolations(method, template, response), method + " " + template + " answered " + response);
    }
}
