package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.voicecore.sdk.json.Json;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.openai.RecordedRequest;
import io.voicecore.standins.openai.ScriptStep;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receptionist with the AI gateway online against the OpenAI stand-in: replies come from the model through
 * openai-java and the gateway's egress, a failing provider still leaves the caller answered, and withdrawing the
 * receptionist's own {@code http:egress} grant makes model calls fail with a permission error.
 */
class ReceptionistOnlineTest {
    private static final String KEY = "sk-clinica";
    static OpenAiStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    private static PluginTestKit onlineKit() {
        PluginTestKit kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY)
                .config(Json.object().put("businessName", "Clínica Sol").put("languages", "es,en").build()).start();
        kit.tenant().putSecret("ai-gateway", "openai.api-key", KEY);
        kit.tenant().setConfig("ai-gateway", Json.object().put("baseUrl", standIn.baseUrl()).put("maxRetries", 1)
                .put("retryBackoffMillis", 10).put("cacheTtlSeconds", 0).build());
        return kit;
    }

    private static TestResponse say(PluginTestKit kit, String conversationId, String text) {
        return kit.post("/conversations/" + conversationId + "/messages", Json.object().put("text", text).build());
    }

    private static long accepted() {
        return standIn.requests().stream().filter(RecordedRequest::authorized).count();
    }

    @Test
    void repliesComeFromTheModelAndAFailingModelStillLeavesTheCallerAnswered() {
        try (PluginTestKit kit = onlineKit()) {
            String id = kit.post("/conversations", Json.object().put("channel", "chat").build()).json().get("id").asString();
            standIn.script(List.of(ScriptStep.reply("Encantada, Lucía. ¿Para qué día quiere la cita?")));

            TestResponse online = say(kit, id, "Hola, me llamo Lucía García y quiero una cita");
            assertEquals(200, online.status(), online.toString());
            assertEquals("Encantada, Lucía. ¿Para qué día quiere la cita?", online.json().get("reply").asString());
            assertEquals("openai", online.json().get("mode").asString());
            assertEquals("es", online.json().get("language").asString());
            RecordedRequest sent = standIn.requests().get(standIn.requests().size() - 1);
            assertTrue(sent.body().toString().contains("me llamo Lucía García"), sent.body().toString());
            assertTrue(kit.tenant().usage("ai-gateway", "ai.tokens.completion") > 0, "the gateway metered the tokens");

            standIn.script(List.of(ScriptStep.fail(429), ScriptStep.fail(429)));
            TestResponse fallback = say(kit, id, "mi teléfono es 612 345 678");
            assertEquals(200, fallback.status(), fallback.toString());
            assertEquals("offline", fallback.json().get("mode").asString());
            assertEquals("es", fallback.json().get("language").asString());
            assertTrue(fallback.json().get("fallbackReason").asString().contains("429"), fallback.toString());
            assertTrue(fallback.json().get("reply").asString().contains("correo"), "the offline engine asks for the e-mail next: "
                                                                                     + fallback.json());
        }
    }

    @Test
    void withdrawingTheReceptionistsEgressGrantMakesModelCallsFailWithAPermissionError() {
        try (PluginTestKit kit = onlineKit()) {
            String id = kit.post("/conversations", Json.object().put("channel", "chat").build()).json().get("id").asString();
            kit.revoke("http:egress");
            long before = accepted();

            TestResponse refused = say(kit, id, "Hola, me llamo Lucía García");

            assertEquals(403, refused.status(), refused.toString());
            assertEquals("urn:voicecore:problem:plugin-permission-denied", refused.json().get("type").asString());
            String detail = refused.json().get("detail").asString();
            assertTrue(detail.contains("'receptionist'") && detail.contains("'http:egress'") && detail.contains("'ai-gateway'"), detail);
            assertEquals(before, accepted(), "nothing reached the provider");
            assertEquals(0, kit.tenant().usage("ai-gateway", "ai.fallbacks"), "not quietly answered offline either");
        }
    }
}
