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

/** Pipelines and their stages through the plugin test kit. */
class CrmPipelinesTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Json stage(String key, String name, String kind) {
        return Json.object().put("key", key).put("name", name).put("kind", kind).build();
    }

    static Json pipeline(String name, List<Json> stages) {
        TestResponse created = kit.post("/pipelines", Json.object().put("name", name).put("stages", stages).build());
        assertEquals(201, created.status(), created.toString());
        return created.json();
    }

    static List<String> keys(Json pipeline) {
        return pipeline.get("stages").asList().stream().map(s -> s.get("key").asString()).toList();
    }

    static String contact() {
        TestResponse created = kit.post("/contacts", Json.object().put("name", "Buyer").build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    static String deal(String pipelineId, String stage) {
        TestResponse created = kit.post("/deals", Json.object().put("contactId", contact()).put("title", "Deal").put("amount", 100)
                .put("currency", "EUR").put("pipelineId", pipelineId).put("stage", stage).build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    @Test
    void theDefaultSalesPipelineExistsWithoutSetupAndStaysTheSame() {
        TestResponse list = kit.secondTenant().get("/pipelines");
        assertEquals(200, list.status(), list.toString());
        List<Json> items = list.json().get("items").asList();
        assertEquals(1, items.size(), list.toString());
        Json sales = items.get(0);
        assertEquals("Sales", sales.get("name").asString());
        assertTrue(sales.get("default").asBoolean());
        assertEquals(List.of("new", "qualified", "proposal", "negotiation", "won", "lost"), keys(sales));
        assertEquals(List.of("open", "open", "open", "open", "won", "lost"),
                     sales.get("stages").asList().stream().map(s -> s.get("kind").asString()).toList());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), sales.get("stages").asList().stream().map(s -> s.get("position").asLong()).toList());

        assertEquals(sales, kit.secondTenant().get("/pipelines/default").json());
        assertEquals(sales, kit.secondTenant().get("/pipelines/" + sales.get("id").asString()).json());
        assertEquals(List.of(sales), kit.secondTenant().get("/pipelines").json().get("items").asList(), "created once");
        assertTrue(!kit.get("/pipelines/default").json().get("id").equals(sales.get("id")), "each tenant has its own");
    }

    @Test
    void createsAPipelineWithOrderedStages() {
        String name = "Renewals " + UUID.randomUUID();
        Json created = pipeline(name, List.of(stage("due", "Due", "open"), stage("renewed", "Renewed", "won"),
                                              stage("churned", "Churned", "lost")));
        assertEquals(name, created.get("name").asString());
        assertEquals(false, created.get("default").asBoolean());
        assertEquals(List.of("due", "renewed", "churned"), keys(created));
        assertEquals(created, kit.get("/pipelines/" + created.get("id").asString()).json());
        assertTrue(kit.get("/pipelines").json().get("items").asList().contains(created));

        TestResponse sameName = kit.post("/pipelines", Json.object().put("name", name.toUpperCase())
                .put("stages", List.of(stage("a", "A", "open"))).build());
        assertEquals(409, sameName.status(), sameName.toString());
        assertEquals("urn:voicecore:plugin:crm:pipeline-exists", sameName.json().get("type").asString());
    }

    @Test
    void invalidPipelinesListEveryFieldAndStoreNothing() {
        String name = "Invalid " + UUID.randomUUID();
        TestResponse refused = kit.post("/pipelines", Json.object().put("name", name).put("colour", "red")
                .put("stages", List.of(stage("Bad Key", "A", "open"), stage("b", "", "won"), stage("c", "C", "maybe"), stage("d", "D", "won"),
                                       stage("d", "D again", "lost"))).build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("colour:", "stages[0].key:", "stages[1].name:", "stages[2].kind:", "stages[4].key:")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }
        TestResponse noOpen = kit.post("/pipelines", Json.object().put("name", name).put("stages", List.of(stage("w", "W", "won"))).build());
        assertEquals(422, noOpen.status(), noOpen.toString());
        assertTrue(noOpen.json().get("detail").asString().contains("at least one stage of kind open"), noOpen.toString());
        TestResponse missing = kit.post("/pipelines", Json.object().build());
        assertTrue(missing.json().get("detail").asString().contains("name: is required"), missing.toString());
        assertTrue(missing.json().get("detail").asString().contains("stages: is required"), missing.toString());
        assertTrue(kit.get("/pipelines").json().get("items").asList().stream().noneMatch(p -> p.get("name").asString().equals(name)));
    }

    @Test
    void patchRenamesReordersAndAddsStages() {
        Json created = pipeline("Onboarding " + UUID.randomUUID(), List.of(stage("a", "A", "open"), stage("b", "B", "open"),
                                                                          stage("done", "Done", "won")));
        String id = created.get("id").asString();
        String renamed = "Onboarding renamed " + UUID.randomUUID();
        TestResponse patched = kit.patch("/pipelines/" + id, Json.object().put("name", renamed)
                .put("stages", List.of(Json.object().put("key", "b").build(), stage("a", "A first", "open"), stage("demo", "Demo", "open"),
                                       Json.object().put("key", "done").build(), stage("gone", "Gone", "lost"))).build());
        assertEquals(200, patched.status(), patched.toString());
        Json after = patched.json();
        assertEquals(renamed, after.get("name").asString());
        assertEquals(List.of("b", "a", "demo", "done", "gone"), keys(after));
        Json first = after.get("stages").asList().get(0);
        assertEquals("B", first.get("name").asString(), "an existing stage keeps its name unless sent");
        assertEquals(0, first.get("position").asLong());
        assertEquals("A first", after.get("stages").asList().get(1).get("name").asString());
        assertEquals(after, kit.get("/pipelines/" + id).json());

        TestResponse newStageWithoutKind = kit.patch("/pipelines/" + id, Json.object()
                .put("stages", List.of(stage("a", "A", "open"), Json.object().put("key", "x").build())).build());
        assertEquals(422, newStageWithoutKind.status(), newStageWithoutKind.toString());
        assertTrue(newStageWithoutKind.json().get("detail").asString().contains("stages[1].kind: is required for a new stage"));
        assertEquals(after, kit.get("/pipelines/" + id).json(), "a refused patch changes nothing");
    }

    @Test
    void aStageHoldingDealsCannotBeRemovedNorChangeItsKind() {
        Json created = pipeline("Held " + UUID.randomUUID(), List.of(stage("a", "A", "open"), stage("b", "B", "open"),
                                                                    stage("won", "Won", "won")));
        String id = created.get("id").asString();
        String deal = deal(id, "b");

        TestResponse removal = kit.patch("/pipelines/" + id, Json.object()
                .put("stages", List.of(stage("a", "A", "open"), stage("won", "Won", "won"))).build());
        assertEquals(422, removal.status(), removal.toString());
        assertEquals("urn:voicecore:plugin:crm:invalid-fields", removal.json().get("type").asString());
        assertTrue(removal.json().get("detail").asString().contains("stages: stage 'b' still holds 1 deal(s)"), removal.toString());

        TestResponse kindChange = kit.patch("/pipelines/" + id, Json.object()
                .put("stages", List.of(stage("a", "A", "open"), stage("b", "B", "won"), stage("won", "Won", "won"))).build());
        assertEquals(422, kindChange.status(), kindChange.toString());
        assertTrue(kindChange.json().get("detail").asString().contains("stages[1].kind:"), kindChange.toString());
        assertEquals(created, kit.get("/pipelines/" + id).json());

        assertEquals(200, kit.patch("/deals/" + deal, Json.object().put("stage", "a").build()).status());
        TestResponse removed = kit.patch("/pipelines/" + id, Json.object()
                .put("stages", List.of(stage("a", "A", "open"), stage("won", "Won", "won"))).build());
        assertEquals(200, removed.status(), removed.toString());
        assertEquals(List.of("a", "won"), keys(removed.json()));
    }

    @Test
    void renamingToAnotherPipelinesNameIsAConflict() {
        String taken = "Taken " + UUID.randomUUID();
        pipeline(taken, List.of(stage("a", "A", "open")));
        String id = pipeline("Other " + UUID.randomUUID(), List.of(stage("a", "A", "open"))).get("id").asString();
        TestResponse conflict = kit.patch("/pipelines/" + id, Json.object().put("name", taken).build());
        assertEquals(409, conflict.status(), conflict.toString());
        assertEquals(200, kit.patch("/pipelines/" + id, Json.object().put("name", "Other again " + UUID.randomUUID()).build()).status());
    }

    @Test
    void unknownPipelinesAndOtherTenantsPipelinesAreNotFound() {
        String id = pipeline("Private " + UUID.randomUUID(), List.of(stage("a", "A", "open"))).get("id").asString();
        assertEquals(404, kit.secondTenant().get("/pipelines/" + id).status());
        assertEquals(404, kit.secondTenant().get("/pipelines/" + id + "/summary").status());
        assertEquals(404, kit.secondTenant().patch("/pipelines/" + id, Json.object().put("name", "Stolen").build()).status());
        assertTrue(kit.secondTenant().get("/pipelines").json().get("items").asList().stream()
                           .noneMatch(p -> p.get("id").asString().equals(id)));
        assertEquals(404, kit.get("/pipelines/" + UUID.randomUUID()).status());
        assertEquals("urn:voicecore:plugin:crm:pipeline-not-found", kit.get("/pipelines/not-an-id").json().get("type").asString());
    }
}
