package io.voicecore.marketplace.ratings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.testing.ListingFixture;
import io.voicecore.marketplace.testing.ListingFixture.SignedUpPublisher;
import io.voicecore.marketplace.testing.ListingFixture.TenantAdmin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ratings over HTTP: only from installed tenants, one per tenant, editable, replied to by the publisher, anonymous to others. */
class RatingsApiTest {
    private static final Instant INSTALLED = Instant.parse("2024-02-01T10:00:00Z");
    static TestKernel kernel;
    static ListingFixture fixture;
    static SignedUpPublisher publisher;
    static SignedUpPublisher rival;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        fixture = new ListingFixture(kernel);
        publisher = fixture.signUpPublisher("acme-plugins");
        rival = fixture.signUpPublisher("rival-plugins");
        fixture.publish(publisher, "call-notes", "1.0.0", "1.1.0");
        fixture.publish(rival, "rival-crm", "2.0.0");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static String own(TenantAdmin tenant, String listing) {
        return "/api/v1/tenants/" + tenant.slug() + "/marketplace/ratings/" + listing;
    }

    private static HttpResult rate(TenantAdmin tenant, String listing, Object body) {
        return kernel.put(own(tenant, listing), tenant.apiKey(), body);
    }

    private static String problemType(HttpResult result) {
        assertEquals("application/problem+json", result.contentType(), result.toString());
        return result.json().get("type").asText();
    }

    @Test
    void onlyATenantWithTheListingInstalledMayRateIt() {
        TenantAdmin tenant = fixture.tenantWithAdmin("never-installed");
        HttpResult refused = rate(tenant, "call-notes", Map.of("stars", 5, "text", "Great"));
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("urn:voicecore:problem:rating-needs-install", problemType(refused));
        assertTrue(refused.json().get("detail").asText().contains("call-notes"), refused.toString());

        TenantAdmin gone = fixture.tenantWithAdmin("uninstalled-it");
        fixture.install(gone.id(), "call-notes", "1.0.0", INSTALLED);
        fixture.uninstall(gone.id(), "call-notes", "1.0.0", INSTALLED.plusSeconds(60));
        assertEquals(403, rate(gone, "call-notes", Map.of("stars", 1)).status());

        HttpResult unknown = rate(tenant, "no-such-listing", Map.of("stars", 3));
        assertEquals(404, unknown.status(), unknown.toString());
        assertEquals("urn:voicecore:problem:listing-not-found", problemType(unknown));
    }

    @Test
    void aRatingIsWrittenOnceAndThenEdited() throws InterruptedException {
        TenantAdmin tenant = fixture.tenantWithAdmin("rates-and-edits");
        fixture.install(tenant.id(), "call-notes", "1.0.0", INSTALLED);
        fixture.upgrade(tenant.id(), "call-notes", "1.1.0", INSTALLED.plusSeconds(3600));

        HttpResult created = rate(tenant, "call-notes", Map.of("stars", 4, "text", "  Transcripts are good.  "));
        assertEquals(201, created.status(), created.toString());
        JsonNode first = created.json();
        assertEquals(4, first.get("stars").asInt());
        assertEquals("Transcripts are good.", first.get("text").asText());
        assertEquals("1.1.0", first.get("version").asText(), "the version the tenant runs");
        assertTrue(first.get("reply").isNull());
        assertFalse(created.body().contains(tenant.id()), "the rating never carries its tenant: " + created.body());

        Thread.sleep(5);
        HttpResult edited = rate(tenant, "call-notes", Map.of("stars", 2));
        assertEquals(200, edited.status(), edited.toString());
        assertEquals(first.get("id").asText(), edited.json().get("id").asText(), "one rating per tenant and listing");
        assertEquals(2, edited.json().get("stars").asInt());
        assertEquals("", edited.json().get("text").asText());
        assertEquals(first.get("createdAt").asText(), edited.json().get("createdAt").asText());
        assertNotEquals(first.get("updatedAt").asText(), edited.json().get("updatedAt").asText());

        HttpResult read = kernel.get(own(tenant, "call-notes"), tenant.apiKey());
        assertEquals(200, read.status());
        assertEquals(2, read.json().get("stars").asInt());
        assertEquals(List.of("marketplace.rating.put", "marketplace.rating.put"), fixture.auditActions(tenant.id(), "rating:%"));
    }

