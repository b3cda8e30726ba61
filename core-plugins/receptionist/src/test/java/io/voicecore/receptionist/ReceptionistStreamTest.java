package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversations over the WebSocket stream {@code /conversations/{id}/stream}, through the kernel's real stream
 * handling: the stream answers exactly what the REST routes answer for the same conversation.
 */
class ReceptionistStreamTest {
    static final List<String> CALLER = List.of("Hola, me llamo Lucía García", "Mi teléfono es 612 345 678",
                                               "lucia@example.com", "Quiero pedir cita para mañana", "sí");
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY)
                .config(Json.object().put("businessName", "Clínica Sol").put("timeZone", "Europe/Madrid").build()).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static String startConversation() {
        TestResponse started = kit.post("/conversations", Json.object().build());
        assertEquals(201, started.status(), started.toString());
        return started.json().get("id").asString();
    }

    /** The members of an answer without the stream's {@code type}, for comparing with the REST answer. */
    static Map<String, Json> withoutType(Json answer) {
        Map<String, Json> members = new LinkedHashMap<>(answer.asMap());
        members.remove("type");
        return members;
    }

    @Test
    void theStreamAnswersWhatTheRestRoutesAnswer() {
        String overRest = startConversation();
        String overStream = startConversation();
        try (TestStream stream = kit.stream("/conversations/" + overStream + "/stream")) {
            Json ready = stream.receiveJson();
            assertEquals("ready", ready.get("type").asString(), ready.toString());
            assertEquals(overStream, ready.get("id").asString());

            for (String text : CALLER) {
                TestResponse rest = kit.post("/conversations/" + overRest + "/messages", Json.object().put("text", text).build());
                assertEquals(200, rest.status(), rest.toString());
                Json streamed = stream.send(Json.object().put("text", text).build()).receiveJson();
                assertEquals("reply", streamed.get("type").asString(), streamed.toString());
                assertEquals(rest.json().asMap(), withoutType(streamed), "the same answer for: " + text);
            }
            Json last = kit.get("/conversations/" + overStream).json();
            assertEquals("es", last.get("language").asString());
            assertEquals(CALLER.size() * 2 + 1, last.get("transcript").asList().size(), "greeting plus each turn, stored as over REST");

            TestResponse restEnd = kit.post("/conversations/" + overRest + "/end", Json.object().build());
            Json summary = stream.send(Json.object().put("type", "end").build()).receiveJson();
            assertEquals("summary", summary.get("type").asString(), summary.toString());
            Map<String, Json> expected = new LinkedHashMap<>(restEnd.json().asMap());
            Map<String, Json> actual = withoutType(summary);
            assertEquals(overStream, actual.remove("id").asString());
            expected.remove("id");
            assertEquals(expected, actual, "the same summary and goodbye");
            assertTrue(summary.get("summary").get("text").asString().contains("612 345 678"), summary.toString());
            assertEquals(new TestStream.Closure(1000, "conversation-ended"), stream.awaitClose());
        }
        assertEquals("ended", kit.get("/conversations/" + overStream).json().get("status").asString());
        assertEquals(1, kit.published("conversation.ended").stream()
                .filter(e -> e.payload().get("conversationId").asString().equals(overStream)).count(), "ended once, with its event");
    }

    @Test
    void refusedFramesAnswerTheRoutesProblemAndTheConversationGoesOn() {
        String id = startConversation();
        try (TestStream stream = kit.stream("/conversations/" + id + "/stream")) {
            stream.receiveJson();
            Json empty = stream.send(Json.object().put("text", " ").build()).receiveJson();
            assertEquals("error", empty.get("type").asString(), empty.toString());
            assertEquals(422L, empty.get("problem").get("status").asLong());
            assertEquals("urn:voicecore:plugin:receptionist:invalid-fields", empty.get("problem").get("type").asString());
            assertTrue(empty.get("problem").get("detail").asString().contains("text"), empty.toString());

            Json garbage = stream.send("hola").receiveJson();
            assertEquals("urn:voicecore:plugin:receptionist:malformed-message", garbage.get("problem").get("type").asString());
            Json unknown = stream.send(Json.object().put("type", "pause").build()).receiveJson();
            assertEquals("urn:voicecore:plugin:receptionist:invalid-fields", unknown.get("problem").get("type").asString());

            Json reply = stream.send(Json.object().put("text", "Hello, my name is Ada Lovelace").build()).receiveJson();
            assertEquals("reply", reply.get("type").asString(), reply.toString());
            assertEquals("en", reply.get("language").asString());
            assertEquals("Ada Lovelace", reply.get("collected").get("name").asString());
            assertTrue(stream.isOpen());
        }
    }

    @Test
    void unknownAndEndedConversationsAreRefusedWhenTheStreamOpens() {
        TestStream unknown = kit.stream("/conversations/6f1c1f1e-0000-4000-8000-000000000000/stream");
        Json notFound = unknown.receiveJson();
        assertEquals(404L, notFound.get("problem").get("status").asLong(), notFound.toString());
        assertEquals("urn:voicecore:plugin:receptionist:conversation-not-found", notFound.get("problem").get("type").asString());
        assertEquals(new TestStream.Closure(4404, "conversation-not-found"), unknown.awaitClose());

        String id = startConversation();
        assertEquals(200, kit.post("/conversations/" + id + "/end", Json.object().build()).status());
        TestStream ended = kit.stream("/conversations/" + id + "/stream");
        assertEquals("urn:voicecore:plugin:receptionist:conversation-ended", ended.receiveJson().get("problem").get("type").asString());
        assertEquals(new TestStream.Closure(4409, "conversation-ended"), ended.awaitClose());
    }
}
