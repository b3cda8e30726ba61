package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Custom fields per tenant, and contacts' customFields checked against them. */
class CrmCustomFieldsTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
        define(Json.object().put("key", "tier").put("label", "Tier").put("type", "enum").put("values", List.of("gold", "silver")).build());
        define(Json.object().put("key", "score").put("label", "Score").put("type", "number").build());
        define(Json.object().put("key", "active").put("label", "Active").put("type", "boolean").build());
        define(Json.object().put("key", "birthday").put("label", "Birthday").put("type", "date").build());
        define(Json.object().put("key", "accountNo").put("label", "Account number").put("type", "string").put("required", true).build());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static void define(Json body) {
        TestResponse defined = kit.post("/custom-fields", body);
        assertEquals(201, defined.status(), body + " -> " + defined);
    }

    @Test
    void definitionsAreListedInOrder() {
        List<Json> items = kit.get("/custom-fields").json().get("items").asList();
        assertEquals(List.of("tier", "score", "active", "birthday", "accountNo"), items.stream().map(i -> i.get("key").asString()).toList());
        assertEquals(List.of(Json.of("gold"), Json.of("silver")), items.get(0).get("values").asList());
        assertTrue(items.get(4).get("required").asBoolean());
        assertEquals(List.of(), kit.secondTenant().get("/custom-fields").json().get("items").asList(), "definitions are per tenant");
    }

    @Test
    void aKeyIsDefinedOnce() {
        TestResponse again = kit.post("/custom-fields", Json.object().put("key", "score").put("label", "Other").put("type", "string").build());
        assertEquals(409, again.status(), again.toString());
        assertEquals("urn:voicecore:plugin:crm:custom-field-exists", again.json().get("type").asString());
    }

    @Test
    void invalidDefinitionsNameEachField() {
        TestResponse refused = kit.post("/custom-fields", Json.object().put("key", "Bad Key").put("label", "").put("type", "colour")
                .put("required", "yes").build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("key:", "label:", "type:", "required:")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }
        // The create inserts in the round trip that reads the definitions: a refused contact must leave no row behind.
        assertEquals(0, kit.get("/contacts?q=Invalid").json().get("items").asList().size(), "a refused contact is not stored");
        TestResponse enumWithoutValues = kit.post("/custom-fields", Json.object().put("key", "colour").put("label", "C").put("type", "enum").build());
        assertEquals(422, enumWithoutValues.status(), enumWithoutValues.toString());
        assertTrue(enumWithoutValues.json().get("detail").asString().contains("values:"), enumWithoutValues.toString());
    }

    @Test
    void validCustomFieldsAreStored() {
        Json fields = Json.object().put("tier", "gold").put("score", 7.5).put("active", true).put("birthday", "1990-02-28")
                .put("accountNo", "A-1").build();
        TestResponse created = kit.post("/contacts", Json.object().put("name", "Valid").put("customFields", fields).build());
        assertEquals(201, created.status(), created.toString());
        assertEquals(fields, created.json().get("customFields"));

        String id = created.json().get("id").asString();
        TestResponse patched = kit.patch("/contacts/" + id, Json.object().put("customFields",
                Json.object().put("tier", "silver").put("birthday", Json.NULL).build()).build());
        assertEquals(200, patched.status(), patched.toString());
        assertEquals(Json.object().put("tier", "silver").put("score", 7.5).put("active", true).put("accountNo", "A-1").build(),
                     patched.json().get("customFields"), "members sent are set, null removes");
    }

    @Test
    void undefinedWronglyTypedAndMissingRequiredFieldsAreRefused() {
        TestResponse refused = kit.post("/contacts", Json.object().put("name", "Invalid").put("customFields", Json.object()
                .put("tier", "bronze").put("score", "high").put("active", "yes").put("birthday", "28/02/1990").put("shoeSize", 44).build())
                .build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("customFields.tier: must be one of gold, silver", "customFields.score: must be a number",
                                    "customFields.active:", "customFields.birthday:", "customFields.shoeSize: is not defined",
                                    "customFields.accountNo: is required")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }

        String id = kit.post("/contacts", Json.object().put("name", "Has account").put("customFields",
                Json.object().put("accountNo", "B-2").build()).build()).json().get("id").asString();
        TestResponse removingRequired = kit.patch("/contacts/" + id, Json.object().put("customFields",
                Json.object().put("accountNo", Json.NULL).build()).build());
        assertEquals(422, removingRequired.status(), removingRequired.toString());
        assertEquals("B-2", kit.get("/contacts/" + id).json().get("customFields").get("accountNo").asString());
    }
}
