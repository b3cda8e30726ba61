package io.voicecore.marketplace.listings.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.testing.ListingFixture.SignedUpPublisher;
import io.voicecore.marketplace.testing.ListingFixture.TenantAdmin;
import io.voicecore.marketplace.testing.ListingFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** A publisher sets its listing's category, description and plans, and yanks versions, over HTTP. */
class ListingAdminApiTest {
    private static final Instant INSTALLED = Instant.parse("2024-02-01T10:00:00Z");
    static TestKernel kernel;
    static ListingFixture fixture;
    static SignedUpPublisher publisher;
    static SignedUpPublisher rival;

    @BeforeAll
    static void start() {
        kernel = MarketplaceFixture.kernel(); // shared with the module's other HTTP tests
        fixture = new ListingFixture(kernel);
        publisher = fixture.signUpPublisher("admin-publisher");
        rival = fixture.signUpPublisher("admin-rival");
        fixture.publish(rival, "rival-dialer", "1.0.0");
    }


    private static String listing(String publisherSlug, String pluginId) {
        return "/api/v1/marketplace/publishers/" + publisherSlug + "/listings/" + pluginId;
    }

    private static Map<String, Object> plan(String id, String kind) {
        return Map.of("id", id, "kind", kind);
    }

    private static List<String> planIds(JsonNode listing) {
        List<String> ids = new ArrayList<>();
        listing.get("plans").forEach(plan -> ids.add(plan.get("id").asText()));
        return ids;
    }

    @Test
    void thePublisherSetsCategoryDescriptionAndPlans() {
        fixture.publish(publisher, "crm-sync", "1.0.0");
        HttpResult updated = kernel.put(listing("admin-publisher", "crm-sync"), publisher.apiKey(), Map.of(
                "category", "crm", "description", "  Syncs calls to your CRM.  ",
                "plans", List.of(plan("free", "free"), Map.of("id", "trial-14", "kind", "trial", "trialDays", 14),
                                 Map.of("id", "partner", "kind", "granted", "seats", 25))));
        assertEquals(200, updated.status(), updated.toString());
        JsonNode body = updated.json();
        assertEquals("crm-sync", body.get("id").asText());
        assertEquals("crm", body.get("category").asText());
        assertEquals("Syncs calls to your CRM.", body.get("description").asText());
        assertEquals(List.of("free", "partner", "trial-14"), planIds(body));
        assertEquals(14, body.get("plans").get(2).get("trialDays").asInt());
        assertEquals(25, body.get("plans").get(1).get("seats").asInt());
        assertFalse(body.get("plans").get(0).has("trialDays"));

        // Without a description the current one stays; plans left out go.
        HttpResult again = kernel.put(listing("admin-publisher", "crm-sync"), publisher.apiKey(), Map.of(
                "category", "telephony", "plans", List.of(Map.of("id", "trial-14", "kind", "trial", "trialDays", 30))));
        assertEquals(200, again.status(), again.toString());
        assertEquals("telephony", again.json().get("category").asText());
        assertEquals("Syncs calls to your CRM.", again.json().get("description").asText());
        assertEquals(List.of("trial-14"), planIds(again.json()));
        assertEquals(30, again.json().get("plans").get(0).get("trialDays").asInt());
        assertEquals(List.of("marketplace.listing.update", "marketplace.listing.update"),
                     fixture.auditActions(null, "listing:crm-sync"));

        assertEquals(200, kernel.put(listing("admin-publisher", "crm-sync"), kernel.adminToken(),
                                     Map.of("category", "other", "plans", List.of(plan("free", "free")))).status(),
                     "the platform admin may act for the publisher");
    }

