package {{package}};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin through the VoiceCore plugin test kit: the kernel's real plugin runtime on an embedded PostgreSQL. */
class {{class}}Test {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.start(Path.of("target/classes"));
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void aNoteIsKeptListedAndAnnounced() {
        TestResponse added = kit.post("/notes", Json.object().put("text", "Call back on Monday").build());
        assertEquals(201, added.status(), added.toString());
        String id = added.json().get("id").asString();

        List<Json> notes = kit.get("/notes").json().get("items").asList();
        assertTrue(notes.stream().anyMatch(n -> n.get("id").asString().equals(id)), notes.toString());

        List<Event> announced = kit.published({{class}}.NOTE_ADDED).stream()
                .filter(e -> e.payload().get("id").asString().equals(id)).toList();
        assertEquals(1, announced.size(), kit.published({{class}}.NOTE_ADDED).toString());
        assertEquals("Call back on Monday", announced.get(0).payload().get("text").asString());
    }

    @Test
    void anEmptyNoteIsAProblem() {
        TestResponse refused = kit.post("/notes", Json.object().put("text", "  ").build());
        assertEquals(422, refused.status(), refused.toString());
        assertEquals("urn:voicecore:plugin:{{id}}:invalid-note", refused.json().get("type").asString());
    }

    @Test
    void aContactTheCrmCreatedGetsANote() {
        kit.deliver("crm.contact.created", Json.object().put("id", "c-1").put("name", "Ada Lovelace").build());

        List<Json> notes = kit.get("/notes").json().get("items").asList();
        assertTrue(notes.stream().anyMatch(n -> n.get("text").asString().equals("New contact: Ada Lovelace")), notes.toString());
    }
}
