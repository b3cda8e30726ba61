package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The receptionist's OpenAPI document ({@code openapi.yaml}) describes exactly the routes and stream it serves, and their answers. */
class ReceptionistOpenApiTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY)
                .config(Json.object().put("departments", "sales=+34910000001").build()).start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void everyRouteAndTheStreamAreDescribedAndEveryDescriptionServed() {
        assertEquals(14, kit.routes().size(), kit.routes().toString());
        assertTrue(kit.routes().contains("STREAM /conversations/{id}/stream"));
        assertEquals(List.of(), kit.undescribedRoutes());
        assertEquals(List.of(), kit.unservedDescriptions());
        // The file's own info.version (for those who read it without the kernel) follows the plugin's.
        assertTrue(readDocument().contains("\n  version: " + kit.pluginVersion() + "\n"), "info.version of openapi.yaml is not " + kit.pluginVersion());
    }

    @Test
    void answersMatchTheirDocumentedSchemas() {
        TestResponse started = kit.post("/conversations", Json.object().put("channel", "chat").build());
        assertEquals(201, started.status(), started.toString());
        conforms(HttpMethod.POST, "/conversations", started);
        String id = started.json().get("id").asString();
        TestResponse reply = kit.post("/conversations/" + id + "/messages",
                Json.object().put("text", "Hi, I am Ana and I would like to book an appointment tomorrow").build());
        assertEquals(200, reply.status(), reply.toString());
        conforms(HttpMethod.POST, "/conversations/{id}/messages", reply);
        conforms(HttpMethod.GET, "/conversations/{id}", kit.get("/conversations/" + id));
        TestResponse ended = kit.post("/conversations/" + id + "/end", Json.object().build());
        assertEquals(200, ended.status(), ended.toString());
        conforms(HttpMethod.POST, "/conversations/{id}/end", ended);
        conforms(HttpMethod.GET, "/conversations/{id}", kit.get("/conversations/" + id));
        conforms(HttpMethod.GET, "/conversations", kit.get("/conversations?status=ended&limit=5"));
        conforms(HttpMethod.POST, "/knowledge", kit.post("/knowledge", Json.object().put("keywords", List.of("parking"))
                .put("answer", "There is free parking behind the building.").build()));
        conforms(HttpMethod.GET, "/knowledge", kit.get("/knowledge"));
        conforms(HttpMethod.GET, "/status", kit.get("/status"));

        TestTenant admin = kit.tenant().as("tenant-admin", "user:alice");
        TestResponse saved = admin.put("/call-flow", Json.object().put("script",
                "function decide(turn) { return turn.intent === \"book\" ? { action: \"route\", to: \"sales\" } : null; }").build());
        assertEquals(200, saved.status(), saved.toString());
        conforms(HttpMethod.PUT, "/call-flow", saved);
        conforms(HttpMethod.GET, "/call-flow", kit.get("/call-flow"));
        TestResponse tried = admin.post("/call-flow/dry-run", Json.object().put("turn", Json.object().put("text", "I want to book").build())
                .build());
        assertEquals(200, tried.status(), tried.toString());
        conforms(HttpMethod.POST, "/call-flow/dry-run", tried);

        // Problems: the documented problem shapes.
        conforms(HttpMethod.GET, "/conversations/{id}", kit.get("/conversations/not-a-uuid"));
        conforms(HttpMethod.POST, "/conversations/{id}/messages", kit.post("/conversations/" + id + "/messages",
                Json.object().put("text", "hello again").build()));
        TestResponse broken = admin.put("/call-flow", Json.object().put("script", "function decide(turn) { return {,}; }").build());
        assertEquals(422, broken.status(), broken.toString());
        conforms(HttpMethod.PUT, "/call-flow", broken);
        conforms(HttpMethod.GET, "/conversations", kit.get("/conversations?mood=happy"));
    }

    private static String readDocument() {
        try {
            return java.nio.file.Files.readString(Path.of("src/main/resources/openapi.yaml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void conforms(HttpMethod method, String template, TestResponse response) {
        assertEquals(List.of(), kit.schemaViolations(method, template, response), method + " " + template + " answered " + response);
    }
}
