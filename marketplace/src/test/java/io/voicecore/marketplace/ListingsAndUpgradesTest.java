package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.install;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Finding listings (text, category, publisher, order, pages), and what a tenant sees as versions come and go. */
class ListingsAndUpgradesTest {
    static MarketplaceFixture.Publisher lark;
    static MarketplaceFixture.Publisher owl;
    static String tenantKey;

    @BeforeAll
    static void publishSeveral() {
        lark = publisher("lark-labs", "lark");
        owl = publisher("owl-works", "owl");
        publish(lark, "lark-calendar", "productivity");
        publish(lark, "lark-phone-notes", "telephony");
        publish(owl, "owl-calendar-sync", "productivity");
        tenantKey = tenantAdmin("finder-co");
        String other = tenantAdmin("finder-two");
        assertEquals(201, install("finder-co", tenantKey, "owl-calendar-sync", "free", List.of()).status());
        assertEquals(201, install("finder-two", other, "owl-calendar-sync", "free", List.of()).status());
        assertEquals(201, install("finder-co", tenantKey, "lark-calendar", "free", List.of()).status());
    }

    static void publish(MarketplaceFixture.Publisher publisher, String id, String category) {
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, helloJar(id, "1.0.0", List.of())));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        assertEquals(200, kernel().put(publisher.path() + "/listings/" + id, publisher.apiKey(),
                                       Map.of("category", category, "plans", List.of(Map.of("id", "free", "kind", "free")))).status());
    }

    @Test
    void listingsAreFoundByTextCategoryAndPublisherInTheOrderAsked() {
        assertEquals(List.of("lark-calendar", "owl-calendar-sync"), ids(search("q=calendar")).stream().sorted().toList());
        assertEquals(List.of("lark-calendar", "owl-calendar-sync"), ids(search("q=calend")).stream().sorted().toList(),
                     "part of a word finds it too");
        List<String> byInstalls = ids(search("q=calendar&sort=installs"));
        assertTrue(byInstalls.indexOf("owl-calendar-sync") < byInstalls.indexOf("lark-calendar"), "two installs before one: " + byInstalls);
        assertEquals(List.of("lark-phone-notes"), ids(search("category=telephony&publisher=lark-labs")));
        assertEquals(List.of("lark-calendar", "lark-phone-notes"), ids(search("publisher=lark-labs")).stream().sorted().toList());
        assertEquals(List.of(), ids(search("q=nothing-like-this")));

        JsonNode first = search("publisher=lark-labs&limit=1");
        assertEquals(1, first.get("items").size());
        JsonNode second = search("publisher=lark-labs&limit=1&cursor=" + first.get("next").asText());
        assertEquals(1, second.get("items").size());
        assertFalse(ids(first).equals(ids(second)), "the next page goes on");
        assertTrue(second.get("next").isNull(), "and ends");

        assertEquals(422, kernel().get("/api/v1/marketplace/listings?sort=price", tenantKey).status());
        assertEquals(422, kernel().get("/api/v1/marketplace/listings?limit=0", tenantKey).status());
        assertEquals(401, kernel().get("/api/v1/marketplace/listings", null).status(), "authenticated principals only");
        JsonNode listing = kernel().get("/api/v1/marketplace/listings/owl-calendar-sync", tenantKey).json();
        assertEquals(2, listing.get("installs").asLong());
        assertEquals("productivity", listing.get("category").asText());
        assertEquals("stable", listing.get("versions").get(0).get("channel").asText());
    }

    @Test
    void anUpgradeAskingForMoreWaitsForConsentAndAYankedVersionTellsItsTenantsToMove() {
        JsonNode more = submitAndReview(lark, signed(lark, helloJar("lark-calendar", "1.1.0", List.of("usage"))));
        assertEquals("in-review", more.get("state").asText());
        assertEquals(200, approve(more.get("id").asText()).status());
        assertEquals("1.0.0", hello("lark-calendar").get("version").asText(), "no consent yet: the tenant stays");
        JsonNode waiting = kernel().get("/api/v1/tenants/finder-co/marketplace/installs/lark-calendar", tenantKey).json();
        assertTrue(waiting.get("notices").toString().contains("usage"), waiting.toString());

        HttpResult consented = kernel().patch("/api/v1/tenants/finder-co/marketplace/installs/lark-calendar", tenantKey,
                                              Map.of("grantedPermissions", List.of("usage")));
        assertEquals(200, consented.status(), consented.body());
        assertEquals("1.1.0", hello("lark-calendar").get("version").asText());
        JsonNode analytics = kernel().get(lark.path() + "/analytics?listing=lark-calendar", lark.apiKey()).json();
        assertEquals(1, analytics.get("totals").get("upgrades").asLong(), analytics.toString());

        HttpResult yanked = kernel().post(lark.path() + "/listings/lark-calendar/versions/1.1.0/yank", lark.apiKey(),
                                          Map.of("reason", "drops events under load"));
        assertTrue(yanked.status() == 200 || yanked.status() == 201, yanked.body());
        assertEquals("1.1.0", hello("lark-calendar").get("version").asText(), "a yanked version keeps working");
        JsonNode told = kernel().get("/api/v1/tenants/finder-co/marketplace/installs/lark-calendar", tenantKey).json();
        assertTrue(told.get("notices").toString().contains("drops events under load"), told.toString());
        HttpResult refused = install("finder-two", null, "lark-calendar", "free", List.of("usage"));
        assertEquals(401, refused.status());
        String third = tenantAdmin("finder-three");
        HttpResult newInstall = install("finder-three", third, "lark-calendar", "free", List.of("usage"));
        assertEquals(409, newInstall.status(), newInstall.body());
        assertEquals("urn:voicecore:problem:version-yanked", newInstall.json().get("type").asText());
    }

    static JsonNode hello(String listing) {
        HttpResult hello = kernel().get("/api/v1/tenants/finder-co/" + listing + "/hello", tenantKey);
        assertEquals(200, hello.status(), hello.body());
        return hello.json();
    }

    static JsonNode search(String query) {
        HttpResult found = kernel().get("/api/v1/marketplace/listings?" + query, tenantKey);
        assertEquals(200, found.status(), found.body());
        return found.json();
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
