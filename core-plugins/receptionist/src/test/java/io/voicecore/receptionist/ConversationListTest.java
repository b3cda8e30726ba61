package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /conversations}: filters, pages and another tenant's conversations kept out, through the real plugin runtime. */
class ConversationListTest {
    static PluginTestKit kit;
    static String happy;
    static String angry;
    static String open;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY).withSecondTenant()
                .config(Json.object().put("assistantName", "Sofía").put("businessName", "Clínica Sol").build()).start();
        happy = conversation("Thank you so much, this is great and wonderful");
        angry = conversation("This is ridiculous and unacceptable!");
        open = kit.post("/conversations", Json.object().put("channel", "voice").build()).json().get("id").asString();
        kit.secondTenant().post("/conversations", Json.object().put("channel", "chat").build());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    private static String conversation(String text) {
        String id = kit.post("/conversations", Json.object().put("channel", "chat").build()).json().get("id").asString();
        assertEquals(200, kit.post("/conversations/" + id + "/messages", Json.object().put("text", text).build()).status());
        assertEquals(200, kit.post("/conversations/" + id + "/end", Json.object().build()).status());
        return id;
    }

    private static List<String> ids(String query) {
        TestResponse listed = kit.get("/conversations" + query);
        assertEquals(200, listed.status(), listed.toString());
        List<String> ids = new ArrayList<>();
        listed.json().get("items").asList().forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    @Test
    void newestFirstAndOnlyTheTenantsOwn() {
        assertEquals(List.of(open, angry, happy), ids(""));
        assertEquals(List.of(angry, happy), ids("?channel=chat"));
        assertEquals(List.of(open), ids("?channel=voice&status=open"));
    }

    @Test
    void filteredByTheCallersSentimentAndByDay() {
        assertEquals(List.of(angry), ids("?sentiment=negative"));
        assertEquals(List.of(happy), ids("?sentiment=positive"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(3, ids("?from=" + today + "&to=" + today).size());
        assertEquals(List.of(), ids("?to=" + LocalDate.now(ZoneOffset.UTC).minusDays(1)));
        assertEquals(List.of(), ids("?outcome=voicemail"), "no call ended in a voicemail");
        Json first = kit.get("/conversations?sentiment=negative").json().get("items").asList().get(0);
        assertTrue(first.get("sentiment").asDecimal().doubleValue() < -0.2, first.toString());
    }

    @Test
    void pagesFollowTheirCursor() {
        TestResponse first = kit.get("/conversations?limit=2");
        assertEquals(2, first.json().get("items").asList().size());
        String next = first.json().get("next").asString();
        TestResponse second = kit.get("/conversations?limit=2&cursor=" + next);
        assertEquals(List.of(happy), second.json().get("items").asList().stream().map(item -> item.get("id").asString()).toList());
        assertTrue(second.json().get("next").isNull(), second.toString());
    }

    @Test
    void badFiltersAreProblemsNamingEachField() {
        TestResponse bad = kit.get("/conversations?channel=fax&from=yesterday&limit=0&cursor=zzz&colour=red");
        assertEquals(422, bad.status(), bad.toString());
        String detail = bad.json().get("detail").asString();
        for (String field : List.of("channel", "from", "limit", "cursor", "colour")) {
            assertTrue(detail.contains(field + ":"), detail);
        }
    }
}
