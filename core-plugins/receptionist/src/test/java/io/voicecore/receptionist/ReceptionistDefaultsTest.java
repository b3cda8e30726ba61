package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voicecore.receptionist.engine.EnglishWords;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a tenant that has configured nothing hears, through the kernel's runtime with the AI gateway offline: no
 * business name, so the greeting and the goodbye speak of "us" in the conversation's language, in every offered one.
 */
class ReceptionistDefaultsTest {
    static final Map<String, String> GREETINGS = Map.of(
            "en", "Hello, thank you for contacting us. I'm Ava, how can I help you?",
            "es", "Hola, gracias por contactar con nosotros. Soy Ava, ¿en qué puedo ayudarle?",
            "fr", "Bonjour, merci de nous avoir contactés. Je suis Ava, comment puis-je vous aider ?",
            "de", "Hallo, danke, dass Sie uns kontaktieren. Ich bin Ava, wie kann ich Ihnen helfen?",
            "it", "Buongiorno, grazie per averci contattato. Sono Ava, come posso aiutarla?",
            "pt", "Olá, agradecemos o seu contacto. Sou Ava, como posso ajudar?");
    static final Map<String, String> GOODBYES = Map.of(
            "en", "Thank you for contacting us. Goodbye!",
            "es", "Gracias por contactar con nosotros. ¡Hasta pronto!",
            "fr", "Merci de nous avoir contactés. Au revoir !",
            "de", "Danke, dass Sie uns kontaktiert haben. Auf Wiederhören!",
            "it", "Grazie per averci contattato. Arrivederci!",
            "pt", "Agradecemos o seu contacto. Até breve!");

    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY).withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Json post(TestTenant tenant, String path, Json body) {
        TestResponse response = tenant.post(path, body);
        assertTrue(response.status() == 200 || response.status() == 201, response.toString());
        return response.json();
    }

    @Test
    void anUnconfiguredTenantGreetsAndTakesLeaveWithoutAnEnglishStandInForItsName() {
        Json status = kit.get("/status").json();
        assertTrue(status.get("businessName").isNull(), status.toString());
        assertEquals("Ava", status.get("assistantName").asString());

        Json started = post(kit.tenant(), "/conversations", Json.object().build());
        assertEquals(GREETINGS.get("en"), started.get("greeting").asString(), "the first offered language, English");
        String id = started.get("id").asString();
        assertEquals("es", post(kit.tenant(), "/conversations/" + id + "/messages", Json.object().put("text", "Hola, me llamo Lucía").build())
                .get("language").asString());
        Json ended = post(kit.tenant(), "/conversations/" + id + "/end", Json.object().build());
        assertEquals("Gracias por contactar con nosotros. ¡Hasta pronto!", ended.get("reply").asString());
    }

    @Test
    void inEveryOfferedLanguageTheGreetingAndTheGoodbyeOfAnUnnamedBusinessReadNaturally() {
        TestTenant tenant = kit.secondTenant();
        for (String language : List.of("en", "es", "fr", "de", "it", "pt")) {
            Json effective = tenant.setConfig(Json.object().put("languages", language).build());
            assertFalse(effective.has("businessName"), "no default name: " + effective);
            Json started = post(tenant, "/conversations", Json.object().put("channel", "voice").build());
            String greeting = started.get("greeting").asString();
            Json ended = post(tenant, "/conversations/" + started.get("id").asString() + "/end", Json.object().build());
            String goodbye = ended.get("reply").asString();
            assertEquals(language, ended.get("language").asString());
            assertEquals(GREETINGS.get(language), greeting);
            assertEquals(GOODBYES.get(language), goodbye);
            if (!language.equals("en")) {
                assertEquals(List.of(), EnglishWords.in(greeting, "Ava"), greeting);
                assertEquals(List.of(), EnglishWords.in(goodbye, "Ava"), goodbye);
            }
        }
    }
}