    @Test
    void aPlanATenantIsInstalledOnIsNeverRemoved() {
        fixture.publish(publisher, "pbx-bridge", "1.0.0");
        fixture.plan("pbx-bridge", "pro", "granted");
        TenantAdmin tenant = fixture.tenantWithAdmin("on-pro");
        fixture.install(tenant.id(), "pbx-bridge", "pro", "1.0.0", INSTALLED);

        HttpResult refused = kernel.put(listing("admin-publisher", "pbx-bridge"), publisher.apiKey(),
                                        Map.of("category", "telephony", "plans", List.of(plan("free", "free"))));
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("urn:voicecore:problem:plan-in-use", refused.json().get("type").asText());
        assertEquals("pro", refused.json().get("plans").get(0).asText());
        assertTrue(refused.json().get("detail").asText().contains("pro"), refused.toString());

        // Nothing changed; keeping the plan (even with new terms) is fine, and once the tenant left it may go.
        HttpResult kept = kernel.put(listing("admin-publisher", "pbx-bridge"), publisher.apiKey(),
                                     Map.of("category", "telephony", "plans", List.of(Map.of("id", "pro", "kind", "trial", "trialDays", 7))));
        assertEquals(200, kept.status(), kept.toString());
        assertEquals(List.of("pro"), planIds(kept.json()));
        fixture.uninstall(tenant.id(), "pbx-bridge", "1.0.0", INSTALLED.plusSeconds(60));
        HttpResult removed = kernel.put(listing("admin-publisher", "pbx-bridge"), publisher.apiKey(),
                                        Map.of("category", "telephony", "plans", List.of(plan("free", "free"))));
        assertEquals(200, removed.status(), removed.toString());
        assertEquals(List.of("free"), planIds(removed.json()));
    }

