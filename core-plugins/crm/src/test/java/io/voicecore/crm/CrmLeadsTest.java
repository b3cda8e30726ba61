package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leads scored with the tenant's rules over the contact's interactions. */
class CrmLeadsTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("leadRules", "call=10, any:price=15, note=1")
                                                                            .put("leadQualifiedScore", 30).build()).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static String contact(String name) {
        TestResponse created = kit.post("/contacts", Json.object().put("name", name).build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    static void interaction(String contactId, String type, String summary) {
        assertEquals(201, kit.post("/contacts/" + contactId + "/interactions", Json.object().put("type", type).put("summary", summary).build())
                .status());
    }

    @Test
    void theScoreAndStatusFollowTheInteractions() {
        String contactId = contact("Prospect");
        TestResponse created = kit.post("/leads", Json.object().put("contactId", contactId).build());
        assertEquals(201, created.status(), created.toString());
        String leadId = created.json().get("id").asString();
        assertEquals("new", created.json().get("status").asString());
        assertEquals(0, created.json().get("score").asLong());

        interaction(contactId, "note", "met at a fair");
        Json engaged = kit.get("/leads/" + leadId).json();
        assertEquals(1, engaged.get("score").asLong());
        assertEquals("engaged", engaged.get("status").asString());

        interaction(contactId, "call", "asked for the price list");
        Json qualified = kit.get("/leads/" + leadId).json();
        assertEquals(1 + 10 + 15, qualified.get("score").asLong());
        assertEquals("engaged", qualified.get("status").asString(), "26 is below the configured 30");
        interaction(contactId, "call", "follow-up");
        assertEquals("qualified", kit.get("/leads/" + leadId).json().get("status").asString());

        TestResponse won = kit.patch("/leads/" + leadId, Json.object().put("outcome", "won").build());
        assertEquals(200, won.status(), won.toString());
        assertEquals("won", won.json().get("status").asString());
        assertEquals(36, won.json().get("score").asLong());
        assertEquals("qualified", kit.patch("/leads/" + leadId, Json.object().put("outcome", Json.NULL).build()).json().get("status").asString());

        assertTrue(kit.get("/leads").json().get("items").asList().stream().anyMatch(l -> l.get("id").asString().equals(leadId)));
    }

    @Test
    void aContactIsALeadOnceAndMustExist() {
        String contactId = contact("Once");
        assertEquals(201, kit.post("/leads", Json.object().put("contactId", contactId).build()).status());
        assertEquals(409, kit.post("/leads", Json.object().put("contactId", contactId).build()).status());
        assertEquals(404, kit.post("/leads", Json.object().put("contactId", UUID.randomUUID().toString()).build()).status());
        assertEquals(422, kit.post("/leads", Json.object().build()).status());
        assertEquals(404, kit.get("/leads/" + UUID.randomUUID()).status());
        String leadId = kit.get("/leads?limit=200").json().get("items").asList().stream()
                .filter(l -> l.get("contactId").asString().equals(contactId)).findFirst().orElseThrow().get("id").asString();
        for (Json bad : List.of(Json.object().put("outcome", "maybe").build(), Json.object().build(),
                                Json.object().put("outcome", "won").put("score", 5).build())) {
            assertEquals(422, kit.patch("/leads/" + leadId, bad).status(), bad.toString());
        }
    }

    @Test
    void rulesTheManifestPatternAcceptsButThatNameAnUnknownTypeAreReportedAsConfiguration() {
        try (PluginTestKit misconfigured = PluginTestKit.builder(Path.of("target/classes"))
                .config(Json.object().put("leadRules", "fax=10").build()).start()) {
            TestResponse created = misconfigured.post("/contacts", Json.object().put("name", "X").build());
            TestResponse refused = misconfigured.post("/leads", Json.object().put("contactId", created.json().get("id").asString()).build());
            assertEquals(409, refused.status(), refused.toString());
            assertTrue(refused.json().get("detail").asString().contains("fax"), refused.toString());
        }
    }
}
