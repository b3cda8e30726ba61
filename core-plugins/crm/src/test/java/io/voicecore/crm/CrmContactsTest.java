package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Contacts through the plugin test kit: the kernel's real runtime on an embedded PostgreSQL. */
class CrmContactsTest {
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("defaultCountryCode", "34").build())
                .withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static Json create(Json body) {
        TestResponse created = kit.post("/contacts", body);
        assertEquals(201, created.status(), body + " -> " + created);
        return created.json();
    }

    static List<Json> items(String query) {
        TestResponse list = kit.get("/contacts" + query);
        assertEquals(200, list.status(), list.toString());
        return list.json().get("items").asList();
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void theShorthandContractCreatesANormalisedContact() {
        Json created = create(Json.object().put("name", " Ada Lovelace ").put("email", "Ada@Example.COM").put("phone", "612 34 56 78").build());
        String id = created.get("id").asString();
        assertEquals("Ada Lovelace", created.get("name").asString());
        assertEquals(List.of(Json.of("Ada@example.com")), created.get("emails").asList());
        assertEquals(List.of(Json.of("+34612345678")), created.get("phones").asList(), "national number with defaultCountryCode 34");
        assertFalse(created.get("consent").get("marketing").asBoolean());
        assertFalse(created.get("consent").get("recording").asBoolean());

        TestResponse read = kit.get("/contacts/" + id);
        assertEquals(200, read.status(), read.toString());
        assertEquals(created, read.json());
    }

    @Test
    void everyFieldIsStoredAndReturned() {
        Json body = Json.object().put("name", "Grace Hopper").put("phones", List.of("+1 (415) 555-0100", "0034 699 000 111"))
                .put("emails", List.of("grace@navy.MIL")).put("company", "US Navy").put("tags", List.of("vip", "admiral", "vip"))
                .put("owner", "user:42").put("consent", Json.object().put("marketing", true).put("recording", false).build()).build();
        Json created = create(body);
        assertEquals(List.of(Json.of("+14155550100"), Json.of("+34699000111")), created.get("phones").asList());
        assertEquals(List.of(Json.of("grace@navy.mil")), created.get("emails").asList());
        assertEquals("US Navy", created.get("company").asString());
        assertEquals(List.of(Json.of("vip"), Json.of("admiral")), created.get("tags").asList(), "tags are distinct");
        assertEquals("user:42", created.get("owner").asString());
        assertTrue(created.get("consent").get("marketing").asBoolean());
        assertEquals(created, kit.get("/contacts/" + created.get("id").asString()).json());
    }

    @Test
    void invalidFieldsAreAllListedIn422AndNothingIsStored() {
        String marker = unique("Invalid");
        TestResponse refused = kit.post("/contacts", Json.object().put("name", marker).put("phone", "123").put("email", "not-an-address")
                .put("tags", List.of("", "ok")).put("consent", Json.object().put("marketing", "yes").build()).put("colour", "red").build());
        assertEquals(422, refused.status(), refused.toString());
        assertEquals("urn:voicecore:plugin:crm:invalid-fields", refused.json().get("type").asString());
        String detail = refused.json().get("detail").asString();
        for (String field : List.of("phone:", "email:", "tags[0]:", "consent.marketing:", "colour:")) {
            assertTrue(detail.contains(field), field + " in " + detail);
        }
        assertEquals(List.of(), items("?q=" + marker));

        TestResponse noName = kit.post("/contacts", Json.object().put("email", "x@example.com").build());
        assertEquals(422, noName.status(), noName.toString());
        assertTrue(noName.json().get("detail").asString().contains("name: is required"), noName.toString());
    }

    @Test
    void patchChangesOnlyTheMembersSentAndPublishesTheUpdate() {
        Json created = create(Json.object().put("name", "Alan Turing").put("phone", "+44 20 7946 0000").put("company", "Bletchley")
                                      .put("tags", List.of("math")).build());
        String id = created.get("id").asString();
        TestResponse patched = kit.patch("/contacts/" + id, Json.object().put("company", "Manchester").put("email", "alan@manchester.ac.uk")
                .put("consent", Json.object().put("recording", true).build()).build());
        assertEquals(200, patched.status(), patched.toString());
        Json after = patched.json();
        assertEquals("Alan Turing", after.get("name").asString());
        assertEquals("Manchester", after.get("company").asString());
        assertEquals(created.get("phones"), after.get("phones"));
        assertEquals(List.of(Json.of("alan@manchester.ac.uk")), after.get("emails").asList());
        assertEquals(created.get("tags"), after.get("tags"));
        assertTrue(after.get("consent").get("recording").asBoolean());
        assertFalse(after.get("consent").get("marketing").asBoolean());
        assertEquals(after, kit.get("/contacts/" + id).json());

        List<Event> updates = kit.published(CrmPlugin.CONTACT_UPDATED).stream()
                .filter(e -> e.payload().get("id").asString().equals(id)).toList();
        assertEquals(1, updates.size());
        assertEquals("Manchester", updates.get(0).payload().get("company").asString());

        TestResponse invalid = kit.patch("/contacts/" + id, Json.object().put("name", "").build());
        assertEquals(422, invalid.status(), invalid.toString());
        assertEquals("Alan Turing", kit.get("/contacts/" + id).json().get("name").asString(), "a refused patch changes nothing");
        assertEquals(1, kit.published(CrmPlugin.CONTACT_UPDATED).stream().filter(e -> e.payload().get("id").asString().equals(id)).count());
    }

    @Test
    void creationPublishesTheContactInTheSameTransaction() {
        Json created = create(Json.object().put("name", unique("Event")).build());
        List<Event> events = kit.published(CrmPlugin.CONTACT_CREATED).stream()
                .filter(e -> e.payload().get("id").equals(created.get("id"))).toList();
        assertEquals(1, events.size());
        assertEquals(created, events.get(0).payload());
        assertEquals("crm", events.get(0).publisher());
    }

    @Test
    void withoutEventsPublishNoContactIsCreated() {
        try (PluginTestKit withheld = PluginTestKit.builder(Path.of("target/classes")).grants("storage", "events:subscribe").start()) {
            TestResponse denied = withheld.post("/contacts", Json.object().put("name", "Nobody").put("phone", "+34612345678").build());
            assertEquals(403, denied.status(), denied.toString());
            assertTrue(denied.json().get("detail").asString().contains("events:publish"), denied.toString());
            TestResponse list = withheld.get("/contacts");
            assertEquals(List.of(), list.json().get("items").asList(), "the insert was rolled back with the refused event");
        }
    }

    @Test
    void deleteRemovesTheContact() {
        String id = create(Json.object().put("name", "Temporary").build()).get("id").asString();
        assertEquals(204, kit.delete("/contacts/" + id).status());
        assertEquals(404, kit.get("/contacts/" + id).status());
        assertEquals(404, kit.delete("/contacts/" + id).status());
        assertEquals(404, kit.get("/contacts/not-a-uuid").status());
        assertEquals("urn:voicecore:plugin:crm:contact-not-found", kit.patch("/contacts/" + UUID.randomUUID(),
                Json.object().put("name", "x").build()).json().get("type").asString());
    }

    @Test
    void searchMatchesPrefixesOfNameCompanyEmailPhoneAndTags() {
        String word = unique("zq");
        String id = create(Json.object().put("name", "Katherine " + word + "son").put("company", "Langley Research")
                                   .put("email", word + "@nasa.gov").put("phone", "+1 757 555 0199").put("tags", List.of("orbit" + word))
                                   .build()).get("id").asString();
        create(Json.object().put("name", "Someone Else").put("company", "Other").build());
        for (String q : List.of(word, word.substring(0, 6), "kath " + word, word + "@nasa.gov", "orbit" + word, word + " langley res",
                                "+1 757-555-0199", "17575550199")) {
            List<Json> found = items("?q=" + enc(q));
            assertEquals(List.of(id), found.stream().map(c -> c.get("id").asString()).toList(), "q=" + q);
        }
        assertEquals(List.of(), items("?q=" + enc(word + " nobodyelse")));
        assertEquals(List.of(), items("?q=" + enc("son" + word)), "prefixes, not infixes");
    }

    @Test
    void searchFollowsEveryChangeOfAContactAndStaysWithinTheTenant() {
        String before = unique("before");
        String after = unique("after");
        String id = create(Json.object().put("name", "Grace " + before).put("phone", "+34 600 123 987").build()).get("id").asString();
        assertEquals(List.of(id), ids("?q=" + before));
        assertEquals(List.of(), kit.secondTenant().get("/contacts?q=" + before).json().get("items").asList(), "another tenant's words");

        assertEquals(200, kit.patch("/contacts/" + id, Json.object().put("name", "Grace " + after).build()).status());
        assertEquals(List.of(), ids("?q=" + before), "the old word is gone");
        assertEquals(List.of(id), ids("?q=" + after));
        assertEquals(200, kit.patch("/contacts/" + id, Json.object().put("consent", Json.object().put("marketing", true).build()).build()).status());
        assertEquals(List.of(id), ids("?q=" + enc("grace " + after)), "a change that leaves the words keeps them");

        assertEquals(204, kit.delete("/contacts/" + id).status());
        assertEquals(List.of(), ids("?q=" + after));
    }

    @Test
    void searchMatchesWordsBeyondAsciiAlone() {
        String word = unique("qx");
        String id = create(Json.object().put("name", "Željko Ærøskøbing " + word).build()).get("id").asString();
        assertEquals(List.of(id), ids("?q=" + enc("željk")));
        assertEquals(List.of(id), ids("?q=" + enc("ÆRØSK " + word.substring(0, 5))));
        assertEquals(List.of(id), ids("?q=" + enc(word + " žel")));
        assertEquals(List.of(), ids("?q=" + enc(word + " željkx")));
    }

    static List<String> ids(String query) {
        return items(query).stream().map(c -> c.get("id").asString()).toList();
    }

    @Test
    void filtersByTagCompanyAndOwner() {
        String tag = unique("tag");
        String company = unique("Company ");
        String a = create(Json.object().put("name", "A").put("tags", List.of(tag)).put("company", company).put("owner", "user:a").build())
                .get("id").asString();
        String b = create(Json.object().put("name", "B").put("tags", List.of(tag, "other")).put("owner", "user:b").build()).get("id").asString();
        assertEquals(List.of(a, b), items("?tag=" + enc(tag)).stream().map(c -> c.get("id").asString()).toList());
        assertEquals(List.of(a), items("?company=" + enc(company.toUpperCase())).stream().map(c -> c.get("id").asString()).toList());
        assertEquals(List.of(b), items("?tag=" + enc(tag) + "&owner=user:b").stream().map(c -> c.get("id").asString()).toList());
    }

    @Test
    void cursorPaginationVisitsEveryContactOnce() {
        String tag = unique("page");
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            expected.add(create(Json.object().put("name", "Paged " + i).put("tags", List.of(tag)).build()).get("id").asString());
        }
        List<String> seen = new ArrayList<>();
        String query = "?tag=" + tag + "&limit=3";
        int pages = 0;
        while (true) {
            Json page = kit.get("/contacts" + query).json();
            pages++;
            page.get("items").asList().forEach(c -> seen.add(c.get("id").asString()));
            if (page.get("next").isNull()) {
                break;
            }
            query = "?tag=" + tag + "&limit=3&cursor=" + enc(page.get("next").asString());
        }
        assertEquals(3, pages);
        assertEquals(7, seen.size());
        assertEquals(expected, new HashSet<>(seen));
        assertEquals(400, kit.get("/contacts?cursor=garbage").status());
        assertEquals(400, kit.get("/contacts?limit=0").status());
        assertEquals(400, kit.get("/contacts?limit=201").status());
    }

    @Test
    void anotherTenantSeesNoneOfTheContacts() {
        String id = create(Json.object().put("name", unique("Private")).build()).get("id").asString();
        assertEquals(404, kit.secondTenant().get("/contacts/" + id).status());
        assertFalse(kit.secondTenant().get("/contacts").json().get("items").asList().stream()
                            .anyMatch(c -> c.get("id").asString().equals(id)));
        assertEquals(404, kit.secondTenant().delete("/contacts/" + id).status());
        assertEquals(200, kit.get("/contacts/" + id).status());
    }

    @Test
    void withoutADefaultCountryCodeANationalNumberIsKeptForReviewAsGiven() {
        String name = unique("Local");
        TestResponse created = kit.secondTenant().post("/contacts", Json.object().put("name", name).put("phone", " 612  345 678").build());
        assertEquals(201, created.status(), created.toString());
        Json contact = created.json();
        String id = contact.get("id").asString();
        assertEquals(List.of(), contact.get("phones").asList());
        assertEquals(List.of(Json.of("612 345 678")), contact.get("phonesToReview").asList());
        assertTrue(contact.get("phoneNeedsReview").asBoolean());
        assertEquals(contact, kit.secondTenant().get("/contacts/" + id).json());

        assertTrue(ids(kit.secondTenant().get("/contacts?limit=200&phoneNeedsReview=true")).contains(id));
        assertFalse(ids(kit.secondTenant().get("/contacts?limit=200&phoneNeedsReview=false")).contains(id));
        assertEquals(List.of(id), ids(kit.secondTenant().get("/contacts?q=612345678")), "found by its digits");
        assertEquals(List.of(id), ids(kit.secondTenant().get("/contacts?q=" + enc("612 345") + "&phoneNeedsReview=true")));
        TestResponse badFilter = kit.secondTenant().get("/contacts?phoneNeedsReview=maybe");
        assertEquals(400, badFilter.status(), badFilter.toString());
        assertTrue(badFilter.json().get("detail").asString().contains("phoneNeedsReview"), badFilter.toString());

        TestResponse again = kit.secondTenant().patch("/contacts/" + id, Json.object().put("phone", "612-345-678").put("email", "local@example.com")
                .build());
        assertEquals(List.of(Json.of("612 345 678")), again.json().get("phonesToReview").asList(), "the same digits are one number");

        TestResponse reviewed = kit.secondTenant().patch("/contacts/" + id, Json.object().put("phone", "+34 612 345 678")
                .put("phonesToReview", List.of()).build());
        assertEquals(200, reviewed.status(), reviewed.toString());
        assertEquals(List.of(Json.of("+34612345678")), reviewed.json().get("phones").asList());
        assertEquals(List.of(), reviewed.json().get("phonesToReview").asList());
        assertFalse(reviewed.json().get("phoneNeedsReview").asBoolean());
        assertFalse(ids(kit.secondTenant().get("/contacts?limit=200&phoneNeedsReview=true")).contains(id));
        assertTrue(kit.secondTenant().published(CrmPlugin.CONTACT_CREATED).stream()
                           .anyMatch(e -> e.payload().get("id").asString().equals(id) && e.payload().get("phoneNeedsReview").asBoolean()));
    }

    @Test
    void aNumberWrittenToReviewIsReadWhenItCanBeAndTextThatIsNoNumberIsStillRefused() {
        TestResponse written = kit.post("/contacts", Json.object().put("name", unique("Configured")).put("phonesToReview", List.of("612 345 678"))
                .build());
        assertEquals(201, written.status(), written.toString());
        assertEquals(List.of(Json.of("+34612345678")), written.json().get("phones").asList(), "defaultCountryCode 34 reads it");
        assertFalse(written.json().get("phoneNeedsReview").asBoolean());

        TestResponse refused = kit.secondTenant().post("/contacts", Json.object().put("name", "Letters").put("phones", List.of("600 CALL NOW"))
                .put("phonesToReview", List.of("12345")).build());
        assertEquals(422, refused.status(), refused.toString());
        String detail = refused.json().get("detail").asString();
        assertTrue(detail.contains("phones[0]: '600 CALL NOW' is not a phone number"), detail);
        assertTrue(detail.contains("phonesToReview[0]: '12345' is not a phone number"), detail);
    }

    static List<String> ids(TestResponse list) {
        assertEquals(200, list.status(), list.toString());
        return list.json().get("items").asList().stream().map(c -> c.get("id").asString()).toList();
    }
}