    @Test
    void starsAndTextAreValidated() {
        TenantAdmin tenant = fixture.tenantWithAdmin("validated");
        fixture.install(tenant.id(), "call-notes", "1.0.0", INSTALLED);
        for (Object body : List.<Object>of(Map.of("stars", 0), Map.of("stars", 6), Map.of("stars", "5"), Map.of("stars", 4.5),
                                           Map.of("text", "no stars"), Map.of("stars", 3, "text", "x".repeat(2001)),
                                           Map.of("stars", 3, "colour", "blue"))) {
            HttpResult refused = rate(tenant, "call-notes", body);
            assertEquals(422, refused.status(), body + " -> " + refused);
        }
        HttpResult tooLong = rate(tenant, "call-notes", Map.of("stars", 3, "text", "x".repeat(2001)));
        assertTrue(tooLong.body().contains("2000"), tooLong.toString());
        assertEquals(201, rate(tenant, "call-notes", Map.of("stars", 3, "text", "x".repeat(2000))).status());
        // The refused attempts left nothing behind.
        assertEquals(3, kernel.get(own(tenant, "call-notes"), tenant.apiKey()).json().get("stars").asInt());
    }

    @Test
    void onlyATenantAdminRates() {
        TenantAdmin tenant = fixture.tenantWithAdmin("has-users");
        fixture.install(tenant.id(), "call-notes", "1.0.0", INSTALLED);
        String userKey = kernel.createApiKey(tenant.slug(), "tenant-user");
        HttpResult refused = kernel.put(own(tenant, "call-notes"), userKey, Map.of("stars", 5));
        assertEquals(403, refused.status(), refused.toString());

        TenantAdmin other = fixture.tenantWithAdmin("not-yours");
        HttpResult elsewhere = kernel.put(own(tenant, "call-notes"), other.apiKey(), Map.of("stars", 1));
        assertEquals(404, elsewhere.status(), "another tenant's path answers as a tenant that does not exist: " + elsewhere);
        assertEquals(404, kernel.delete(own(tenant, "call-notes"), other.apiKey()).status());
    }

    @Test
    void aListingsRatingsArePagedNewestFirstWithTheirSummaryAndNoTenant() {
        SignedUpPublisher quiet = fixture.signUpPublisher("quiet-plugins");
        fixture.publish(quiet, "paged-notes", "1.0.0");
        List<TenantAdmin> raters = new ArrayList<>();
        int[] stars = {5, 4, 4};
        for (int i = 0; i < stars.length; i++) {
            TenantAdmin tenant = fixture.tenantWithAdmin("pager-" + i);
            fixture.install(tenant.id(), "paged-notes", "1.0.0", INSTALLED);
            assertEquals(201, rate(tenant, "paged-notes", Map.of("stars", stars[i], "text", "review " + i)).status());
            raters.add(tenant);
        }
        TenantAdmin reader = fixture.tenantWithAdmin("just-reading");

        List<String> texts = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            HttpResult page = kernel.get("/api/v1/marketplace/listings/paged-notes/ratings?limit=2"
                                         + (next == null ? "" : "&cursor=" + next), reader.apiKey());
            assertEquals(200, page.status(), page.toString());
            for (TenantAdmin rater : raters) {
                assertFalse(page.body().contains(rater.id()) || page.body().contains(rater.slug()), page.body());
            }
            JsonNode summary = page.json().get("summary");
            assertEquals(4.3, summary.get("average").asDouble());
            assertEquals(3, summary.get("count").asInt());
            assertEquals(0, summary.get("histogram").get("1").asInt());
            assertEquals(2, summary.get("histogram").get("4").asInt());
            assertEquals(1, summary.get("histogram").get("5").asInt());
            page.json().get("items").forEach(item -> {
                assertEquals(List.of("id", "listing", "stars", "text", "version", "createdAt", "updatedAt", "reply"),
                             fieldNames(item));
                texts.add(item.get("text").asText());
            });
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        } while (next != null);
        assertEquals(2, pages);
        assertEquals(List.of("review 2", "review 1", "review 0"), texts);

