package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Duplicate detection and merge. */
class CrmMergeTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("defaultCountryCode", "34").build()).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static String contact(Json body) {
        TestResponse created = kit.post("/contacts", body);
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    static Set<String> ids(List<Json> contacts) {
        return contacts.stream().map(c -> c.get("id").asString()).collect(Collectors.toSet());
    }

    @Test
    void duplicatesShareANormalisedPhoneOrEmail() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String original = contact(Json.object().put("name", "Original").put("phone", "+34 611 " + unique.hashCode() % 1000 + " 000")
                                          .put("email", "dup" + unique + "@example.com").build());
        Json originalJson = kit.get("/contacts/" + original).json();
        String phone = originalJson.get("phones").asList().get(0).asString();
        String samePhone = contact(Json.object().put("name", "Same phone").put("phone", "00" + phone.substring(1)).build());
        String sameEmail = contact(Json.object().put("name", "Same email").put("email", "dup" + unique + "@EXAMPLE.com").build());
        contact(Json.object().put("name", "Unrelated").put("email", "other" + unique + "@example.com").build());

        TestResponse duplicates = kit.get("/contacts/" + original + "/duplicates");
        assertEquals(200, duplicates.status(), duplicates.toString());
        assertEquals(Set.of(samePhone, sameEmail), ids(duplicates.json().get("items").asList()));
        assertEquals(Set.of(original), ids(kit.get("/contacts/" + samePhone + "/duplicates").json().get("items").asList()));
        assertEquals(404, kit.get("/contacts/" + UUID.randomUUID() + "/duplicates").status());
    }

    @Test
    void mergeMovesEverythingIntoTheSurvivorAndDeletesTheOther() {
        String into = contact(Json.object().put("name", "Survivor").put("phone", "+34 600 000 001").put("tags", List.of("a"))
                                      .put("consent", Json.object().put("marketing", true).put("recording", true).build()).build());
        String from = contact(Json.object().put("name", "Merged").put("phones", List.of("+34 600 000 002", "+34 600 000 001"))
                                      .put("email", "merged@example.com").put("company", "Acme").put("tags", List.of("b", "a"))
                                      .put("consent", Json.object().put("marketing", false).put("recording", true).build()).build());
        for (String id : List.of(into, from, from)) {
            assertEquals(201, kit.post("/contacts/" + id + "/interactions", Json.object().put("type", "note").put("summary", id).build()).status());
        }
        int updatesBefore = kit.published(CrmPlugin.CONTACT_UPDATED).size();

        TestResponse merged = kit.post("/contacts/" + into + "/merge", Json.object().put("from", from).build());
        assertEquals(200, merged.status(), merged.toString());
        Json survivor = merged.json();
        assertEquals("Survivor", survivor.get("name").asString());
        assertEquals(List.of(Json.of("+34600000001"), Json.of("+34600000002")), survivor.get("phones").asList());
        assertEquals(List.of(Json.of("merged@example.com")), survivor.get("emails").asList());
        assertEquals(List.of(Json.of("a"), Json.of("b")), survivor.get("tags").asList());
        assertEquals("Acme", survivor.get("company").asString(), "filled from the merged contact");
        assertFalse(survivor.get("consent").get("marketing").asBoolean(), "a withdrawal on either record stands");
        assertTrue(survivor.get("consent").get("recording").asBoolean());
        assertEquals(survivor, kit.get("/contacts/" + into).json());

        assertEquals(404, kit.get("/contacts/" + from).status());
        List<Json> timeline = kit.get("/contacts/" + into + "/interactions").json().get("items").asList();
        assertEquals(3, timeline.size());
        assertEquals(updatesBefore + 1, kit.published(CrmPlugin.CONTACT_UPDATED).size());
    }

    @Test
    void mergeRefusesItselfMissingContactsAndAMissingFrom() {
        String id = contact(Json.object().put("name", "Alone").build());
        assertEquals(422, kit.post("/contacts/" + id + "/merge", Json.object().put("from", id).build()).status());
        assertEquals(422, kit.post("/contacts/" + id + "/merge", Json.object().build()).status());
        TestResponse missing = kit.post("/contacts/" + id + "/merge", Json.object().put("from", UUID.randomUUID().toString()).build());
        assertEquals(404, missing.status(), missing.toString());
        assertEquals(404, kit.post("/contacts/" + UUID.randomUUID() + "/merge", Json.object().put("from", id).build()).status());
        assertEquals(200, kit.get("/contacts/" + id).status(), "a refused merge deletes nothing");
    }
}
