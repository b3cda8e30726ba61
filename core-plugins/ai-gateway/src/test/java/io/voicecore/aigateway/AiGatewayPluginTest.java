package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's routes through the kernel's real plugin runtime, offline (online: {@link OnlineGatewayTest}). */
class AiGatewayPluginTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Json spanishConversation(String... callerTurns) {
        return Json.object()
                .put("persona", Json.object().put("assistantName", "Sofía").put("businessName", "Clínica Sol").put("timeZone", "Europe/Madrid")
                        .put("languages", List.of("es", "en")).put("businessHours", "Mon-Fri 09:00-18:00").build())
                .put("messages", java.util.Arrays.stream(callerTurns).map(text -> Json.object().put("role", "user").put("text", text).build())
                        .toList())
                .put("knowledge", List.of(Json.object().put("keywords", List.of("aparcamiento")).put("answer", "Hay aparcamiento gratuito.").build()))
                .build();
    }

    @Test
    void withoutAKeyTheGatewayIsOfflineAndAnswersWithTheOfflineEngine() {
        long completionsBefore = kit.secondTenant().usage("ai.completions");
        Json status = kit.secondTenant().get("/status").json();
        assertEquals("offline", status.get("mode").asString());
        assertEquals("gpt-4o-mini", status.get("model").asString());
        assertEquals("api.openai.com", status.get("providerHost").asString());
        assertEquals("closed", status.get("breaker").get("state").asString());
        assertEquals("openai.api-key", status.get("apiKeySecret").asString());

        TestResponse greeting = kit.secondTenant().post("/complete", spanishConversation());
        assertEquals(200, greeting.status(), greeting.toString());
        assertEquals("Hola, gracias por contactar con Clínica Sol. Soy Sofía, ¿en qué puedo ayudarle?", greeting.json().get("text").asString());
        assertEquals("offline", greeting.json().get("source").asString());
        assertEquals("offline-rules", greeting.json().get("model").asString());
        assertTrue(greeting.json().get("fallbackReason").isNull());

        Json reply = kit.secondTenant().post("/complete", spanishConversation("Me llamo Lucía García", "¿Tienen aparcamiento?")).json();
        assertEquals("Hay aparcamiento gratuito. Gracias, Lucía García. ¿En qué número de teléfono podemos localizarle?",
                     reply.get("text").asString());
        assertEquals("es", reply.get("language").asString());
        assertEquals(0, reply.get("promptTokens").asLong());
        assertFalse(reply.get("cached").asBoolean());
        assertEquals(0, kit.secondTenant().usage("ai.fallbacks"), "offline mode is not a fallback");
        assertEquals(completionsBefore + 2, kit.secondTenant().usage("ai.completions"), "offline completions are counted too");
    }

    @Test
    void onACallTheOfflineEngineTakesTheNumberOnTheLineAndOffersTheEmailOnce() {
        Json turns = spanishConversation("Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana", "no, gracias");
        Json call = Json.object().put("persona", turns.get("persona")).put("messages", turns.get("messages")).put("channel", "call")
                .put("callerNumber", "+34600111222").build();
        TestResponse confirm = kit.post("/complete", call);
        assertEquals(200, confirm.status(), confirm.toString());
        assertEquals("Le confirmo: Lucía Fernández, teléfono +34600111222, motivo: una cita (mañana). ¿Es correcto?",
                     confirm.json().get("text").asString());
        TestResponse chat = kit.post("/complete", turns);
        assertEquals("Gracias, Lucía Fernández. ¿En qué número de teléfono podemos localizarle?", chat.json().get("text").asString(),
                     "a chat asks for the phone number");
    }

    @Test
    void analysesAMessage() {
        TestResponse analysed = kit.post("/analyse", Json.object().put("text", "Je m'appelle Marie, c'est inadmissible !")
                .put("languages", List.of("en", "fr")).build());
        assertEquals(200, analysed.status(), analysed.toString());
        Json analysis = analysed.json();
        assertEquals("fr", analysis.get("language").asString());
        assertEquals("angry", analysis.get("emotion").asString());
        assertEquals("negative", analysis.get("sentiment").get("label").asString());
        assertEquals("Marie", analysis.get("details").get("name").asString());
        assertTrue(analysis.get("details").get("intent").isNull());
    }

    @Test
    void aBaseUrlThatIsNeitherHttpsNorLoopbackIsAConfigurationProblemOnline() {
        try (PluginTestKit online = PluginTestKit.builder(Path.of("target/classes")).start()) {
            online.putSecret("openai.api-key", "sk-test-not-used");
            online.setConfig(Json.object().put("baseUrl", "http://example.com/v1").build());
            TestResponse refused = online.post("/complete", spanishConversation("hola"));
            assertEquals(409, refused.status(), refused.toString());
            assertEquals("urn:voicecore:plugin:ai-gateway:invalid-base-url", refused.json().get("type").asString());
            assertEquals("example.com", online.get("/status").json().get("providerHost").asString());

            online.setConfig(Json.object().put("baseUrl", "http://127.0.0.1:1/v1").put("model", "gpt-4o").put("maxRetries", 0).build());
            TestResponse local = online.post("/complete", spanishConversation("hola"));
            assertEquals(200, local.status(), "a loopback stand-in is allowed: " + local);
            assertTrue(local.json().get("fallbackReason").asString().contains("did not answer"), local.toString());
            assertEquals("gpt-4o", online.get("/status").json().get("model").asString());
        }
    }

    @Test
    void aPersonaWithoutABusinessNameIsThankedAsUsInItsLanguage() {
        TestResponse greeting = kit.post("/complete", Json.object().put("persona", Json.object().put("languages", List.of("es")).build())
                .put("messages", List.of()).build());
        assertEquals(200, greeting.status(), greeting.toString());
        assertEquals("Hola, gracias por contactar con nosotros. Soy Ava, ¿en qué puedo ayudarle?", greeting.json().get("text").asString());
        TestResponse english = kit.post("/complete", Json.object().put("messages", List.of()).build());
        assertEquals("Hello, thank you for contacting us. I'm Ava, how can I help you?", english.json().get("text").asString());
    }

    @Test
    void refusesInvalidRequestsNamingEveryField() {
        TestResponse invalid = kit.post("/complete", Json.object().put("persona", Json.object().put("tone", "sarcastic")
                .put("timeZone", "Mars/Olympus").put("languages", List.of("english")).build())
                .put("messages", List.of(Json.object().put("role", "robot").put("text", "hi").build())).put("maxTokens", 0)
                .put("channel", "fax").put("callerNumber", "600 111 222").build());
        assertEquals(422, invalid.status(), invalid.toString());
        String detail = invalid.json().get("detail").asString();
        for (String field : List.of("persona.tone", "persona.timeZone", "persona.languages", "messages[0].role", "maxTokens", "channel",
                                    "callerNumber")) {
            assertTrue(detail.contains(field + ":"), field + " in " + detail);
        }
        assertEquals(422, kit.post("/complete", Json.object().build()).status(), "messages are required");
        assertEquals(422, kit.post("/analyse", Json.object().put("text", " ").build()).status());
    }
}
