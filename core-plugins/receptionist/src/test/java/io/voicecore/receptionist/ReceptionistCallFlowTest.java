package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant call flows through the kernel's real plugin runtime and script sandbox, with the AI gateway offline: saving,
 * reading and deleting the script (tenant admins only), the dry run, and live turns decided by the stored script, or
 * answered as usual when it fails.
 */
class ReceptionistCallFlowTest {
    /** The example of docs/script-plugins.md: bookings go to sales while the business is open, otherwise a message is taken. */
    static final String BUSINESS_HOURS = """
            // Bookings go to sales while we are open; out of hours the receptionist takes a message.
            function decide(turn) {
              if (turn.intent === "book") {
                if (turn.businessHours.open) {
                  return { action: "route", to: "sales", rule: "bookings in business hours" };
                }
                return { action: "message", rule: "bookings out of hours" };
              }
              return { action: "continue" };
            }
            """;
    static final String BOOKINGS_TO_SALES = """
            function decide(turn) {
              return turn.intent === "book" ? { action: "route", to: "sales", rule: "bookings" } : null;
            }
            """;
    static final String ENDLESS = """
            function decide(turn) {
              while (true) {}
            }
            """;
    static PluginTestKit kit;
    static TestTenant admin;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY).withSecondTenant()
                .config(Json.object().put("timeZone", "Europe/Madrid").put("businessHours", "Mon-Fri 09:00-18:00")
                                .put("departments", "sales=+34910000001, support=sip:support@example.sip.twilio.com").build())
                .start();
        admin = kit.tenant().as("tenant-admin", "user:alice");
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Json save(TestTenant tenant, String script) {
        TestResponse saved = tenant.put("/call-flow", Json.object().put("script", script).build());
        assertEquals(200, saved.status(), saved.toString());
        return saved.json();
    }

    static Json dryRun(Json body) {
        TestResponse tried = admin.post("/call-flow/dry-run", body);
        assertEquals(200, tried.status(), tried.toString());
        return tried.json();
    }

    static Json say(TestTenant tenant, String conversationId, String text) {
        TestResponse reply = tenant.post("/conversations/" + conversationId + "/messages", Json.object().put("text", text).build());
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    static String startChat(TestTenant tenant) {
        TestResponse started = tenant.post("/conversations", Json.object().put("channel", "chat").build());
        assertEquals(201, started.status(), started.toString());
        return started.json().get("id").asString();
    }

    /** @return the receptionist's messages of the conversation, in order */
    static List<Json> replies(TestTenant tenant, String conversationId) {
        TestResponse read = tenant.get("/conversations/" + conversationId);
        assertEquals(200, read.status(), read.toString());
        return read.json().get("transcript").asList().stream().filter(m -> m.get("role").asString().equals("receptionist")).toList();
    }

    @Test
    void aSavedScriptIsReadBackWithItsVersionAndWhoSavedIt() {
        Json first = save(admin, BUSINESS_HOURS);
        assertEquals(BUSINESS_HOURS, first.get("script").asString());
        assertEquals("user:alice", first.get("savedBy").asString());
        Json read = kit.tenant().as("tenant-user", "user:bob").get("/call-flow").json();
        assertEquals(first, read, "any user of the tenant may read it");
        Json second = save(kit.tenant().as("tenant-admin", "user:carol"), BOOKINGS_TO_SALES);
        assertEquals(first.get("version").asLong() + 1, second.get("version").asLong());
        assertEquals("user:carol", second.get("savedBy").asString());
        assertEquals(BOOKINGS_TO_SALES, kit.get("/call-flow").json().get("script").asString());
    }

    @Test
    void aScriptThatDoesNotCompileOrLacksDecideIsRefusedNamingTheLineAndNothingIsSaved() {
        Json before = save(admin, BUSINESS_HOURS);
        TestResponse broken = admin.put("/call-flow", Json.object().put("script", "function decide(turn) {\n  return {\n    action: \"route\",,\n  };\n}\n")
                .build());
        assertEquals(422, broken.status(), broken.toString());
        assertTrue(broken.contentType().orElseThrow().startsWith("application/problem+json"), broken.toString());
        assertTrue(broken.json().get("type").asString().endsWith("call-flow-script-invalid"), broken.toString());
        assertEquals("INVALID", broken.json().get("kind").asString());
        assertEquals(3, broken.json().get("line").asLong(), broken.toString());
        assertTrue(broken.json().get("detail").asString().startsWith("The script was not saved (INVALID, line 3): "), broken.toString());

        TestResponse noDecide = admin.put("/call-flow", Json.object().put("script", "function choose(turn) {\n  return null;\n}\n").build());
        assertEquals(422, noDecide.status(), noDecide.toString());
        assertEquals("INVALID", noDecide.json().get("kind").asString());
        assertTrue(noDecide.json().get("detail").asString().contains("decide"), noDecide.toString());

        assertEquals(before, kit.get("/call-flow").json(), "a refused script leaves the saved one");
    }

    @Test
    void aScriptOverSixteenKibibytesOrMissingIsRefusedNamingTheField() {
        String huge = BUSINESS_HOURS + "// " + "x".repeat(CallFlows.MAX_SCRIPT_BYTES) + "\n";
        TestResponse tooLong = admin.put("/call-flow", Json.object().put("script", huge).build());
        assertEquals(422, tooLong.status(), tooLong.toString());
        assertTrue(tooLong.json().get("detail").asString().contains("script: is " + huge.length() + " bytes long"), tooLong.toString());
        assertTrue(tooLong.json().get("detail").asString().contains("at most 16384 bytes"), tooLong.toString());
        TestResponse missing = admin.put("/call-flow", Json.object().put("source", BUSINESS_HOURS).build());
        assertEquals(422, missing.status(), missing.toString());
        assertTrue(missing.json().get("detail").asString().contains("script: is required"), missing.toString());
    }

    @Test
    void onlyATenantAdminChangesOrTriesTheCallFlow() {
        Json saved = save(admin, BUSINESS_HOURS);
        TestTenant user = kit.tenant().as("tenant-user", "user:bob");
        TestResponse put = user.put("/call-flow", Json.object().put("script", ENDLESS).build());
        assertEquals(403, put.status(), put.toString());
        assertTrue(put.json().get("type").asString().endsWith("tenant-admin-only"), put.toString());
        assertEquals(403, user.delete("/call-flow").status());
        assertEquals(403, user.post("/call-flow/dry-run", Json.object().build()).status());
        assertEquals(saved, kit.get("/call-flow").json());
    }

    @Test
    void theBusinessHoursExampleRoutesBookingsInHoursAndTakesAMessageOutOfHours() {
        Json saved = save(admin, BUSINESS_HOURS);
        // Monday 7 December 2026, 10:30 in Madrid: open. The stored script is tried when none is given.
        Json inHours = dryRun(Json.object().put("turn", Json.object().put("text", "I'd like to book an appointment")
                .put("now", "2026-12-07T10:30").build()).build());
        assertEquals(Json.parse("{\"action\": \"route\", \"to\": \"sales\", \"destination\": \"+34910000001\", \"text\": null, "
                                + "\"rule\": \"bookings in business hours\"}"), inHours.get("decision"));
        assertEquals(saved.get("version"), inHours.get("version"));
        Json input = inHours.get("input");
        assertEquals("book", input.get("intent").asString(), "understood from the text by the gateway: " + input);
        assertEquals(Json.parse("{\"iso\": \"2026-12-07T10:30:00+01:00\", \"date\": \"2026-12-07\", \"weekday\": \"Mon\", \"hour\": 10, "
                                + "\"minute\": 30, \"timezone\": \"Europe/Madrid\"}"), input.get("now"));
        assertTrue(input.get("businessHours").get("open").asBoolean());

        // The same script given in the body, at 20:00 (closed) and on a Saturday morning: a message is taken.
        for (String closed : List.of("2026-12-07T20:00:00+01:00", "2026-12-12T10:00")) {
            Json outOfHours = dryRun(Json.object().put("script", BUSINESS_HOURS)
                    .put("turn", Json.object().put("text", "I'd like to book an appointment").put("intent", "book").put("channel", "call")
                            .put("caller", Json.object().put("phone", "+34612345678").build()).put("now", closed).build()).build());
            assertEquals("message", outOfHours.get("decision").get("action").asString(), outOfHours.toString());
            assertEquals("bookings out of hours", outOfHours.get("decision").get("rule").asString());
            assertFalse(outOfHours.get("input").get("businessHours").get("open").asBoolean());
            assertTrue(outOfHours.get("version").isNull(), "a given script is not the stored one");
            assertTrue(outOfHours.get("effect").asString().startsWith("The receptionist takes a message"), outOfHours.toString());
        }
        Json question = dryRun(Json.object().put("script", BUSINESS_HOURS).put("turn", Json.object().put("intent", "question")
                .put("now", "2026-12-07T10:30").build()).build());
        assertEquals("continue", question.get("decision").get("action").asString());

        TestResponse wrong = admin.post("/call-flow/dry-run", Json.object().put("turn", Json.object().put("intent", "buy")
                .put("channel", "fax").put("now", "yesterday").build()).build());
        assertEquals(422, wrong.status(), wrong.toString());
        String detail = wrong.json().get("detail").asString();
        assertTrue(detail.contains("turn.intent") && detail.contains("turn.channel") && detail.contains("turn.now"), detail);
    }

    @Test
    void aLiveTurnIsRoutedByTheStoredScriptAndTheConversationShowsTheRule() {
        Json saved = save(admin, BOOKINGS_TO_SALES);
        String id = startChat(kit.tenant());
        Json first = say(kit.tenant(), id, "Hello");
        assertFalse(first.get("escalated").asBoolean(), first.toString());
        Json routed = say(kit.tenant(), id, "I'd like to book an appointment");
        assertTrue(routed.get("escalated").asBoolean(), routed.toString());
        assertEquals("the call flow routed the caller to sales", routed.get("escalation").asString());
        assertEquals("+34910000001", routed.get("transferTo").asString());
        assertEquals("escalated", routed.get("stage").asString());

        List<Json> replies = replies(kit.tenant(), id);
        assertEquals(3, replies.size(), replies.toString());
        assertTrue(replies.get(0).get("callFlow").isNull(), "the greeting is not a turn");
        assertEquals(Json.parse("{\"version\": " + saved.get("version") + ", \"action\": \"continue\", \"to\": null, \"destination\": null, "
                                + "\"text\": null, \"rule\": null}"), replies.get(1).get("callFlow"));
        assertEquals(Json.parse("{\"version\": " + saved.get("version") + ", \"action\": \"route\", \"to\": \"sales\", "
                                + "\"destination\": \"+34910000001\", \"text\": null, \"rule\": \"bookings\"}"), replies.get(2).get("callFlow"));
    }

    @Test
    void anEndlessScriptIsStoppedTheDryRunSaysSoAndALiveTurnStillAnswers() {
        TestResponse tried = admin.post("/call-flow/dry-run", Json.object().put("script", ENDLESS)
                .put("turn", Json.object().put("text", "Hello").build()).build());
        assertEquals(422, tried.status(), tried.toString());
        assertTrue(tried.json().get("type").asString().endsWith("call-flow-script-failed"), tried.toString());
        assertEquals("LIMIT", tried.json().get("kind").asString(), tried.toString());
        assertFalse(tried.json().get("message").asString().isBlank());

        // Its top level is harmless, so it can be saved; each turn then runs into the limit.
        Json saved = save(admin, ENDLESS);
        String id = startChat(kit.tenant());
        Json reply = say(kit.tenant(), id, "I'd like to book an appointment");
        assertFalse(reply.get("escalated").asBoolean(), reply.toString());
        assertFalse(reply.get("reply").asString().isBlank());
        String seen = reply.toString().toLowerCase(java.util.Locale.ROOT);
        assertFalse(seen.contains("limit") || seen.contains("script") || seen.contains("call flow"), "nothing of the failure reaches the caller: " + seen);
        Json recorded = replies(kit.tenant(), id).get(1).get("callFlow");
        assertEquals(Json.parse("{\"version\": " + saved.get("version") + ", \"action\": \"continue\", \"fallback\": \"LIMIT\"}"), recorded);
    }

    @Test
    void anotherTenantsCallFlowIsItsOwn() {
        save(admin, BOOKINGS_TO_SALES);
        TestTenant other = kit.secondTenant();
        TestTenant otherAdmin = other.as("tenant-admin", "user:dora");
        TestResponse none = other.get("/call-flow");
        assertEquals(404, none.status(), none.toString());
        assertTrue(none.json().get("type").asString().endsWith("call-flow-not-found"), none.toString());
        String id = startChat(other);
        assertFalse(say(other, id, "I'd like to book an appointment").get("escalated").asBoolean(), "tenant 1's script does not run here");

        Json saved = save(otherAdmin, ENDLESS);
        assertEquals(1, saved.get("version").asLong());
        assertEquals(BOOKINGS_TO_SALES, kit.get("/call-flow").json().get("script").asString(), "the first tenant keeps its own");
        assertEquals(204, otherAdmin.delete("/call-flow").status());
        assertEquals(404, other.get("/call-flow").status());
        assertEquals(404, otherAdmin.delete("/call-flow").status());
        assertEquals(BOOKINGS_TO_SALES, kit.get("/call-flow").json().get("script").asString());
        assertEquals(2, save(otherAdmin, BUSINESS_HOURS).get("version").asLong(), "versions go on after a deletion");
    }
}
