package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversations over the plugin's routes, through the kernel's real plugin runtime, with the AI gateway installed and
 * enabled first (offline: no OpenAI key is set).
 */
class ReceptionistConversationsTest {
    /** The gateway's compiled classes, which the reactor builds before this module. */
    static final Path GATEWAY = Path.of(System.getProperty("ai-gateway.plugin", "../ai-gateway/target/classes"));
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(GATEWAY).withSecondTenant()
                .config(Json.object().put("assistantName", "Sofía").put("businessName", "Clínica Sol").put("timeZone", "Europe/Madrid")
                                .put("escalationKeywords", "abogado, lawyer").build())
                .start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Json startConversation(Json body) {
        TestResponse started = kit.post("/conversations", body);
        assertEquals(201, started.status(), started.toString());
        assertEquals("offline", started.json().get("mode").asString());
        return started.json();
    }

    static Json say(String conversationId, String text) {
        TestResponse reply = kit.post("/conversations/" + conversationId + "/messages", Json.object().put("text", text).build());
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("offline", reply.json().get("mode").asString());
        return reply.json();
    }

    static Json end(String conversationId) {
        TestResponse ended = kit.post("/conversations/" + conversationId + "/end", Json.object().build());
        assertEquals(200, ended.status(), ended.toString());
        return ended.json();
    }

