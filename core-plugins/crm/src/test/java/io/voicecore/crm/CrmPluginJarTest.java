package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.Test;

/** The jar {@code mvn package} produced, installed through the kernel's verifier and loader. Runs after {@code package} (failsafe). */
class CrmPluginJarTest {
    static final Path JAR = Path.of(System.getProperty("plugin.jar", "target/crm-plugin-0.1.0-SNAPSHOT.jar"));

    @Test
    void theJarHasItsManifestAndMigrationsAtTheRootAndNoSdkClasses() throws IOException {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assertNotNull(zip.getEntry("plugin.yaml"), "plugin.yaml at the root of " + JAR);
            assertNotNull(zip.getEntry("openapi.yaml"), "the OpenAPI document plugin.yaml names");
            assertNotNull(zip.getEntry("db/migration/V1__contacts.sql"));
            assertNotNull(zip.getEntry("db/migration/V2__interactions.sql"));
            assertNotNull(zip.getEntry("db/migration/V3__leads.sql"));
            assertNotNull(zip.getEntry("db/migration/V4__deals.sql"));
            assertNotNull(zip.getEntry("db/migration/V5__contact_keys.sql"));
            assertNotNull(zip.getEntry("io/voicecore/crm/CrmPlugin.class"));
            List<String> sdk = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/voicecore/sdk/")).toList();
            assertEquals(List.of(), sdk, "the SDK is provided by the kernel, not packed");
        }
    }

    @Test
    void theBuiltJarPassesTheVerifierInstallsAndServes() {
        try (PluginTestKit kit = PluginTestKit.builder(JAR).config(Json.object().put("defaultCountryCode", "1").build()).start()) {
            assertEquals("crm", kit.pluginId());
            TestResponse created = kit.post("/contacts", Json.object().put("name", "Ada").put("email", "ada@example.com")
                    .put("phone", "415 555 0123").build());
            assertEquals(201, created.status(), created.toString());
            assertEquals("+14155550123", created.json().get("phones").asList().get(0).asString());
            TestResponse found = kit.get("/contacts?q=ada");
            assertEquals(200, found.status(), found.toString());
            assertEquals(1, found.json().get("items").asList().size());
            assertEquals(1, kit.published(CrmPlugin.CONTACT_CREATED).size());
            TestResponse deal = kit.post("/deals", Json.object().put("contactId", created.json().get("id")).put("title", "First order")
                    .put("amount", 4_990).put("currency", "USD").build());
            assertEquals(201, deal.status(), deal.toString());
            TestResponse won = kit.patch("/deals/" + deal.json().get("id").asString(), Json.object().put("stage", "won").build());
            assertEquals("won", won.json().get("status").asString(), won.toString());
            assertEquals(1, kit.published(DealRoutes.STAGE_CHANGED).size());

            TestResponse imported = kit.request(HttpMethod.POST, "/contacts/import", Map.of("Content-Type", "text/csv"),
                    "name,email,phone\nGrace,grace@example.com,415 555 0124\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, imported.status(), imported.toString());
            assertEquals(1, imported.json().get("imported").asLong());
            assertEquals(3, kit.get("/contacts/export").body().lines().count(), "the header, Ada and Grace");
        }
    }
}
