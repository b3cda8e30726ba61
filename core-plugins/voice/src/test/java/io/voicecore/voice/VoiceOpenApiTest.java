package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The voice plugin's OpenAPI document ({@code openapi.yaml}) describes exactly its webhooks, stream and status route. */
class VoiceOpenApiTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes"))
                .withPlugin(Path.of(System.getProperty("ai-gateway.plugin", "../ai-gateway/target/classes")))
                .withPlugin(Path.of(System.getProperty("receptionist.plugin", "../receptionist/target/classes")))
                .start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void everyRouteAndTheMediaStreamAreDescribedAndEveryDescriptionServed() {
        assertEquals(11, kit.routes().size(), kit.routes().toString());
        assertTrue(kit.routes().contains("STREAM /twilio/media"));
        assertEquals(List.of(), kit.undescribedRoutes());
        assertEquals(List.of(), kit.unservedDescriptions());
        // The file's own info.version (for those who read it without the kernel) follows the plugin's.
        assertTrue(readDocument().contains("\n  version: " + kit.pluginVersion() + "\n"), "info.version of openapi.yaml is not " + kit.pluginVersion());
    }

    @Test
    void answersMatchTheirDocumentedSchemas() {
        TestResponse status = kit.get("/status");
        assertEquals(200, status.status(), status.toString());
        conforms(HttpMethod.GET, "/status", status);
        conforms(HttpMethod.GET, "/status", kit.tenant().as("tenant-user", "user:bob").get("/status"));
        // A webhook before the tenant set its auth token: refused, as documented.
        TestResponse unverified = kit.request(HttpMethod.POST, "/twilio/incoming",
                Map.of("Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "forged"),
                "CallSid=CA1&AccountSid=AC1".getBytes(StandardCharsets.UTF_8));
        assertEquals(403, unverified.status(), unverified.toString());
        conforms(HttpMethod.POST, "/twilio/incoming", unverified);
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
