package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interaction timeline, and finished conversations recorded on the caller's contact. */
class CrmInteractionsTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("defaultCountryCode", "1").build())
                .withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static String contact(Json body) {
        TestResponse created = kit.post("/contacts", body);
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    static List<Json> timeline(String contactId) {
        TestResponse list = kit.get("/contacts/" + contactId + "/interactions");
        assertEquals(200, list.status(), list.toString());
        return list.json().get("items").asList();
    }

    static Json conversation(String phone, String email, String name, String summary, String channel) {
        return conversation(phone, email, name, summary, channel, "en", null);
    }

    /** A {@code conversation.ended} payload as the receptionist publishes it, with the conversation's language and locale. */
    static Json conversation(String phone, String email, String name, String summary, String channel, String language, String locale) {
        return Json.object().put("conversationId", UUID.randomUUID().toString()).put("channel", channel)
                .put("contact", Json.object().put("name", name).put("phone", phone).put("email", email).build())
                .put("summary", summary).put("language", language).put("locale", locale).put("startedAt", "2025-03-01T10:00:00Z")
                .put("endedAt", "2025-03-01T10:05:00Z").build();
    }

    /** The second tenant's contacts matching {@code q}: that tenant has configured no defaultCountryCode. */
    static List<Json> unconfiguredContactsMatching(String q) {
        TestResponse found = kit.secondTenant().get("/contacts?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, found.status(), found.toString());
        return found.json().get("items").asList();
    }

    /**
     * A name no other contact has, in letters only: a hex suffix such as {@code 12e45abc} can be read as a number by
     * the search's text parser, and the contact would then not be found by it.
     */
    static String uniqueName(String first) {
        StringBuilder suffix = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 10; i++) {
            suffix.append((char) ('a' + random.nextInt(26)));
        }
        return first + " " + suffix;
    }

    static List<Json> contactsMatching(String q) {
        return kit.get("/contacts?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)).json().get("items").asList();
    }

    @Test
    void interactionsAreRecordedAndListedNewestFirstWithCursors() {
        String id = contact(Json.object().put("name", "Timeline").build());
        List<String> created = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            TestResponse recorded = kit.post("/contacts/" + id + "/interactions", Json.object().put("type", day % 2 == 0 ? "email" : "note")
                    .put("occurredAt", "2025-01-0" + day + "T09:00:00Z").put("summary", "day " + day)
                    .put("details", Json.object().put("day", day).build()).build());
            assertEquals(201, recorded.status(), recorded.toString());
            created.add(recorded.json().get("id").asString());
        }
        List<Json> all = timeline(id);
        assertEquals(List.of("day 5", "day 4", "day 3", "day 2", "day 1"), all.stream().map(i -> i.get("summary").asString()).toList());
        assertEquals("email", all.get(1).get("type").asString());
        assertEquals(4, all.get(1).get("details").get("day").asLong());

        Json first = kit.get("/contacts/" + id + "/interactions?limit=2").json();
        assertEquals(2, first.get("items").asList().size());
        Json second = kit.get("/contacts/" + id + "/interactions?limit=2&cursor=" + first.get("next").asString()).json();
        Json third = kit.get("/contacts/" + id + "/interactions?limit=2&cursor=" + second.get("next").asString()).json();
        assertEquals("day 3", second.get("items").asList().get(0).get("summary").asString());
        assertEquals(List.of("day 1"), third.get("items").asList().stream().map(i -> i.get("summary").asString()).toList());
        assertTrue(third.get("next").isNull());
    }

    @Test
    void invalidInteractionsAndUnknownContactsAreRefused() {
        String id = contact(Json.object().put("name", "Strict").build());
        TestResponse refused = kit.post("/contacts/" + id + "/interactions", Json.object().put("type", "fax").put("occurredAt", "yesterday")
                .put("details", "text").build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("type:", "occurredAt:", "details:")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }
        assertEquals(List.of(), timeline(id));
        assertEquals(404, kit.post("/contacts/" + UUID.randomUUID() + "/interactions", Json.object().put("type", "note").build()).status());
        assertEquals(404, kit.get("/contacts/" + UUID.randomUUID() + "/interactions").status());
    }

    @Test
    void deletingAContactDeletesItsTimeline() {
        String id = contact(Json.object().put("name", "Gone").build());
        assertEquals(201, kit.post("/contacts/" + id + "/interactions", Json.object().put("type", "note").build()).status());
        assertEquals(204, kit.delete("/contacts/" + id).status());
        assertEquals(404, kit.get("/contacts/" + id + "/interactions").status());
    }

    @Test
    void aFinishedCallIsRecordedOnTheContactWithThatPhone() {
        String id = contact(Json.object().put("name", "Known Caller").put("phone", "+1 212 555 0101").build());
        kit.deliver(ConversationEnded.TOPIC, conversation("(212) 555-0101", null, "Someone", "Booked a table for two", "voice"));
        List<Json> items = timeline(id);
        assertEquals(1, items.size());
        assertEquals("call", items.get(0).get("type").asString());
        assertEquals("Booked a table for two", items.get(0).get("summary").asString());
        assertEquals("2025-03-01T10:05:00Z", items.get(0).get("occurredAt").asString());
        assertEquals("en", items.get(0).get("details").get("language").asString());
    }

    @Test
    void aPhoneCallKeepsItsNumberOutcomeAndDurationOnTheInteraction() {
        Json call = Json.object().put("conversationId", UUID.randomUUID().toString()).put("channel", "call")
                .put("contact", Json.object().put("name", "Lucía García").put("phone", "+34612000777").build())
                .put("summary", "Lucía García (es): Book an appointment.").put("language", "es").put("startedAt", "2025-03-01T10:00:00Z")
                .put("endedAt", "2025-03-01T10:01:35Z").put("callerNumber", "+34612000777").put("outcome", "answered")
                .put("durationSeconds", 95).build();
        kit.deliver(ConversationEnded.TOPIC, call);
        Json contact = contactsMatching("+34612000777").get(0);
        assertEquals("Lucía García", contact.get("name").asString());
        Json interaction = timeline(contact.get("id").asString()).get(0);
        assertEquals("call", interaction.get("type").asString());
        assertEquals("Lucía García (es): Book an appointment.", interaction.get("summary").asString());
        assertEquals("+34612000777", interaction.get("details").get("callerNumber").asString());
        assertEquals("answered", interaction.get("details").get("outcome").asString());
        assertEquals(95, interaction.get("details").get("durationSeconds").asLong());
    }

    @Test
    void aFinishedChatIsMatchedByEmailWhenThePhoneIsUnknown() {
        String id = contact(Json.object().put("name", "Chatter").put("email", "chatter@example.org").build());
        kit.deliver(ConversationEnded.TOPIC, conversation("+1 917 555 0000", "chatter@EXAMPLE.org", "Chatter", "Asked for prices", "webchat"));
        List<Json> items = timeline(id);
        assertEquals(1, items.size());
        assertEquals("chat", items.get(0).get("type").asString());
    }

    @Test
    void anUnknownCallerBecomesAContactAndIsAnnounced() {
        String phone = "+1 303 555 " + (1000 + (int) (Math.random() * 8999));
        kit.deliver(ConversationEnded.TOPIC, conversation(phone, "new.caller@example.com", "New Caller", "First call", "phone"));
        List<Json> found = contactsMatching("new.caller@example.com");
        assertEquals(1, found.size(), found.toString());
        Json created = found.get(0);
        assertEquals("New Caller", created.get("name").asString());
        assertEquals(1, timeline(created.get("id").asString()).size());
        assertTrue(kit.published(CrmPlugin.CONTACT_CREATED).stream().anyMatch(e -> e.payload().get("id").equals(created.get("id"))));
    }

    @Test
    void withoutADefaultCountryCodeASpanishConversationsNationalNumberIsSpains() {
        String name = uniqueName("Lucía");
        kit.secondTenant().deliver(ConversationEnded.TOPIC, conversation("600 123 456", null, name, "Wants an appointment", "chat", "es", null));
        List<Json> found = unconfiguredContactsMatching(name);
        assertEquals(1, found.size(), "the caller gave only a phone, without its country code: " + found);
        assertEquals(List.of(Json.of("+34600123456")), found.get(0).get("phones").asList(), found.toString());
    }

    @Test
    void withoutADefaultCountryCodeTheConversationsLocaleSettlesWhatItsLanguageLeavesOpen() {
        String name = uniqueName("Pilar");
        // 61x xxx xxx is also how a landline of Punta Arenas (Chile) is written; es-ES says it is Spain's. A number of
        // its own, so no contact another test left in the shared tenant has it.
        String digits = "61" + String.format("%07d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 10_000_000L));
        String written = digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6);
        kit.secondTenant().deliver(ConversationEnded.TOPIC, conversation(written, null, name, "Call back", "voice", "es", "es-ES"));
        List<Json> found = unconfiguredContactsMatching(name);
        assertEquals(1, found.size(), found.toString());
        assertEquals(List.of(Json.of("+34" + digits)), found.get(0).get("phones").asList(), found.toString());
    }

    @Test
    void aNumberNothingSettlesIsKeptOnTheContactForReviewAndTheNextCallFindsIt() {
        String name = uniqueName("Marta");
        // Nine digits starting 61: a Spanish mobile, or a landline of Punta Arenas (Chile).
        String digits = "61" + String.format("%07d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 10_000_000L));
        String written = digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6);
        kit.secondTenant().deliver(ConversationEnded.TOPIC, conversation(written, null, name, "First call", "voice", "es", null));
        List<Json> found = unconfiguredContactsMatching(name);
        assertEquals(1, found.size(), "Spain or Chile: not guessed, but not lost either: " + found);
        Json contact = found.get(0);
        String id = contact.get("id").asString();
        assertEquals(List.of(), contact.get("phones").asList());
        assertEquals(List.of(Json.of(written)), contact.get("phonesToReview").asList());
        assertTrue(contact.get("phoneNeedsReview").asBoolean());
        Json phone = kit.secondTenant().get("/contacts/" + id + "/interactions").json().get("items").asList().get(0).get("details").get("phone");
        assertEquals(written, phone.get("given").asString());
        assertTrue(phone.get("toReview").asBoolean());
        assertTrue(phone.get("why").asString().contains("Spain or Chile"), phone.toString());

        kit.secondTenant().deliver(ConversationEnded.TOPIC, conversation(digits, null, "Someone", "Second call", "voice", "es", null));
        assertEquals(2, kit.secondTenant().get("/contacts/" + id + "/interactions").json().get("items").asList().size(),
                     "the same number, written otherwise, is the same caller");
        assertEquals(List.of(Json.of(written)), kit.secondTenant().get("/contacts/" + id).json().get("phonesToReview").asList());

        kit.secondTenant().deliver(ConversationEnded.TOPIC, conversation(written, null, name, "Third call", "voice", "es", "es-ES"));
        Json settled = kit.secondTenant().get("/contacts/" + id).json();
        assertEquals(3, kit.secondTenant().get("/contacts/" + id + "/interactions").json().get("items").asList().size());
        assertEquals(List.of(Json.of("+34" + digits)), settled.get("phones").asList(), "the locale settles the number to review");
        assertEquals(List.of(), settled.get("phonesToReview").asList());
        assertTrue(kit.secondTenant().published(CrmPlugin.CONTACT_UPDATED).stream()
                           .anyMatch(e -> e.payload().get("id").asString().equals(id) && !e.payload().get("phoneNeedsReview").asBoolean()));
    }

    @Test
    void aNumberAKnownContactLacksIsAddedToIt() {
        String email = "known-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = contact(Json.object().put("name", "Known by e-mail").put("email", email).build());
        kit.deliver(ConversationEnded.TOPIC, conversation("(212) 555-0199", email, "Known", "Gave a number", "voice"));
        Json after = kit.get("/contacts/" + id).json();
        assertEquals(List.of(Json.of("+12125550199")), after.get("phones").asList(), after.toString());
        assertEquals(1, timeline(id).size());
        assertEquals("+12125550199", timeline(id).get(0).get("details").get("phone").get("e164").asString());
        assertEquals("defaultCountryCode 1", timeline(id).get(0).get("details").get("phone").get("how").asString());
    }

    @Test
    void aRedeliveredEventIsRecordedOnce() {
        String id = contact(Json.object().put("name", "Twice").put("phone", "+1 415 555 7777").build());
        Event event = kit.deliver(ConversationEnded.TOPIC, conversation("+14155557777", null, "Twice", "Once only", "voice"));
        kit.deliver(new Event(event.id(), event.topic(), event.tenantId(), event.publisher(), event.payload(), event.occurredAt(), 2));
        kit.deliver(event);
        assertEquals(1, timeline(id).size());
    }

    @Test
    void aConversationWithoutPhoneOrEmailRecordsNothing() {
        int contactsBefore = kit.get("/contacts?limit=200").json().get("items").asList().size();
        kit.deliver(ConversationEnded.TOPIC, conversation("not a number", "nope", "Anonymous", "Hung up", "voice"));
        assertEquals(contactsBefore, kit.get("/contacts?limit=200").json().get("items").asList().size());
    }

    @Test
    void withoutTheSubscribeGrantTheEventIsNotDelivered() {
        try (PluginTestKit withheld = PluginTestKit.builder(Path.of("target/classes")).grants("storage", "events:publish").start()) {
            assertThrows(IllegalStateException.class,
                         () -> withheld.deliver(ConversationEnded.TOPIC, conversation("+14155550000", null, "X", "Y", "voice")));
            assertEquals(List.of(), withheld.get("/contacts").json().get("items").asList());
        }
    }
}