    static Event endedEvent(String conversationId) {
        List<Event> events = kit.published("conversation.ended").stream()
                .filter(event -> event.payload().get("conversationId").asString().equals(conversationId)).toList();
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    @Test
    void spanishCallerBooksAnAppointmentForTomorrow() {
        Json started = startConversation(Json.object().put("channel", "chat").build());
        assertEquals("Hello, thank you for contacting Clínica Sol. I'm Sofía, how can I help you?", started.get("greeting").asString());
        String id = started.get("id").asString();
        List<String> replies = new java.util.ArrayList<>();
        for (String text : List.of("Me llamo Lucía García", "mi teléfono es 612 345 678", "lucia@example.es",
                                   "quiero reservar una cita para mañana")) {
            Json reply = say(id, text);
            assertEquals("es", reply.get("language").asString(), reply.toString());
            assertFalse(reply.get("escalated").asBoolean());
            replies.add(reply.get("reply").asString());
        }
        assertEquals(List.of("Gracias, Lucía García. ¿En qué número de teléfono podemos localizarle?", "¿Y cuál es su correo electrónico?",
                             "¿En qué puedo ayudarle hoy?",
                             "Le confirmo: Lucía García, teléfono 612 345 678, correo lucia@example.es, motivo: una cita (mañana). ¿Es correcto?"),
                     replies, "the offline engine's replies, turn by turn");
        Json last = kit.get("/conversations/" + id).json();
        assertEquals("es", last.get("language").asString());

        Json ended = end(id);
        String tomorrow = LocalDate.now(ZoneId.of("Europe/Madrid")).plusDays(1).toString();
        String summary = ended.get("summary").get("text").asString();
        assertTrue(summary.contains("Book an appointment for tomorrow (mañana, " + tomorrow + ")"), summary);
        assertTrue(ended.get("summary").get("actionItems").asList().stream().anyMatch(item -> item.asString().equals("Call back 612 345 678")),
                   ended.toString());
        assertTrue(ended.get("summary").get("keyPoints").asList().contains(Json.of("Caller: Lucía García")), ended.toString());
        assertTrue(ended.get("reply").asString().startsWith("Gracias por contactar con Clínica Sol"), ended.toString());

        Json payload = endedEvent(id).payload();
        assertEquals("Lucía García", payload.get("contact").get("name").asString());
        assertEquals("612 345 678", payload.get("contact").get("phone").asString());
        assertEquals("lucia@example.es", payload.get("contact").get("email").asString());
        assertEquals("es", payload.get("language").asString());
        assertEquals("chat", payload.get("channel").asString());
        assertEquals(summary, payload.get("summary").asString());
        assertFalse(payload.get("startedAt").isNull());
        assertFalse(payload.get("endedAt").isNull());

        Json transcript = kit.get("/conversations/" + id).json();
        assertEquals("ended", transcript.get("status").asString());
        assertEquals(10, transcript.get("transcript").asList().size(), transcript.toString());
        assertEquals("caller", transcript.get("transcript").asList().get(1).get("role").asString());
        assertEquals(409, kit.post("/conversations/" + id + "/messages", Json.object().put("text", "hola").build()).status());
        assertEquals(409, kit.post("/conversations/" + id + "/end", Json.object().build()).status());
    }

    @Test
    void englishCallerGivesEverythingInOneTurnAndConfirms() {
        String id = startConversation(Json.object().put("channel", "voice").build()).get("id").asString();
        Json reply = say(id, "Hi, my name is John Smith, my number is +1 415 555 0100 and my email is john@example.com."
                             + " I need to reschedule my appointment to Friday");
        assertEquals("en", reply.get("language").asString());
        assertEquals("confirming", reply.get("stage").asString());
        assertTrue(reply.get("reply").asString().startsWith("Let me confirm: John Smith, phone +1 415 555 0100"), reply.toString());
        Json yes = say(id, "yes, that's correct");
        assertEquals("confirmed", yes.get("stage").asString());
        Json ended = end(id);
        assertTrue(ended.get("summary").get("text").asString().contains("Reschedule an appointment for friday"), ended.toString());
        Json payload = endedEvent(id).payload();
        assertEquals("voice", payload.get("channel").asString());
        assertEquals("+1 415 555 0100", payload.get("contact").get("phone").asString());
        assertEquals("en", payload.get("language").asString());
    }

    @Test
    void frenchCallerIsAnsweredInFrench() {
        String id = startConversation(Json.object().build()).get("id").asString();
        Json first = say(id, "Bonjour, je m'appelle Marie Curie");
        assertEquals("fr", first.get("language").asString());
        assertEquals("Merci, Marie Curie. À quel numéro de téléphone pouvons-nous vous joindre ?", first.get("reply").asString());
        Json second = say(id, "c'est le 06 12 34 56 78, et mon mail marie@example.fr");
        assertEquals("Comment puis-je vous aider aujourd'hui ?", second.get("reply").asString());
        Json third = say(id, "je voudrais annuler mon rendez-vous de demain");
        assertEquals("fr", third.get("language").asString());
        assertTrue(third.get("reply").asString().startsWith("Je récapitule : Marie Curie"), third.toString());
        Json ended = end(id);
        assertTrue(ended.get("summary").get("actionItems").asList().contains(Json.of("Cancel an appointment")), ended.toString());
        assertEquals("marie@example.fr", endedEvent(id).payload().get("contact").get("email").asString());
    }

    @Test
    void aFrustratedCallerIsEscalated() {
        String id = startConversation(Json.object().build()).get("id").asString();
        Json first = say(id, "I'm frustrated, I have been trying for an hour");
        assertEquals("frustrated", first.get("emotion").asString());
        assertEquals("negative", first.get("sentiment").get("label").asString());
        assertFalse(first.get("escalated").asBoolean());
        Json second = say(id, "This is ridiculous and unacceptable!");
        assertEquals("angry", second.get("emotion").asString());
        assertTrue(second.get("escalated").asBoolean());
        assertEquals("the caller is frustrated", second.get("escalation").asString());
        Json ended = end(id);
        assertTrue(ended.get("escalated").asBoolean());
        assertTrue(ended.get("summary").get("actionItems").asList()
                           .contains(Json.of("Have a person contact the caller (the caller is frustrated)")), ended.toString());
    }

    @Test
    void configuredKeywordsAndRequestsForAPersonEscalate() {
        String keyword = startConversation(Json.object().build()).get("id").asString();
        Json reply = say(keyword, "Voy a llamar a mi abogado");
        assertTrue(reply.get("escalated").asBoolean());
        assertEquals("es", reply.get("language").asString());
        String person = startConversation(Json.object().build()).get("id").asString();
        assertEquals("the caller asked for a person", say(person, "Ich möchte mit einem Menschen sprechen").get("escalation").asString());
    }

    @Test
    void answersFromTheKnowledgeBase() {
        TestResponse added = kit.post("/knowledge", Json.object().put("keywords", List.of("parking", "aparcamiento"))
                .put("answer", "Hay aparcamiento gratuito detrás del edificio.").build());
        assertEquals(201, added.status(), added.toString());
        assertTrue(kit.get("/knowledge").json().get("items").asList().stream()
                           .anyMatch(item -> item.get("id").equals(added.json().get("id"))));
        String id = startConversation(Json.object().build()).get("id").asString();
        Json reply = say(id, "¿Tienen aparcamiento?");
        assertTrue(reply.get("reply").asString().startsWith("Hay aparcamiento gratuito detrás del edificio."), reply.toString());
        assertEquals("es", reply.get("language").asString());

        assertEquals(422, kit.post("/knowledge", Json.object().put("keywords", List.of()).put("answer", "x").build()).status());
        assertEquals(204, kit.delete("/knowledge/" + added.json().get("id").asString()).status());
        assertEquals(404, kit.delete("/knowledge/" + added.json().get("id").asString()).status());
    }

    @Test
    void anotherTenantsConversationIsNotFound() {
        String id = startConversation(Json.object().build()).get("id").asString();
        assertEquals(404, kit.secondTenant().get("/conversations/" + id).status());
        assertEquals(404, kit.secondTenant().post("/conversations/" + id + "/messages", Json.object().put("text", "hello").build()).status());
        assertEquals(404, kit.secondTenant().post("/conversations/" + id + "/end", Json.object().build()).status());
        assertEquals(200, kit.get("/conversations/" + id).status());
        assertEquals(404, kit.get("/conversations/not-a-uuid").status());
    }

    @Test
    void refusesInvalidInput() {
        assertEquals(422, kit.post("/conversations", Json.object().put("channel", "fax").build()).status());
        String id = startConversation(Json.object().build()).get("id").asString();
        assertEquals(422, kit.post("/conversations/" + id + "/messages", Json.object().put("text", " ").build()).status());
        assertEquals(422, kit.post("/conversations/" + id + "/messages", Json.object().build()).status());
    }

    @Test
    void statusSaysTheGatewayIsOffline() {
        Json status = kit.get("/status").json();
        assertEquals("offline", status.get("mode").asString());
        assertEquals("offline-rules", status.get("model").asString());
        assertTrue(status.get("engine").asString().contains("no OpenAI key"), status.toString());
        assertEquals("Europe/Madrid", status.get("timeZone").asString());
        assertEquals(90, status.get("retentionDays").asLong());
        assertEquals(2, status.get("frustrationLimit").asLong());
    }

    @Test
    void answersWhetherTheBusinessIsOpenFromItsHours() {
        try (PluginTestKit hours = PluginTestKit.builder(Path.of("target/classes")).withPlugin(GATEWAY)
                .config(Json.object().put("businessHours", "Mon-Sun 00:00-24:00").put("timeZone", "Europe/Madrid").build()).start()) {
            String id = hours.post("/conversations", Json.object().build()).json().get("id").asString();
            Json reply = hours.post("/conversations/" + id + "/messages", Json.object().put("text", "Are you open now?").build()).json();
            assertEquals("Mon-Sun 00:00-24:00 (Europe/Madrid) We're open right now, until 24:00. May I have your name, please?",
                         reply.get("reply").asString());
            hours.post("/conversations/" + id + "/messages", Json.object().put("text", "Do you treat cats?").build());
            Json summary = hours.post("/conversations/" + id + "/end", Json.object().build()).json().get("summary");
            assertTrue(summary.get("keyPoints").asList().contains(Json.of("Answered: Are you open now?")), summary.toString());
            assertTrue(summary.get("actionItems").asList().contains(Json.of("Answer the question: Do you treat cats?")), summary.toString());
        }
    }

    @Test
    void aConfiguredGreetingIsSaidAsWritten() {
        try (PluginTestKit greeting = PluginTestKit.builder(Path.of("target/classes")).withPlugin(GATEWAY)
                .config(Json.object().put("greeting", "Clínica Sol, ¿dígame?").put("languages", "es,en").build()).start()) {
            Json started = greeting.post("/conversations", Json.object().build()).json();
            assertEquals("Clínica Sol, ¿dígame?", started.get("greeting").asString());
            assertEquals("es", started.get("language").asString());
        }
    }

    @Test
    void withoutTheGatewayEnabledTheReceptionistSaysSoInsteadOfFailing() {
        try (PluginTestKit withoutGateway = PluginTestKit.builder(Path.of("target/classes")).withInstalledPlugin(GATEWAY).start()) {
            TestResponse refused = withoutGateway.post("/conversations", Json.object().build());
            assertEquals(409, refused.status(), refused.toString());
            assertEquals("urn:voicecore:plugin:receptionist:language-model-unavailable", refused.json().get("type").asString());
            String detail = refused.json().get("detail").asString();
            assertTrue(detail.contains("ai-gateway") && detail.contains("not enabled"), detail);
            assertEquals(409, withoutGateway.get("/status").status());
            assertEquals(200, withoutGateway.get("/knowledge").status(), "what does not need the model still works");
        }
    }

    @Test
    void theFrustrationLimitIsConfigurable() {
        try (PluginTestKit patient = PluginTestKit.builder(Path.of("target/classes")).withPlugin(GATEWAY)
                .config(Json.object().put("frustrationLimit", 0).build()).start()) {
            String id = patient.post("/conversations", Json.object().build()).json().get("id").asString();
            Json angry = patient.post("/conversations/" + id + "/messages", Json.object().put("text", "This is unacceptable!").build()).json();
            assertEquals("angry", angry.get("emotion").asString());
            assertFalse(angry.get("escalated").asBoolean(), "0 never hands over for frustration");
            Json person = patient.post("/conversations/" + id + "/messages", Json.object().put("text", "I want to speak to a real person").build())
                    .json();
            assertTrue(person.get("escalated").asBoolean(), "asking for a person always does");
            assertEquals("I understand. I'm passing you to a member of our team, who will contact you as soon as possible.",
                         person.get("reply").asString());
        }
    }
}
