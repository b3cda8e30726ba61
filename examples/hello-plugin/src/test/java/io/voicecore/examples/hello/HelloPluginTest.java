package io.voicecore.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hello plugin, through the plugin test kit: the kernel's real runtime on an embedded PostgreSQL. */
class HelloPluginTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void greetsWithTheDefaultBusinessName() {
        kit.setConfig(Json.object().build());
        TestResponse greeting = kit.get("/greeting");
        assertEquals(200, greeting.status(), greeting.toString());
        assertEquals("application/json", greeting.contentType().orElseThrow());
        assertEquals("Welcome to our business!", greeting.json().get("greeting").asString());
    }

    @Test
    void greetsWithTheBusinessNameTheTenantConfigured() {
        Json effective = kit.setConfig(Json.object().put("businessName", "Acme Dental").build());
        assertEquals("Acme Dental", effective.get("businessName").asString());
        assertEquals("Welcome to Acme Dental!", kit.get("/greeting").json().get("greeting").asString());
        assertEquals("Welcome to our business!", kit.secondTenant().get("/greeting").json().get("greeting").asString(),
                     "another tenant's configuration is its own");
    }

    @Test
    void configurationIsValidatedAgainstTheManifest() {
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> kit.setConfig(Json.object().put("businessName", 42).build()));
        assertTrue(wrongType.getMessage().contains("businessName"), wrongType.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> kit.setConfig(Json.object().put("openingHours", "9-5").build()));
        assertTrue(unknown.getMessage().contains("openingHours"), unknown.getMessage());
    }

    @Test
    void signingTheGuestBookListsTheGuestAndPublishesAnEvent() {
        TestResponse created = kit.post("/guests", Json.object().put("name", "  Ada Lovelace ").build());
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asString();
        assertEquals("Ada Lovelace", created.json().get("name").asString());

        List<Json> guests = kit.get("/guests").json().get("items").asList();
        Json listed = guests.stream().filter(g -> g.get("id").asString().equals(id)).findFirst().orElseThrow();
        assertEquals("Ada Lovelace", listed.get("name").asString());
        assertTrue(listed.has("signed_at"), listed.toString());

        List<Event> signed = kit.published("hello.guest.signed").stream()
                .filter(e -> e.payload().get("id").asString().equals(id)).toList();
        assertEquals(1, signed.size(), kit.published("hello.guest.signed").toString());
        assertEquals("Ada Lovelace", signed.get(0).payload().get("name").asString());
        assertEquals("hello", signed.get(0).publisher());
        assertEquals(kit.tenantId().toString(), signed.get(0).tenantId());
    }

    @Test
    void aMissingOrEmptyNameIsAProblemAndNothingIsSigned() {
        int guestsBefore = kit.get("/guests").json().get("items").asList().size();
        int eventsBefore = kit.published("hello.guest.signed").size();
        for (Json body : List.of(Json.object().put("name", "").build(), Json.object().put("name", "   ").build(),
                                 Json.object().build(), Json.object().put("name", 42).build(),
                                 Json.object().put("name", "x".repeat(101)).build())) {
            TestResponse refused = kit.post("/guests", body);
            assertEquals(422, refused.status(), body + " -> " + refused);
            assertEquals("application/problem+json", refused.contentType().orElseThrow());
            Json problem = refused.json();
            assertEquals("urn:voicecore:plugin:hello:invalid-name", problem.get("type").asString());
            assertEquals(422, problem.get("status").asLong());
            assertEquals("Send a 'name' of 1 to 100 characters.", problem.get("detail").asString());
            assertEquals("hello", problem.get("plugin").asString());
        }
        assertEquals(guestsBefore, kit.get("/guests").json().get("items").asList().size());
        assertEquals(eventsBefore, kit.published("hello.guest.signed").size());
    }

    @Test
    void anotherTenantSeesNoneOfTheGuests() {
        assertEquals(201, kit.post("/guests", Json.object().put("name", "Grace Hopper").build()).status());
        assertTrue(kit.get("/guests").json().get("items").asList().stream()
                           .anyMatch(g -> g.get("name").asString().equals("Grace Hopper")));

        TestResponse other = kit.secondTenant().get("/guests");
        assertEquals(200, other.status(), other.toString());
        assertEquals(List.of(), other.json().get("items").asList(), "the second tenant never signed");
        assertEquals(List.of(), kit.secondTenant().published("hello.guest.signed"));
    }

    @Test
    void withoutTheEventsPublishGrantSigningIsDeniedWhileTheGreetingWorks() {
        try (PluginTestKit withheld = PluginTestKit.builder(Path.of("target/classes")).grants("storage").start()) {
            TestResponse greeting = withheld.get("/greeting");
            assertEquals(200, greeting.status(), greeting.toString());

            TestResponse denied = withheld.post("/guests", Json.object().put("name", "Ada").build());
            assertEquals(403, denied.status(), denied.toString());
            assertEquals("urn:voicecore:problem:plugin-permission-denied", denied.json().get("type").asString());
            assertTrue(denied.json().get("detail").asString().contains("events:publish"), denied.toString());

            assertEquals(List.of(), withheld.get("/guests").json().get("items").asList(),
                         "the entry was rolled back with the refused event");
            assertEquals(List.of(), withheld.published("hello.guest.signed"));
        }
    }

    @Test
    void theLiveStreamWelcomesAndSignsTheGuestBook() {
        kit.setConfig(Json.object().put("businessName", "Acme Dental").build());
        try (TestStream live = kit.stream("/guests/live")) {
            Json welcome = live.receiveJson();
            assertEquals("welcome", welcome.get("type").asString());
            assertEquals("Welcome to Acme Dental!", welcome.get("greeting").asString());

            Json signed = live.send(Json.object().put("name", " Grace Hopper ").build()).receiveJson();
            assertEquals("signed", signed.get("type").asString());
            assertEquals("Grace Hopper", signed.get("guest").get("name").asString());
            String id = signed.get("guest").get("id").asString();
            assertTrue(kit.get("/guests").json().get("items").asList().stream()
                               .anyMatch(g -> g.get("id").asString().equals(id)), "the stream signs the same book");
            assertEquals(1, kit.published("hello.guest.signed").stream()
                    .filter(e -> e.payload().get("id").asString().equals(id)).count());

            Json invalid = live.send(Json.object().put("name", "").build()).receiveJson();
            assertEquals("error", invalid.get("type").asString());
            assertEquals("urn:voicecore:plugin:hello:invalid-name", invalid.get("problem").get("type").asString());
            Json notJson = live.send("Grace").receiveJson();
            assertEquals("urn:voicecore:plugin:hello:malformed-message", notJson.get("problem").get("type").asString());
            assertTrue(live.isOpen(), "a refused message leaves the stream open");
            assertEquals("Ada", live.send(Json.object().put("name", "Ada").build()).receiveJson()
                    .get("guest").get("name").asString());
        }
        assertEquals(List.of(), kit.secondTenant().get("/guests").json().get("items").asList().stream()
                .filter(g -> g.get("name").asString().equals("Grace Hopper")).toList(), "the other tenant's book is its own");
    }
}