        // Anyone signed in may read them, a publisher too; nobody without credentials.
        assertEquals(200, kernel.get("/api/v1/marketplace/listings/paged-notes/ratings", rival.apiKey()).status());
        assertEquals(401, kernel.get("/api/v1/marketplace/listings/paged-notes/ratings", null).status());
        assertEquals(404, kernel.get("/api/v1/marketplace/listings/nothing-here/ratings", reader.apiKey()).status());
        HttpResult none = kernel.get("/api/v1/marketplace/listings/rival-crm/ratings", reader.apiKey());
        assertTrue(none.json().get("summary").get("average").isNull(), none.toString());
        assertEquals(0, none.json().get("summary").get("count").asInt());
    }

    @Test
    void thePublisherRepliesOnceAndMayRewriteItsReply() throws InterruptedException {
        TenantAdmin tenant = fixture.tenantWithAdmin("gets-a-reply");
        fixture.install(tenant.id(), "call-notes", "1.0.0", INSTALLED);
        String ratingId = rate(tenant, "call-notes", Map.of("stars", 2, "text", "Misses names")).json().get("id").asText();
        String reply = "/api/v1/marketplace/publishers/acme-plugins/ratings/" + ratingId + "/reply";

        HttpResult replied = kernel.put(reply, publisher.apiKey(), Map.of("text", "Fixed in 1.1.0"));
        assertEquals(200, replied.status(), replied.toString());
        assertEquals("Fixed in 1.1.0", replied.json().get("reply").get("text").asText());
        String firstReplyAt = replied.json().get("reply").get("repliedAt").asText();
        Thread.sleep(5);
        HttpResult rewritten = kernel.put(reply, publisher.apiKey(), Map.of("text", "Fixed in 1.1.0; please try it"));
        assertEquals("Fixed in 1.1.0; please try it", rewritten.json().get("reply").get("text").asText());
        assertNotEquals(firstReplyAt, rewritten.json().get("reply").get("repliedAt").asText());
        assertFalse(rewritten.body().contains(tenant.id()), rewritten.body());

        // The tenant sees the reply; editing the rating keeps it.
        HttpResult edited = rate(tenant, "call-notes", Map.of("stars", 4, "text", "Better now"));
        assertEquals("Fixed in 1.1.0; please try it", edited.json().get("reply").get("text").asText());

        assertEquals(404, kernel.put("/api/v1/marketplace/publishers/rival-plugins/ratings/" + ratingId + "/reply", rival.apiKey(),
                                     Map.of("text", "Try ours")).status(), "not a rating of the rival's listings");
        assertEquals(404, kernel.put(reply, rival.apiKey(), Map.of("text", "Try ours")).status(), "not the rival's publisher");
        assertEquals(404, kernel.put(reply, tenant.apiKey(), Map.of("text", "Thanks")).status(), "a tenant is no publisher");
        assertEquals(404, kernel.put("/api/v1/marketplace/publishers/acme-plugins/ratings/not-an-id/reply", publisher.apiKey(),
                                     Map.of("text", "x")).status());
        assertEquals(422, kernel.put(reply, publisher.apiKey(), Map.of("text", " ")).status());
        assertEquals(422, kernel.put(reply, publisher.apiKey(), Map.of("text", "y".repeat(2001))).status());
        assertEquals(200, kernel.put(reply, kernel.adminToken(), Map.of("text", "From the platform")).status());
        assertEquals(java.util.Collections.nCopies(3, "marketplace.rating.reply"), fixture.auditActions(null, "rating:" + ratingId));
    }

    @Test
    void aTenantWithdrawsItsRating() {
        TenantAdmin tenant = fixture.tenantWithAdmin("withdraws");
        fixture.install(tenant.id(), "call-notes", "1.0.0", INSTALLED);
        String ratingId = rate(tenant, "call-notes", Map.of("stars", 1)).json().get("id").asText();
        assertEquals(204, kernel.delete(own(tenant, "call-notes"), tenant.apiKey()).status());
        assertEquals(404, kernel.get(own(tenant, "call-notes"), tenant.apiKey()).status());
        assertFalse(kernel.get("/api/v1/marketplace/listings/call-notes/ratings?limit=500", tenant.apiKey()).body().contains(ratingId));
        assertEquals(204, kernel.delete(own(tenant, "call-notes"), tenant.apiKey()).status(), "withdrawing twice is harmless");
        assertEquals(List.of("marketplace.rating.put", "marketplace.rating.delete"), fixture.auditActions(tenant.id(), "rating:%"));
        // Rated again, it is a new rating.
        assertEquals(201, rate(tenant, "call-notes", Map.of("stars", 5)).status());
    }

    @Test
    void summariesOfManyListingsInOneCall() {
        SignedUpPublisher summarised = fixture.signUpPublisher("summarised");
        fixture.publish(summarised, "sum-a", "1.0.0");
        fixture.publish(summarised, "sum-b", "1.0.0");
        int[] stars = {5, 4, 4};
        for (int i = 0; i < stars.length; i++) {
            TenantAdmin tenant = fixture.tenantWithAdmin("summary-" + i);
            fixture.install(tenant.id(), "sum-a", "1.0.0", INSTALLED);
            assertEquals(201, rate(tenant, "sum-a", Map.of("stars", stars[i])).status());
        }
        KernelServices services = kernel.kernel().services();
        Ratings ratings = new Ratings(services.database(), services.audit(), Clock.systemUTC());
        Map<String, RatingSummary> summaries = ratings.summaries(List.of("sum-a", "sum-b", "not-listed"));
        assertEquals(List.of("sum-a", "sum-b", "not-listed"), List.copyOf(summaries.keySet()));
        assertEquals(new RatingSummary(3, 4.3, List.of(0L, 0L, 0L, 2L, 1L)), summaries.get("sum-a"));
        assertEquals(RatingSummary.NONE, summaries.get("sum-b"));
        assertEquals(RatingSummary.NONE, summaries.get("not-listed"));
        assertEquals(summaries.get("sum-a"), ratings.summary("sum-a"));
        assertTrue(ratings.summaries(List.of()).isEmpty());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
