package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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

/** The CRM's OpenAPI document ({@code openapi.yaml}) describes exactly the routes it serves, and their answers. */
class CrmOpenApiTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("defaultCountryCode", "34").build()).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void everyRouteIsDescribedAndEveryDescriptionServed() {
        assertEquals(27, kit.routes().size(), kit.routes().toString());
        assertEquals(List.of(), kit.undescribedRoutes());
        assertEquals(List.of(), kit.unservedDescriptions());
        // The file's own info.version (for those who read it without the kernel) follows the plugin's.
        assertTrue(readDocument().contains("\n  version: " + kit.pluginVersion() + "\n"), "info.version of openapi.yaml is not " + kit.pluginVersion());
        assertEquals("CRM", ((Map<?, ?>) kit.openApi().get("info")).get("title"));
    }

    @Test
    void answersMatchTheirDocumentedSchemas() {
        TestResponse created = kit.post("/contacts", Json.object().put("name", "Ada Lovelace").put("phone", "612 345 678")
                .put("email", "ada@example.com").put("tags", List.of(Json.of("vip"))).build());
        assertEquals(201, created.status(), created.toString());
        conforms(HttpMethod.POST, "/contacts", created);
        String id = created.json().get("id").asString();
        conforms(HttpMethod.GET, "/contacts", kit.get("/contacts?limit=10"));
        conforms(HttpMethod.GET, "/contacts/{id}", kit.get("/contacts/" + id));
        conforms(HttpMethod.PATCH, "/contacts/{id}", kit.patch("/contacts/" + id, Json.object().put("company", "Analytical").build()));
        conforms(HttpMethod.POST, "/contacts/{id}/interactions", kit.post("/contacts/" + id + "/interactions",
                Json.object().put("type", "call").put("summary", "Asked about prices").build()));
        conforms(HttpMethod.GET, "/contacts/{id}/interactions", kit.get("/contacts/" + id + "/interactions"));
        conforms(HttpMethod.GET, "/contacts/{id}/duplicates", kit.get("/contacts/" + id + "/duplicates"));
        conforms(HttpMethod.POST, "/leads", kit.post("/leads", Json.object().put("contactId", id).build()));
        conforms(HttpMethod.GET, "/leads", kit.get("/leads"));
        conforms(HttpMethod.GET, "/pipelines", kit.get("/pipelines"));
        conforms(HttpMethod.GET, "/pipelines/{id}/summary", kit.get("/pipelines/default/summary"));
        TestResponse deal = kit.post("/deals", Json.object().put("contactId", id).put("title", "Engine").put("amount", 125_000)
                .put("currency", "EUR").build());
        conforms(HttpMethod.POST, "/deals", deal);
        conforms(HttpMethod.GET, "/deals", kit.get("/deals?status=open"));
        conforms(HttpMethod.POST, "/custom-fields", kit.post("/custom-fields", Json.object().put("key", "tier").put("label", "Tier")
                .put("type", "enum").put("values", List.of(Json.of("gold"), Json.of("silver"))).build()));
        conforms(HttpMethod.GET, "/custom-fields", kit.get("/custom-fields"));
        TestResponse imported = kit.request(HttpMethod.POST, "/contacts/import?skipInvalid=true", Map.of("Content-Type", "text/csv"),
                "name,email\nGrace,grace@example.com\n,broken\n".getBytes(StandardCharsets.UTF_8));
        conforms(HttpMethod.POST, "/contacts/import", imported);
        assertEquals(1, imported.json().get("skipped").asLong());

        // Problems too: the documented problem shape, with the plugin's type.
        TestResponse missing = kit.get("/contacts/00000000-0000-0000-0000-000000000000");
        assertEquals(404, missing.status());
        conforms(HttpMethod.GET, "/contacts/{id}", missing);
        TestResponse invalid = kit.post("/contacts", Json.object().put("nickname", "x").build());
        assertEquals(422, invalid.status());
        conforms(HttpMethod.POST, "/contacts", invalid);
        conforms(HttpMethod.GET, "/contacts", kit.get("/contacts?limit=500"));
    }

    @Test
    void theCheckFindsAnAnswerThatDepartsFromItsSchema() {
        // A contact is not a deal: the check must notice, or the passing checks above prove nothing.
        TestResponse created = kit.post("/contacts", Json.object().put("name", "Charles Babbage").build());
        TestResponse contact = kit.get("/contacts/" + created.json().get("id").asString());
        List<String> violations = kit.schemaViolations(HttpMethod.GET, "/deals/{id}", contact);
        assertFalse(violations.isEmpty());
        assertTrue(violations.contains("$.title: is required"), violations.toString());
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
