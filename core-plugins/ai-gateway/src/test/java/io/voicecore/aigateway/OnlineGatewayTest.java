package io.voicecore.aigateway;

import static io.voicecore.aigateway.AiGatewayPluginTest.spanishConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway online: the official openai-java client (the kernel's platform library), its HTTP through the
 * kernel's egress, against the local OpenAI stand-in speaking the real wire format. Each tenant has its own key.
 */
class OnlineGatewayTest {
    private static final String KEY_A = "sk-tenant-a";
    private static final String KEY_B = "sk-tenant-b";

    static OpenAiStandIn standIn;
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY_A, KEY_B));
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
        kit.putSecret("openai.api-key", KEY_A);
        kit.secondTenant().putSecret("openai.api-key", KEY_B);
    }

    @AfterAll
    static void stop() {
        kit.close();
        standIn.close();
    }

    @BeforeEach
    void fresh() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("retryBackoffMillis", 10).build());
        kit.delete("/cache");
        standIn.script(List.of());
    }

    /** What the stand-in received with a valid key (it never records the key itself); the tests run one at a time. */
    private static List<RecordedRequest> accepted() {
        return standIn.requests().stream().filter(RecordedRequest::authorized).toList();
    }

    @Test
    void aCompletionGoesThroughTheOfficialClientAndTheEgressAndIsMetered() {
        long egressBefore = kit.usage("egress.requests");
        long promptBefore = kit.usage(Gateway.METER_PROMPT_TOKENS);
        int before = accepted().size();
        standIn.script(List.of(ScriptStep.reply("Claro, Lucía. ¿Le viene bien mañana a las diez?")));

        TestResponse answered = kit.post("/complete", spanishConversation("Me llamo Lucía García y quiero una cita mañana"));

        assertEquals(200, answered.status(), answered.toString());
        Json completion = answered.json();
        assertEquals("openai", completion.get("source").asString());
        assertEquals("Claro, Lucía. ¿Le viene bien mañana a las diez?", completion.get("text").asString());
        assertEquals("es", completion.get("language").asString());
        assertTrue(completion.get("fallbackReason").isNull(), completion.toString());
        long promptTokens = completion.get("promptTokens").asLong();
        assertTrue(promptTokens > 0, completion.toString());
        assertEquals(9, completion.get("completionTokens").asLong(), "the stand-in counts words");
        assertEquals(promptBefore + promptTokens, kit.usage(Gateway.METER_PROMPT_TOKENS), "prompt tokens metered for the tenant");
        assertEquals(egressBefore + 1, kit.usage("egress.requests"), "one call through the kernel's egress");

        List<RecordedRequest> sent = accepted();
        assertEquals(before + 1, sent.size());
        RecordedRequest request = sent.get(sent.size() - 1);
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("gpt-4o-mini", request.body().get("model").asText());
        assertEquals("system", request.body().get("messages").get(0).get("role").asText());
        assertTrue(request.body().get("messages").get(0).get("content").asText().contains("Clínica Sol"), "the persona is in the prompt");
        assertEquals("Me llamo Lucía García y quiero una cita mañana",
                     request.body().get("messages").get(1).get("content").asText());
        assertEquals(0, kit.secondTenant().usage(Gateway.METER_PROMPT_TOKENS), "nothing metered for the other tenant");
    }

    @Test
    void onACallTheProviderIsToldTheNumberOnTheLineAndThatTheEmailIsOptional() {
        int before = accepted().size();
        standIn.script(List.of(ScriptStep.reply("Gracias, Lucía. ¿En qué puedo ayudarle?")));
        Json call = spanishConversation("Hola, me llamo Lucía Fernández");

        TestResponse answered = kit.post("/complete", Json.object().put("persona", call.get("persona")).put("messages", call.get("messages"))
                .put("channel", "call").put("callerNumber", "+34600111222").build());

        assertEquals(200, answered.status(), answered.toString());
        assertEquals("openai", answered.json().get("source").asString(), answered.toString());
        List<RecordedRequest> sent = accepted();
        assertEquals(before + 1, sent.size());
        String system = sent.get(sent.size() - 1).body().get("messages").get(0).get("content").asText();
        assertTrue(system.contains("This is a phone call from +34600111222: that number, known from the line, is the caller's phone, so "
                                   + "never ask for a phone number."), system);
        assertTrue(system.contains("An e-mail address is optional by phone: offer once to take one"), system);

        standIn.script(List.of(ScriptStep.reply("¿Me da su teléfono y su correo?")));
        kit.post("/complete", spanishConversation("Hola, me llamo Lucía Fernández"));
        String chat = accepted().get(accepted().size() - 1).body().get("messages").get(0).get("content").asText();
        assertFalse(chat.contains("phone call") || chat.contains("optional"), "a chat's prompt is unchanged: " + chat);
    }

    @Test
    void anIdenticalRequestIsAnsweredFromTheCacheAndNotBilledAgain() {
        standIn.script(List.of(ScriptStep.reply("Abrimos a las nueve.")));
        Json first = kit.post("/complete", spanishConversation("¿A qué hora abren?")).json();
        long tokens = kit.usage(Gateway.METER_COMPLETION_TOKENS);
        int calls = accepted().size();
        long hits = kit.usage(Gateway.METER_CACHE_HITS);

        Json second = kit.post("/complete", spanishConversation("¿A qué hora abren?")).json();

        assertFalse(first.get("cached").asBoolean());
        assertTrue(second.get("cached").asBoolean(), second.toString());
        assertEquals("Abrimos a las nueve.", second.get("text").asString());
        assertEquals(calls, accepted().size(), "the provider was not called again");
        assertEquals(tokens, kit.usage(Gateway.METER_COMPLETION_TOKENS));
        assertEquals(hits + 1, kit.usage(Gateway.METER_CACHE_HITS));
    }

    @Test
    void aRateLimitedCallIsRetriedHonouringRetryAfter() {
        long errors = kit.usage(Gateway.METER_PROVIDER_ERRORS);
        int calls = accepted().size();
        standIn.script(List.of(ScriptStep.fail(429).retryAfter(1), ScriptStep.reply("Perfecto, queda anotado.")));
        long started = System.nanoTime();

        Json answer = kit.post("/complete", spanishConversation("Quiero reservar para el martes")).json();

        assertEquals("openai", answer.get("source").asString(), answer.toString());
        assertEquals("Perfecto, queda anotado.", answer.get("text").asString());
        assertTrue(System.nanoTime() - started >= 900_000_000L, "waited for the provider's Retry-After of 1 s");
        assertEquals(calls + 2, accepted().size());
        assertEquals(errors + 1, kit.usage(Gateway.METER_PROVIDER_ERRORS));
    }

    @Test
    void whenTheProviderKeepsFailingTheCallerStillGetsAnOfflineReplyAndTheFailureIsVisible() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("retryBackoffMillis", 10).put("maxRetries", 1)
                              .put("breakerFailureThreshold", 100).build());
        long fallbacks = kit.usage(Gateway.METER_FALLBACKS);
        standIn.script(List.of(ScriptStep.fail(500), ScriptStep.fail(500)));

        TestResponse answered = kit.post("/complete", spanishConversation("Me llamo Lucía García"));

        assertEquals(200, answered.status(), answered.toString());
        Json answer = answered.json();
        assertEquals("offline", answer.get("source").asString());
        assertEquals("Gracias, Lucía García. ¿En qué número de teléfono podemos localizarle?", answer.get("text").asString());
        assertEquals("the provider answered 500 (server error), 2 attempts", answer.get("fallbackReason").asString());
        assertEquals(fallbacks + 1, kit.usage(Gateway.METER_FALLBACKS));
        String metrics = kit.metrics();
        assertTrue(metrics.contains("voicecore_plugin_egress_responses_total{host=\"127.0.0.1\",plugin=\"ai-gateway\",status=\"500\"}"),
                   metrics);
        assertTrue(metrics.contains("voicecore_plugin_usage_total{meter=\"ai.fallbacks\",plugin=\"ai-gateway\",unit=\"call\"}"), metrics);
        Json breaker = kit.get("/status").json().get("breaker");
        assertEquals("the provider answered 500 (server error), 2 attempts", breaker.get("lastFailureReason").asString());
    }

    @Test
    void theCircuitBreakerOpensAfterRepeatedFailuresAndStopsCallingTheProvider() {
        TestTenant tenant = kit.secondTenant();
        tenant.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("maxRetries", 0).put("breakerFailureThreshold", 2)
                                 .put("breakerOpenSeconds", 600).put("cacheTtlSeconds", 0).build());
        standIn.script(List.of(ScriptStep.fail(503), ScriptStep.fail(503), ScriptStep.reply("never asked for")));
        tenant.post("/complete", spanishConversation("hola"));
        tenant.post("/complete", spanishConversation("hola"));
        int calls = accepted().size();

        Json third = tenant.post("/complete", spanishConversation("hola")).json();

        assertEquals("offline", third.get("source").asString());
        assertTrue(third.get("fallbackReason").asString().startsWith("the circuit breaker is open"), third.toString());
        assertEquals(calls, accepted().size(), "an open breaker does not call the provider");
        Json status = tenant.get("/status").json();
        assertEquals("open", status.get("breaker").get("state").asString());
        assertEquals(2, status.get("breaker").get("consecutiveFailures").asLong());
        assertEquals("closed", kit.get("/status").json().get("breaker").get("state").asString(), "the breaker is per tenant");
    }

    @Test
    void retriesStopWhenAnotherAttemptCouldNotFinishWithinTheOnlineBudget() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("retryBackoffMillis", 10).put("maxRetries", 5)
                              .put("breakerFailureThreshold", 100).build());
        int calls = accepted().size();
        // Each failure takes 7 s: after two (14 s), a third attempt could need 14 + 8 s, beyond the 20 s budget.
        standIn.script(List.of(ScriptStep.fail(502).delayed(7000), ScriptStep.fail(502).delayed(7000),
                               ScriptStep.fail(502).delayed(7000)));
        long started = System.nanoTime();

        Json answer = kit.post("/complete", spanishConversation("hola")).json();

        assertEquals("offline", answer.get("source").asString(), answer.toString());
        assertEquals("the provider answered 502 (server error), 2 attempts", answer.get("fallbackReason").asString());
        assertEquals(calls + 2, accepted().size(), "two attempts of the five allowed");
        assertTrue(System.nanoTime() - started < ProviderCalls.ONLINE_BUDGET.toNanos(), "answered within the online budget");
        standIn.script(List.of());
    }

    @Test
    void aRefusedKeyIsNotRetriedAndSaysSo() {
        kit.putSecret("openai.api-key", "sk-not-accepted");
        try {
            int calls = standIn.requests().size();
            Json answer = kit.post("/complete", spanishConversation("hola")).json();
            assertEquals("offline", answer.get("source").asString());
            assertTrue(answer.get("fallbackReason").asString().contains("401"), answer.toString());
            assertEquals(calls + 1, standIn.requests().size(), "a 401 is not retried");
        } finally {
            kit.putSecret("openai.api-key", KEY_A);
        }
    }
}