    @Test
    void everythingWrongWithTheBodyIsToldAtOnce() {
        fixture.publish(publisher, "validated-listing", "1.0.0");
        String path = listing("admin-publisher", "validated-listing");
        Map<String, Object> body = Map.of(
                "category", "games", "description", "d".repeat(4001),
                "plans", List.of(Map.of("id", "Free!", "kind", "free"), Map.of("id", "t", "kind", "trial"),
                                 Map.of("id", "t2", "kind", "trial", "trialDays", 366), Map.of("id", "g", "kind", "granted", "trialDays", 3),
                                 Map.of("id", "x", "kind", "paid"), Map.of("id", "t", "kind", "free"), Map.of("id", "s", "kind", "free", "seats", -1),
                                 Map.of("id", "u", "kind", "free", "price", 10)));
        HttpResult refused = kernel.put(path, publisher.apiKey(), body);
        assertEquals(422, refused.status(), refused.toString());
        Set<String> fields = new TreeSet<>();
        refused.json().get("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertEquals(new TreeSet<>(List.of("category", "description", "plans[0].id", "plans[1].trialDays", "plans[2].trialDays",
                                           "plans[3].trialDays", "plans[4].kind", "plans[5].id", "plans[6].seats", "plans[7].price")),
                     fields, refused.toString());
        assertTrue(refused.body().contains("telephony"), "the categories are listed: " + refused);

        assertEquals(422, kernel.put(path, publisher.apiKey(), Map.of("category", "crm", "plans", List.of())).status());
        assertEquals(422, kernel.put(path, publisher.apiKey(), Map.of("category", "crm")).status());
        assertEquals(422, kernel.put(path, publisher.apiKey(), Map.of("plans", List.of(plan("free", "free")))).status());
        assertEquals(200, kernel.put(path, publisher.apiKey(), Map.of("category", "crm", "plans", List.of(plan("a".repeat(40), "free"))))
                .status());
        assertEquals(422, kernel.put(path, publisher.apiKey(), Map.of("category", "crm", "plans", List.of(plan("a".repeat(41), "free"))))
                .status());
    }

    @Test
    void onlyTheOwningPublisherChangesAListing() {
        Map<String, Object> body = Map.of("category", "crm", "plans", List.of(plan("free", "free")));
        HttpResult notOwned = kernel.put(listing("admin-publisher", "rival-dialer"), publisher.apiKey(), body);
        assertEquals(404, notOwned.status(), notOwned.toString());
        assertEquals("urn:voicecore:problem:listing-not-found", notOwned.json().get("type").asText());
        assertEquals(404, kernel.put(listing("admin-rival", "rival-dialer"), publisher.apiKey(), body).status());
        assertEquals(404, kernel.post(listing("admin-publisher", "rival-dialer") + "/versions/1.0.0/yank", publisher.apiKey(),
                                      Map.of("reason", "mine now")).status());
        assertEquals(404, kernel.put(listing("admin-publisher", "no-such"), publisher.apiKey(), body).status());
        TenantAdmin tenant = fixture.tenantWithAdmin("not-a-publisher");
        assertEquals(404, kernel.put(listing("admin-rival", "rival-dialer"), tenant.apiKey(), body).status());
    }

    @Test
    void aYankedVersionKeepsItsTenantsAndCanBeOfferedAgain() {
        fixture.publish(publisher, "yankable", "1.0.0", "1.0.1");
        TenantAdmin tenant = fixture.tenantWithAdmin("on-yanked");
        fixture.install(tenant.id(), "yankable", "1.0.1", INSTALLED);
        String yank = listing("admin-publisher", "yankable") + "/versions/1.0.1/yank";

        HttpResult yanked = kernel.post(yank, publisher.apiKey(), Map.of("reason", "Drops calls on transfer"));
        assertEquals(200, yanked.status(), yanked.toString());
        assertTrue(yanked.json().get("yanked").asBoolean());
        assertEquals("Drops calls on transfer", yanked.json().get("yankReason").asText());
        String yankedAt = yanked.json().get("yankedAt").asText();

        HttpResult reasoned = kernel.post(yank, publisher.apiKey(), Map.of("reason", "Drops calls on blind transfer"));
        assertEquals(yankedAt, reasoned.json().get("yankedAt").asText(), "yanking again keeps when it was yanked");
        assertEquals("Drops calls on blind transfer", reasoned.json().get("yankReason").asText());

        // The tenant on it still has it installed, and may still rate it.
        assertEquals(201, kernel.put("/api/v1/tenants/on-yanked/marketplace/ratings/yankable", tenant.apiKey(),
                                     Map.of("stars", 3)).status());

        HttpResult offered = kernel.delete(yank, publisher.apiKey());
        assertEquals(200, offered.status(), offered.toString());
        assertFalse(offered.json().get("yanked").asBoolean());
        assertTrue(offered.json().get("yankedAt").isNull());
        assertTrue(offered.json().get("yankReason").isNull());
        assertEquals(200, kernel.delete(yank, publisher.apiKey()).status(), "offering an offered version is harmless");
        assertEquals(List.of("marketplace.version.yank", "marketplace.version.yank", "marketplace.version.unyank"),
                     fixture.auditActions(null, "listing:yankable@%"));

        assertEquals(404, kernel.post(listing("admin-publisher", "yankable") + "/versions/9.9.9/yank", publisher.apiKey(),
                                      Map.of("reason", "x")).status());
        assertEquals(422, kernel.post(yank, publisher.apiKey(), Map.of()).status());
        assertEquals(422, kernel.post(yank, publisher.apiKey(), Map.of("reason", "r".repeat(501))).status());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMarketplaceRouteIsDocumented() {
        Map<String, Object> document = new Yaml().load(kernel.get("/openapi", null).body());
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        Set<String> undocumented = new TreeSet<>();
        for (ApiRoutes.Route route : kernel.kernel().routes()) {
            if (route.pattern().startsWith("/api/v1/marketplace") || route.pattern().startsWith("/api/v1/tenants/{tenant}/marketplace")) {
                Map<String, Object> operation = (Map<String, Object>) paths.getOrDefault(route.pattern(), Map.of())
                        .get(route.method().text().toLowerCase(Locale.ROOT));
                if (operation == null || !operation.containsKey("summary") || !operation.containsKey("responses")) {
                    undocumented.add(route.method().text() + " " + route.pattern());
                }
            }
        }
        assertTrue(undocumented.isEmpty(), "served without a summary and responses in /openapi: " + undocumented);
    }
}
