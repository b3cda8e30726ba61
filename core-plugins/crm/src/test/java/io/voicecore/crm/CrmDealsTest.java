package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deals through the plugin test kit: the kernel's real runtime on an embedded PostgreSQL. */
class CrmDealsTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
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

    static Json.ObjectBuilder deal(String contactId, long amount, String currency) {
        return Json.object().put("contactId", contactId).put("title", "Deal of " + amount).put("amount", amount).put("currency", currency);
    }

    static Json create(Json body) {
        TestResponse created = kit.post("/deals", body);
        assertEquals(201, created.status(), body + " -> " + created);
        return created.json();
    }

    static String pipeline(String... stageKeysAndKinds) {
        List<Json> stages = new ArrayList<>();
        for (int i = 0; i < stageKeysAndKinds.length; i += 2) {
            stages.add(Json.object().put("key", stageKeysAndKinds[i]).put("name", stageKeysAndKinds[i]).put("kind", stageKeysAndKinds[i + 1])
                               .build());
        }
        TestResponse created = kit.post("/pipelines", Json.object().put("name", "P " + UUID.randomUUID()).put("stages", stages).build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    static List<String> ids(String query) {
        TestResponse list = kit.get("/deals" + query);
        assertEquals(200, list.status(), list.toString());
        return list.json().get("items").asList().stream().map(d -> d.get("id").asString()).toList();
    }

    static List<Event> stageChanges(String dealId) {
        return kit.published(DealRoutes.STAGE_CHANGED).stream().filter(e -> e.payload().get("dealId").asString().equals(dealId)).toList();
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void aNewDealStartsInTheDefaultPipelinesFirstStage() {
        String contactId = contact("Ada");
        Json created = create(deal(contactId, 125_000, "EUR").put("expectedCloseDate", "2025-06-30").put("owner", "user:7").build());
        String defaultId = kit.get("/pipelines/default").json().get("id").asString();
        assertEquals(contactId, created.get("contactId").asString());
        assertEquals(125_000, created.get("amount").asLong());
        assertEquals("EUR", created.get("currency").asString());
        assertEquals(defaultId, created.get("pipelineId").asString());
        assertEquals("new", created.get("stage").asString());
        assertEquals("open", created.get("status").asString());
        assertEquals("2025-06-30", created.get("expectedCloseDate").asString());
        assertEquals("user:7", created.get("owner").asString());
        assertTrue(created.get("lostReason").isNull());
        assertTrue(created.get("closedAt").isNull());
        assertEquals(created, kit.get("/deals/" + created.get("id").asString()).json());

        Json won = create(deal(contactId, 1, "USD").put("pipelineId", "default").put("stage", "won").build());
        assertEquals("won", won.get("status").asString());
        assertFalse(won.get("closedAt").isNull(), "created won, so closed now");
    }

    @Test
    void amountsAreWholeMinorUnitsAndCurrenciesIso4217Codes() {
        String contactId = contact("Validation");
        Map<Object, String> badAmounts = Map.of(new BigDecimal("12.5"), "has a fraction", "12", "not a string",
                                                new BigDecimal("12.0"), "has a fraction", -1, "must not be negative",
                                                new BigDecimal("9223372036854775808"), "at most 9223372036854775807",
                                                true, "not a boolean");
        badAmounts.forEach((amount, problem) -> {
            TestResponse refused = kit.post("/deals", Json.object().put("contactId", contactId).put("title", "T").put("amount", amount)
                    .put("currency", "EUR").build());
            assertEquals(422, refused.status(), amount + " -> " + refused);
            String detail = refused.json().get("detail").asString();
            assertTrue(detail.contains("amount: ") && detail.contains(problem), amount + " -> " + detail);
        });
        for (Object currency : List.of("eur", "EURO", "E1R", "ABC", 978)) {
            TestResponse refused = kit.post("/deals", deal(contactId, 100, "EUR").put("currency", currency).build());
            assertEquals(422, refused.status(), currency + " -> " + refused);
            assertTrue(refused.json().get("detail").asString().contains("currency: "), refused.toString());
        }
        assertEquals(List.of(), ids("?contact=" + contactId), "nothing was stored");

        Json largest = create(deal(contactId, Long.MAX_VALUE, "JPY").build());
        assertEquals(Long.MAX_VALUE, largest.get("amount").asLong());
        assertEquals("9223372036854775807", largest.get("amount").asDecimal().toPlainString(), "exact, no floating point");
        Json exponent = create(deal(contactId, 0, "EUR").put("amount", new BigDecimal("1.25E3")).build());
        assertEquals(1250, exponent.get("amount").asLong(), "a whole number in exponent form is still whole");
    }

    @Test
    void missingAndInvalidFieldsAreAllListedIn422() {
        TestResponse refused = kit.post("/deals", Json.object().put("colour", "red").put("expectedCloseDate", "30/06/2025")
                .put("stage", "nowhere").build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("contactId: is required", "title: is required", "amount: is required", "currency: is required",
                                    "colour:", "expectedCloseDate:", "stage:")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }
        TestResponse unknownContact = kit.post("/deals", deal(UUID.randomUUID().toString(), 1, "EUR").build());
        assertEquals(422, unknownContact.status());
        assertTrue(unknownContact.json().get("detail").asString().contains("contactId: must be the id of a contact of this tenant"));
        TestResponse unknownPipeline = kit.post("/deals", deal(contact("P"), 1, "EUR").put("pipelineId", UUID.randomUUID().toString()).build());
        assertEquals(422, unknownPipeline.status());
        assertTrue(unknownPipeline.json().get("detail").asString().contains("pipelineId:"), unknownPipeline.toString());
    }

    @Test
    void listsFilterAndPageDeals() {
        String alice = contact("Alice");
        String bob = contact("Bob");
        String pipelineId = pipeline("lead", "open", "pitch", "open", "signed", "won", "dropped", "lost");
        String owner = "user:" + UUID.randomUUID();
        List<String> all = new ArrayList<>();
        all.add(create(deal(alice, 10, "EUR").put("pipelineId", pipelineId).put("owner", owner).build()).get("id").asString());
        all.add(create(deal(alice, 20, "EUR").put("pipelineId", pipelineId).put("stage", "pitch").build()).get("id").asString());
        all.add(create(deal(bob, 30, "USD").put("pipelineId", pipelineId).put("stage", "signed").put("owner", owner).build())
                        .get("id").asString());
        all.add(create(deal(bob, 40, "USD").put("pipelineId", pipelineId).put("stage", "dropped").put("lostReason", "budget").build())
                        .get("id").asString());
        all.add(create(deal(bob, 50, "USD").put("pipelineId", pipelineId).put("stage", "pitch").build()).get("id").asString());
        String elsewhere = create(deal(bob, 60, "EUR").build()).get("id").asString();

        assertEquals(all, ids("?pipeline=" + pipelineId + "&limit=200"));
        assertEquals(List.of(all.get(1), all.get(4)), ids("?pipeline=" + pipelineId + "&stage=pitch"));
        assertEquals(List.of(all.get(2)), ids("?pipeline=" + pipelineId + "&status=won"));
        assertEquals(List.of(all.get(3)), ids("?pipeline=" + pipelineId + "&status=lost"));
        assertEquals(List.of(all.get(0), all.get(1)), ids("?contact=" + alice));
        assertEquals(List.of(all.get(2), all.get(3), all.get(4), elsewhere), ids("?contact=" + bob));
        assertEquals(List.of(all.get(0), all.get(2)), ids("?owner=" + enc(owner)));
        assertEquals(List.of(all.get(4)), ids("?contact=" + bob + "&status=open&pipeline=" + pipelineId));
        assertTrue(ids("?pipeline=default&contact=" + bob).equals(List.of(elsewhere)));

        List<String> paged = new ArrayList<>();
        String query = "?pipeline=" + pipelineId + "&limit=2";
        int pages = 0;
        while (true) {
            Json page = kit.get("/deals" + query).json();
            pages++;
            page.get("items").asList().forEach(d -> paged.add(d.get("id").asString()));
            if (page.get("next").isNull()) {
                break;
            }
            query = "?pipeline=" + pipelineId + "&limit=2&cursor=" + enc(page.get("next").asString());
        }
        assertEquals(3, pages);
        assertEquals(all, paged);

        assertEquals(400, kit.get("/deals?status=maybe").status());
        assertEquals(400, kit.get("/deals?contact=someone").status());
        assertEquals(400, kit.get("/deals?pipeline=sales").status());
        assertEquals(400, kit.get("/deals?cursor=garbage").status());
        assertEquals(400, kit.get("/deals?limit=0").status());
    }

    @Test
    void aStageChangePublishesTheEventWithTheWrite() {
        String contactId = contact("Mover");
        Json created = create(deal(contactId, 990, "GBP").build());
        String id = created.get("id").asString();
        assertEquals(List.of(), stageChanges(id), "creation is not a stage change");

        TestResponse moved = kit.patch("/deals/" + id, Json.object().put("stage", "qualified").build());
        assertEquals(200, moved.status(), moved.toString());
        assertEquals("qualified", moved.json().get("stage").asString());
        List<Event> events = stageChanges(id);
        assertEquals(1, events.size());
        Json expected = Json.object().put("dealId", id).put("contactId", contactId).put("pipelineId", created.get("pipelineId"))
                .put("fromStage", "new").put("toStage", "qualified").put("status", "open").put("amount", 990).put("currency", "GBP")
                .put("changedAt", moved.json().get("updatedAt")).build();
        assertEquals(expected, events.get(0).payload());
        assertEquals("crm", events.get(0).publisher());

        TestResponse retitled = kit.patch("/deals/" + id, Json.object().put("title", "Renamed").put("amount", 1000).build());
        assertEquals(200, retitled.status(), retitled.toString());
        assertEquals(1, stageChanges(id).size(), "no stage change, no event");

        TestResponse won = kit.patch("/deals/" + id, Json.object().put("stage", "won").build());
        assertEquals("won", won.json().get("status").asString());
        Instant closedAt = Instant.parse(won.json().get("closedAt").asString());
        assertFalse(closedAt.isBefore(Instant.parse(created.get("createdAt").asString())));
        Json wonEvent = stageChanges(id).get(1).payload();
        assertEquals("won", wonEvent.get("status").asString());
        assertEquals(1000, wonEvent.get("amount").asLong());
        assertFalse(wonEvent.has("lostReason"));

        TestResponse lost = kit.patch("/deals/" + id, Json.object().put("stage", "lost").put("lostReason", " Chose a competitor ").build());
        assertEquals(200, lost.status(), lost.toString());
        assertEquals("lost", lost.json().get("status").asString());
        assertEquals("Chose a competitor", lost.json().get("lostReason").asString());
        Json lostEvent = stageChanges(id).get(2).payload();
        assertEquals("won", lostEvent.get("fromStage").asString());
        assertEquals("Chose a competitor", lostEvent.get("lostReason").asString());

        TestResponse reopened = kit.patch("/deals/" + id, Json.object().put("stage", "negotiation").build());
        assertEquals("open", reopened.json().get("status").asString());
        assertTrue(reopened.json().get("lostReason").isNull(), "leaving the lost stage clears the reason");
        assertTrue(reopened.json().get("closedAt").isNull());
        assertEquals(4, stageChanges(id).size());
    }

    @Test
    void losingADealWithoutAReasonIsRefusedAndChangesNothing() {
        Json created = create(deal(contact("Loser"), 500, "EUR").put("stage", "proposal").build());
        String id = created.get("id").asString();
        for (Json body : List.of(Json.object().put("stage", "lost").build(), Json.object().put("stage", "lost").put("lostReason", "  ").build(),
                                 Json.object().put("stage", "lost").put("lostReason", null).put("amount", 7).build())) {
            TestResponse refused = kit.patch("/deals/" + id, body);
            assertEquals(422, refused.status(), body + " -> " + refused);
            assertEquals("urn:voicecore:plugin:crm:invalid-fields", refused.json().get("type").asString());
            assertTrue(refused.json().get("detail").asString().contains("lostReason: "), refused.toString());
        }
        assertEquals(created, kit.get("/deals/" + id).json(), "nothing changed");
        assertEquals(List.of(), stageChanges(id), "no event");

        TestResponse createdLost = kit.post("/deals", deal(contact("Lost at once"), 1, "EUR").put("stage", "lost").build());
        assertEquals(422, createdLost.status(), createdLost.toString());
        TestResponse reasonWhileOpen = kit.patch("/deals/" + id, Json.object().put("lostReason", "too early").build());
        assertEquals(422, reasonWhileOpen.status(), reasonWhileOpen.toString());
        assertTrue(reasonWhileOpen.json().get("detail").asString().contains("only a deal in a lost stage has a lost reason"));
    }

    @Test
    void aDealStaysInItsPipeline() {
        Json created = create(deal(contact("Stay"), 1, "EUR").build());
        String other = pipeline("x", "open");
        TestResponse refused = kit.patch("/deals/" + created.get("id").asString(), Json.object().put("pipelineId", other).build());
        assertEquals(422, refused.status(), refused.toString());
        assertTrue(refused.json().get("detail").asString().contains("pipelineId: cannot be changed"));
        TestResponse unknownStage = kit.patch("/deals/" + created.get("id").asString(), Json.object().put("stage", "x").build());
        assertEquals(422, unknownStage.status(), "x is a stage of the other pipeline only");
        TestResponse same = kit.patch("/deals/" + created.get("id").asString(), Json.object().put("pipelineId", "default").build());
        assertEquals(200, same.status(), same.toString());
    }

    @Test
    void theSummaryTotalsEachStageAndStatusPerCurrency() {
        String pipelineId = pipeline("open-a", "open", "open-b", "open", "won", "won", "lost", "lost");
        String contactId = contact("Summed");
        create(deal(contactId, 1_000, "EUR").put("pipelineId", pipelineId).build());
        create(deal(contactId, 2_500, "EUR").put("pipelineId", pipelineId).build());
        create(deal(contactId, 700, "USD").put("pipelineId", pipelineId).build());
        create(deal(contactId, 300, "EUR").put("pipelineId", pipelineId).put("stage", "open-b").build());
        create(deal(contactId, 9_000, "JPY").put("pipelineId", pipelineId).put("stage", "won").build());
        create(deal(contactId, 50, "EUR").put("pipelineId", pipelineId).put("stage", "lost").put("lostReason", "no budget").build());

        TestResponse summary = kit.get("/pipelines/" + pipelineId + "/summary");
        assertEquals(200, summary.status(), summary.toString());
        List<Json> stages = summary.json().get("stages").asList();
        assertEquals(List.of("open-a", "open-b", "won", "lost"), stages.stream().map(s -> s.get("key").asString()).toList());
        assertEquals(List.of(total("EUR", 2, 3_500), total("USD", 1, 700)), stages.get(0).get("totals").asList());
        assertEquals(List.of(total("EUR", 1, 300)), stages.get(1).get("totals").asList());
        assertEquals(List.of(total("JPY", 1, 9_000)), stages.get(2).get("totals").asList());
        assertEquals(List.of(total("EUR", 1, 50)), stages.get(3).get("totals").asList());
        Json statuses = summary.json().get("statuses");
        assertEquals(List.of(total("EUR", 3, 3_800), total("USD", 1, 700)), statuses.get("open").asList());
        assertEquals(List.of(total("JPY", 1, 9_000)), statuses.get("won").asList());
        assertEquals(List.of(total("EUR", 1, 50)), statuses.get("lost").asList());

        String empty = pipeline("only", "open");
        Json emptySummary = kit.get("/pipelines/" + empty + "/summary").json();
        assertEquals(List.of(), emptySummary.get("stages").asList().get(0).get("totals").asList());
        assertEquals(List.of(), emptySummary.get("statuses").get("open").asList());
    }

    static Json total(String currency, long count, long amount) {
        return Json.object().put("currency", currency).put("count", count).put("amount", amount).build();
    }

    @Test
    void aSumBeyondTheLongRangeIsRefusedNotWrapped() {
        String pipelineId = pipeline("a", "open", "b", "open");
        String contactId = contact("Overflow");
        create(deal(contactId, Long.MAX_VALUE, "EUR").put("pipelineId", pipelineId).build());
        create(deal(contactId, Long.MAX_VALUE, "USD").put("pipelineId", pipelineId).build());
        assertEquals(200, kit.get("/pipelines/" + pipelineId + "/summary").status(), "different currencies are never added");

        String second = create(deal(contactId, 1, "EUR").put("pipelineId", pipelineId).put("stage", "b").build()).get("id").asString();
        TestResponse acrossStages = kit.get("/pipelines/" + pipelineId + "/summary");
        assertEquals(409, acrossStages.status(), acrossStages.toString());
        assertEquals("urn:voicecore:plugin:crm:amount-sum-overflow", acrossStages.json().get("type").asString());
        assertTrue(acrossStages.json().get("detail").asString().contains("EUR deals with status open"), acrossStages.toString());

        assertEquals(200, kit.patch("/deals/" + second, Json.object().put("stage", "a").build()).status());
        TestResponse inOneStage = kit.get("/pipelines/" + pipelineId + "/summary");
        assertEquals(409, inOneStage.status(), inOneStage.toString());
        assertTrue(inOneStage.json().get("detail").asString().contains("EUR deals in stage 'a'"), inOneStage.toString());
    }

    @Test
    void anotherTenantSeesNoneOfTheDeals() {
        String contactId = contact("Private");
        Json created = create(deal(contactId, 42, "EUR").build());
        String id = created.get("id").asString();
        assertEquals(404, kit.secondTenant().get("/deals/" + id).status());
        assertEquals(404, kit.secondTenant().patch("/deals/" + id, Json.object().put("stage", "won").build()).status());
        assertEquals(404, kit.secondTenant().delete("/deals/" + id).status());
        assertEquals(List.of(), kit.secondTenant().get("/deals?limit=200").json().get("items").asList());
        assertEquals(List.of(), kit.secondTenant().get("/deals?contact=" + contactId).json().get("items").asList());
        assertEquals(404, kit.secondTenant().get("/pipelines/" + created.get("pipelineId").asString() + "/summary").status());
        TestResponse foreignContact = kit.secondTenant().post("/deals", deal(contactId, 1, "EUR").build());
        assertEquals(422, foreignContact.status(), "the contact belongs to the other tenant: " + foreignContact);
        Json secondSummary = kit.secondTenant().get("/pipelines/default/summary").json();
        assertTrue(secondSummary.get("stages").asList().stream().allMatch(s -> s.get("totals").asList().isEmpty()), secondSummary.toString());
        assertEquals(created, kit.get("/deals/" + id).json());
    }

    @Test
    void aContactWithDealsIsNotDeletedUntilTheyAreGone() {
        String contactId = contact("Customer");
        String dealId = create(deal(contactId, 10, "EUR").build()).get("id").asString();
        TestResponse refused = kit.delete("/contacts/" + contactId);
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("urn:voicecore:plugin:crm:contact-has-deals", refused.json().get("type").asString());
        assertEquals(200, kit.get("/contacts/" + contactId).status());
        assertEquals(200, kit.get("/deals/" + dealId).status());

        assertEquals(204, kit.delete("/deals/" + dealId).status());
        assertEquals(404, kit.get("/deals/" + dealId).status());
        assertEquals(404, kit.delete("/deals/" + dealId).status());
        assertEquals(204, kit.delete("/contacts/" + contactId).status());
    }

    @Test
    void mergingContactsMovesTheirDealsToTheSurvivor() {
        String into = contact("Survivor");
        String from = contact("Merged");
        String kept = create(deal(into, 1, "EUR").build()).get("id").asString();
        String moved = create(deal(from, 2, "EUR").build()).get("id").asString();
        String alsoMoved = create(deal(from, 3, "USD").put("stage", "won").build()).get("id").asString();

        TestResponse merged = kit.post("/contacts/" + into + "/merge", Json.object().put("from", from).build());
        assertEquals(200, merged.status(), merged.toString());
        assertEquals(List.of(kept, moved, alsoMoved), ids("?contact=" + into));
        assertEquals(List.of(), ids("?contact=" + from));
        assertEquals(into, kit.get("/deals/" + alsoMoved).json().get("contactId").asString());
        assertEquals("won", kit.get("/deals/" + alsoMoved).json().get("status").asString());
    }
}
