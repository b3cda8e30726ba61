package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.Test;

/** The jar {@code mvn package} produced, installed through the kernel's verifier and loader. Runs after {@code package} (failsafe). */
class AiGatewayPluginJarTest {
    static final Path JAR = Path.of(System.getProperty("plugin.jar", "target/ai-gateway-plugin-0.1.0-SNAPSHOT.jar"));

    @Test
    void theJarHasItsManifestMigrationsAndServicePackageAndNoSdkClasses() throws IOException {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assertNotNull(zip.getEntry("plugin.yaml"), "plugin.yaml at the root of " + JAR);
            assertNotNull(zip.getEntry("db/migration/V1__cache_and_breaker.sql"));
            assertNotNull(zip.getEntry("io/voicecore/aigateway/api/LanguageModel.class"));
            assertNotNull(zip.getEntry("io/voicecore/aigateway/api/Speech.class"));
            assertNotNull(zip.getEntry("io/voicecore/aigateway/offline/OfflineEngine.class"));
            List<String> sdk = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/voicecore/sdk/")).toList();
            assertEquals(List.of(), sdk, "the SDK is provided by the kernel, not packed");
        }
    }

    @Test
    void theBuiltJarPassesTheVerifierInstallsAndServes() {
        try (PluginTestKit kit = PluginTestKit.start(JAR)) {
            assertEquals("ai-gateway", kit.pluginId());
            TestResponse status = kit.get("/status");
            assertEquals(200, status.status(), status.toString());
            assertEquals("offline", status.json().get("mode").asString());
            TestResponse reply = kit.post("/complete", Json.object().put("messages", List.of(
                    Json.object().put("role", "user").put("text", "Je m'appelle Marie").build())).build());
            assertEquals(200, reply.status(), reply.toString());
            assertEquals("fr", reply.json().get("language").asString());
            TestResponse speech = kit.post("/speak", Json.object().put("text", "Bonjour").put("language", "fr").build());
            assertEquals(409, speech.status(), speech.toString());
            assertEquals("offline", speech.json().get("reason").asString());
        }
    }
}
