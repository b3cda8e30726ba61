package io.voicecore.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestStream;
import org.junit.jupiter.api.Test;

/**
 * The jar {@code mvn package} produced, the file an operator uploads: laid out as the kernel expects, and
 * installed through the same verifier and loader. Runs after {@code package} (failsafe).
 */
class HelloPluginJarTest {
    static final Path JAR = Path.of(System.getProperty("plugin.jar", "target/hello-plugin-1.0.0.jar"));

    @Test
    void theJarHasItsManifestAndMigrationAtTheRootAndNoSdkClasses() throws IOException {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assertNotNull(zip.getEntry("plugin.yaml"), "plugin.yaml at the root of " + JAR);
            assertNotNull(zip.getEntry("db/migration/V1__guests.sql"));
            assertNotNull(zip.getEntry("io/voicecore/examples/hello/HelloPlugin.class"));
            List<String> sdk = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/voicecore/sdk/")).toList();
            assertEquals(List.of(), sdk, "the SDK is provided by the kernel, not packed");
        }
    }

    @Test
    void theBuiltJarInstallsAndServes() {
        try (PluginTestKit kit = PluginTestKit.start(JAR)) {
            assertEquals("hello", kit.pluginId());
            assertEquals("1.0.0", kit.pluginVersion());
            TestResponse greeting = kit.get("/greeting");
            assertEquals(200, greeting.status(), greeting.toString());
            TestResponse signed = kit.post("/guests", Json.object().put("name", "Ada").build());
            assertEquals(201, signed.status(), signed.toString());
            assertTrue(kit.published("hello.guest.signed").stream().anyMatch(e -> e.payload().get("name").asString().equals("Ada")));
            try (TestStream live = kit.stream("/guests/live")) {
                assertEquals("welcome", live.receiveJson().get("type").asString());
                assertEquals("Lin", live.send(Json.object().put("name", "Lin").build()).receiveJson().get("guest").get("name")
                        .asString());
            }
        }
    }
}
