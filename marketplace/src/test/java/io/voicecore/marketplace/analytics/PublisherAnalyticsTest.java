package io.voicecore.marketplace.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import io.voicecore.marketplace.SettableClock;
import io.voicecore.marketplace.testing.ListingFixture.SignedUpPublisher;
import io.voicecore.marketplace.testing.ListingFixture.TenantAdmin;
import io.voicecore.marketplace.testing.ListingFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analytics over HTTP from an install history across days and versions, checked number by number:
 *
 * <pre>
 * 04-20 10:00  t0 installs 1.0.0            05-03 08:00  t2 uninstalls 1.0.0
 * 05-01 10:00  t1 installs 1.0.0            05-03 09:00  t4 installs 1.1.0
 * 05-01 23:59:59 t2 installs 1.0.0          05-03 18:00  t4 uninstalls 1.1.0
 * 05-02 00:00  t3 installs 1.0.0            05-04 10:00  t2 installs 1.1.0 (again)
 * 05-02 12:00  t1 upgrades to 1.1.0         05-05 09:00  t0 uninstalls 1.0.0
 * ratings: 05-01 12:00 t1 gives 5; 05-02 13:00 t3 gives 2; 05-03 10:00 t1 changes to 4
 * </pre>
 */
class PublisherAnalyticsTest {
    private static final String ANALYTICS = "/api/v1/marketplace/publishers/stats-publisher/analytics";
    static final SettableClock CLOCK = new SettableClock(Instant.parse("2024-05-10T15:00:00Z"));
    static TestKernel kernel;
    static ListingFixture fixture;
    static SignedUpPublisher publisher;
    static SignedUpPublisher rival;
    static TenantAdmin t1;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().extensions(List.of(new MarketplaceExtension(MarketplaceSettings.defaults().withClock(CLOCK))))
                .start();
        fixture = new ListingFixture(kernel);
        publisher = fixture.signUpPublisher("stats-publisher");
        rival = fixture.signUpPublisher("stats-rival");
        fixture.publish(publisher, "usage-stats", "1.0.0", "1.1.0");
        fixture.publish(rival, "rival-stats", "1.0.0");
        String t0 = UUID.randomUUID().toString();
        t1 = fixture.tenantWithAdmin("stats-t1");
        String t2 = UUID.randomUUID().toString();
        TenantAdmin t3 = fixture.tenantWithAdmin("stats-t3");
        String t4 = UUID.randomUUID().toString();
        fixture.install(t0, "usage-stats", "1.0.0", at("2024-04-20T10:00:00"));
        fixture.install(t1.id(), "usage-stats", "1.0.0", at("2024-05-01T10:00:00"));
        fixture.install(t2, "usage-stats", "1.0.0", at("2024-05-01T23:59:59"));
        fixture.install(t3.id(), "usage-stats", "1.0.0", at("2024-05-02T00:00:00"));
        fixture.upgrade(t1.id(), "usage-stats", "1.1.0", at("2024-05-02T12:00:00"));
        fixture.uninstall(t2, "usage-stats", "1.0.0", at("2024-05-03T08:00:00"));
        fixture.install(t4, "usage-stats", "1.1.0", at("2024-05-03T09:00:00"));
        fixture.uninstall(t4, "usage-stats", "1.1.0", at("2024-05-03T18:00:00"));
        fixture.install(t2, "usage-stats", "1.1.0", at("2024-05-04T10:00:00"));
        fixture.uninstall(t0, "usage-stats", "1.0.0", at("2024-05-05T09:00:00"));
        // Another listing's history counts for that listing only.
        fixture.install(t3.id(), "rival-stats", "1.0.0", at("2024-05-01T11:00:00"));

        rate(t1, 5, "2024-05-01T12:00:00");
        rate(t3, 2, "2024-05-02T13:00:00");
        rate(t1, 4, "2024-05-03T10:00:00");
        CLOCK.set(Instant.parse("2024-05-10T15:00:00Z"));
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static Instant at(String utc) {
        return Instant.parse(utc + "Z");
    }

    private static void rate(TenantAdmin tenant, int stars, String when) {
        CLOCK.set(at(when));
        HttpResult rated = kernel.put("/api/v1/tenants/" + tenant.slug() + "/marketplace/ratings/usage-stats", tenant.apiKey(),
                                      Map.of("stars", stars));
        assertTrue(rated.status() == 200 || rated.status() == 201, rated.toString());
    }

    /** installs, upgrades, uninstalls, activeTenants. */
    private static List<Long> activity(JsonNode node) {
        return List.of(node.get("installs").asLong(), node.get("upgrades").asLong(), node.get("uninstalls").asLong(),
                       node.get("activeTenants").asLong());
    }

    private static Map<String, List<Long>> versions(JsonNode node) {
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        node.get("versions").fields().forEachRemaining(e -> versions.put(e.getKey(), activity(e.getValue())));
        return versions;
    }

    private static String rating(JsonNode node) {
        JsonNode rating = node.get("rating");
        return rating.get("count").asInt() + "@" + (rating.get("average").isNull() ? "-" : rating.get("average").asText());
    }

