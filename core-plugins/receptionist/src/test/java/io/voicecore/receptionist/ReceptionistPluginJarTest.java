package io.voicecore.receptionist;

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

/**
 * The jar {@code mvn package} produced, installed through the kernel's verifier and loader after the gateway's jar. Runs after
 * {@code package} (failsafe).
 */
class ReceptionistPluginJarTest {
    static final Path JAR = Path.of(System.getProperty("plugin.jar", "target/receptionist-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path GATEWAY_JAR = Path.of(System.getProperty("ai-gateway.plugin.jar", "../ai-gateway/target/ai-gateway-plugin-0.1.0-SNAPSHOT.jar"));

    @Test
    void theJarHasItsManifestAndMigrationsAtTheRootAndNoSdkClasses() throws IOException {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assertNotNull(zip.getEntry("plugin.yaml"), "plugin.yaml at the root of " + JAR);
            assertNotNull(zip.getEntry("db/migration/V1__conversations.sql"));
            assertNotNull(zip.getEntry("io/voicecore/receptionist/ReceptionistPlugin.class"));
            assertNotNull(zip.getEntry("io/voicecore/receptionist/engine/ConversationRules.class"));
            List<String> sdk = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/voicecore/sdk/")).toList();
            assertEquals(List.of(), sdk, "the SDK is provided by the kernel, not packed");
            List<String> gateway = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/voicecore/aigateway/")).toList();
            assertEquals(List.of(), gateway, "the gateway's service package comes from the installed gateway, not packed");
        }
    }

    @Test
    void theBuiltJarPassesTheVerifierInstallsAndServes() {
        try (PluginTestKit kit = PluginTestKit.builder(JAR).withPlugin(GATEWAY_JAR).start()) {
            assertEquals("receptionist", kit.pluginId());
            TestResponse started = kit.post("/conversations", Json.object().build());
            assertEquals(201, started.status(), started.toString());
            TestResponse reply = kit.post("/conversations/" + started.json().get("id").asString() + "/messages",
                                          Json.object().put("text", "Je m'appelle Marie").build());
            assertEquals(200, reply.status(), reply.toString());
            assertEquals("fr", reply.json().get("language").asString());
        }
    }
}