    @Test
    void countsEachDayAndVersionFromTheInstallHistory() {
        HttpResult result = kernel.get(ANALYTICS + "?listing=usage-stats&from=2024-05-01&to=2024-05-04", publisher.apiKey());
        assertEquals(200, result.status(), result.toString());
        JsonNode report = result.json();
        assertEquals("usage-stats", report.get("listing").asText());
        assertEquals("2024-05-01", report.get("from").asText());
        assertEquals("2024-05-04", report.get("to").asText());
        JsonNode days = report.get("days");
        assertEquals(4, days.size());

        List<String> dates = new ArrayList<>();
        days.forEach(day -> dates.add(day.get("date").asText()));
        assertEquals(List.of("2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"), dates);

        assertEquals(List.of(2L, 0L, 0L, 3L), activity(days.get(0)));
        assertEquals(Map.of("1.0.0", List.of(2L, 0L, 0L, 3L)), versions(days.get(0)));
        assertEquals(List.of(1L, 1L, 0L, 4L), activity(days.get(1)));
        assertEquals(Map.of("1.0.0", List.of(1L, 0L, 0L, 3L), "1.1.0", List.of(0L, 1L, 0L, 1L)), versions(days.get(1)));
        assertEquals(List.of(1L, 0L, 2L, 3L), activity(days.get(2)));
        assertEquals(Map.of("1.0.0", List.of(0L, 0L, 1L, 2L), "1.1.0", List.of(1L, 0L, 1L, 1L)), versions(days.get(2)));
        assertEquals(List.of(1L, 0L, 0L, 4L), activity(days.get(3)));
        assertEquals(Map.of("1.0.0", List.of(0L, 0L, 0L, 2L), "1.1.0", List.of(1L, 0L, 0L, 2L)), versions(days.get(3)));

        // A rating counts from when it was last written: t1's 5 of 05-01 became a 4 on 05-03.
        assertEquals(List.of("0@-", "1@2.0", "2@3.0", "2@3.0"), List.of(rating(days.get(0)), rating(days.get(1)),
                                                                       rating(days.get(2)), rating(days.get(3))));

        JsonNode totals = report.get("totals");
        assertEquals(List.of(5L, 1L, 2L, 4L), activity(totals));
        assertEquals(Map.of("1.0.0", List.of(3L, 0L, 1L, 2L), "1.1.0", List.of(2L, 1L, 1L, 2L)), versions(totals));
        assertEquals("2@3.0", rating(totals));
    }

    @Test
    void theLast30DaysUpToTodayUnlessToldOtherwise() {
        HttpResult result = kernel.get(ANALYTICS + "?listing=usage-stats", publisher.apiKey());
        assertEquals(200, result.status(), result.toString());
        JsonNode report = result.json();
        assertEquals("2024-04-11", report.get("from").asText());
        assertEquals("2024-05-10", report.get("to").asText());
        JsonNode days = report.get("days");
        assertEquals(30, days.size());
        assertEquals(List.of(0L, 0L, 0L, 0L), activity(days.get(8)), "04-19: nobody yet");
        assertEquals(List.of(1L, 0L, 0L, 1L), activity(days.get(9)), "04-20: t0 installs");
        assertEquals(List.of(0L, 0L, 0L, 1L), activity(days.get(10)), "04-21: t0 stays");
        assertEquals("2024-05-05", days.get(24).get("date").asText());
        assertEquals(List.of(0L, 0L, 1L, 3L), activity(days.get(24)), "05-05: t0 uninstalls");
        assertEquals(Map.of("1.0.0", List.of(0L, 0L, 1L, 1L), "1.1.0", List.of(0L, 0L, 0L, 2L)), versions(days.get(24)));
        assertEquals(List.of(6L, 1L, 3L, 3L), activity(report.get("totals")));
    }

    @Test
    void thePlatformAdminMayReadItTooButNoOtherPublisherOrTenant() {
        String query = "?listing=usage-stats&from=2024-05-01&to=2024-05-01";
        assertEquals(200, kernel.get(ANALYTICS + query, kernel.adminToken()).status());
        HttpResult rivalKey = kernel.get(ANALYTICS + query, rival.apiKey());
        assertEquals(404, rivalKey.status());
        assertEquals("urn:voicecore:problem:publisher-not-found", rivalKey.json().get("type").asText());
        HttpResult notTheirs = kernel.get("/api/v1/marketplace/publishers/stats-rival/analytics" + query, rival.apiKey());
        assertEquals(404, notTheirs.status());
        assertEquals("urn:voicecore:problem:listing-not-found", notTheirs.json().get("type").asText());
        assertEquals(404, kernel.get(ANALYTICS + query, t1.apiKey()).status());
        assertEquals(401, kernel.get(ANALYTICS + query, null).status());
        // The rival's own listing counts only its own history.
        HttpResult own = kernel.get("/api/v1/marketplace/publishers/stats-rival/analytics?listing=rival-stats&from=2024-05-01&to=2024-05-01",
                                    rival.apiKey());
        assertEquals(List.of(1L, 0L, 0L, 1L), activity(own.json().get("totals")));
    }

    @Test
    void aPeriodIsOneTo366Days() {
        assertEquals(366, kernel.get(ANALYTICS + "?listing=usage-stats&from=2024-01-01&to=2024-12-31", publisher.apiKey())
                .json().get("days").size());
        for (String query : List.of("?listing=usage-stats&from=2024-01-01&to=2025-01-01", "?listing=usage-stats&from=2024-05-02&to=2024-05-01",
                                    "?listing=usage-stats&from=yesterday", "?listing=usage-stats&to=2024-13-01", "?from=2024-05-01")) {
            HttpResult refused = kernel.get(ANALYTICS + query, publisher.apiKey());
            assertEquals(400, refused.status(), query + " -> " + refused);
            assertEquals("application/problem+json", refused.contentType());
        }
    }
}
