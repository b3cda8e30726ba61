package io.voicecore.marketplace.ratings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.testing.ListingFixture.SignedUpPublisher;
import io.voicecore.marketplace.testing.ListingFixture.TenantAdmin;
import io.voicecore.marketplace.testing.ListingFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A rating is accepted exactly when the tenant has the listing installed and gives 1 to 5 stars; and whatever two
 * tenants do, neither sees nor changes the other's rating.
 */
class RatingProperties {
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Instant INSTALLED = Instant.parse("2024-03-01T09:00:00Z");
    static TestKernel kernel;
    static ListingFixture fixture;
    static SignedUpPublisher publisher;

    @BeforeContainer
    static void start() {
        kernel = MarketplaceFixture.kernel(); // shared with the module's other HTTP tests
        fixture = new ListingFixture(kernel);
        publisher = fixture.signUpPublisher("property-plugins");
        fixture.publish(publisher, "prop-notes", "1.0.0");
    }

    private static String own(TenantAdmin tenant, String listing) {
        return "/api/v1/tenants/" + tenant.slug() + "/marketplace/ratings/" + listing;
    }

    @Property(tries = 40)
    void aRatingIsAcceptedExactlyWhenInstalledWithOneToFiveStars(@ForAll boolean installed, @ForAll boolean uninstalledSince,
                                                                 @ForAll @IntRange(min = -1, max = 7) int stars) {
        TenantAdmin tenant = fixture.tenantWithAdmin("accept-" + RUN.incrementAndGet());
        if (installed) {
            fixture.install(tenant.id(), "prop-notes", "1.0.0", INSTALLED);
            if (uninstalledSince) {
                fixture.uninstall(tenant.id(), "prop-notes", "1.0.0", INSTALLED.plusSeconds(30));
            }
        }
        boolean hasIt = installed && !uninstalledSince;
        boolean validStars = stars >= 1 && stars <= 5;

        HttpResult result = kernel.put(own(tenant, "prop-notes"), tenant.apiKey(), Map.of("stars", stars, "text", "stars " + stars));

        int expected = !validStars ? 422 : hasIt ? 201 : 403;
        assertEquals(expected, result.status(), "installed=" + installed + " uninstalled=" + uninstalledSince + " stars=" + stars
                                                + " -> " + result);
        HttpResult read = kernel.get(own(tenant, "prop-notes"), tenant.apiKey());
        assertEquals(expected == 201 ? 200 : 404, read.status(), read.toString());
        if (expected == 201) {
            assertEquals(stars, read.json().get("stars").asInt());
        }
    }

    enum Action { RATE_OWN, DELETE_OWN, READ_OWN, RATE_IN_OTHER, DELETE_IN_OTHER, READ_IN_OTHER, LIST }

    record Step(boolean byA, Action action, int stars) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(Action.class), Arbitraries.integers().between(1, 5))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(20);
    }

    @Property(tries = 20)
    void aTenantNeverSeesOrChangesAnotherTenantsRating(@ForAll("steps") List<Step> steps) {
        int run = RUN.incrementAndGet();
        String listing = "iso-notes-" + run;
        fixture.publish(publisher, listing, "1.0.0");
        TenantAdmin a = fixture.tenantWithAdmin("iso-a-" + run);
        TenantAdmin b = fixture.tenantWithAdmin("iso-b-" + run);
        for (TenantAdmin tenant : List.of(a, b)) {
            fixture.install(tenant.id(), listing, "1.0.0", INSTALLED);
        }
        Map<String, Integer> stars = new HashMap<>();
        for (Step step : steps) {
            TenantAdmin self = step.byA() ? a : b;
            TenantAdmin other = step.byA() ? b : a;
            HttpResult result = switch (step.action()) {
                case RATE_OWN -> kernel.put(own(self, listing), self.apiKey(), Map.of("stars", step.stars()));
                case DELETE_OWN -> kernel.delete(own(self, listing), self.apiKey());
                case READ_OWN -> kernel.get(own(self, listing), self.apiKey());
                case RATE_IN_OTHER -> kernel.put(own(other, listing), self.apiKey(), Map.of("stars", step.stars()));
                case DELETE_IN_OTHER -> kernel.delete(own(other, listing), self.apiKey());
                case READ_IN_OTHER -> kernel.get(own(other, listing), self.apiKey());
                case LIST -> kernel.get("/api/v1/marketplace/listings/" + listing + "/ratings", self.apiKey());
            };
            // A call on the other tenant's path is answered with that path, the slug the caller sent; nothing else of it.
            boolean echoesPath = step.action().name().endsWith("_IN_OTHER");
            assertFalse(result.body().contains(other.id()) || !echoesPath && result.body().contains(other.slug()),
                        step + " shows nothing of the other tenant: " + result);
            switch (step.action()) {
                case RATE_OWN -> {
                    assertEquals(stars.containsKey(self.slug()) ? 200 : 201, result.status(), step + " " + result);
                    stars.put(self.slug(), step.stars());
                }
                case DELETE_OWN -> {
                    assertEquals(204, result.status(), step + " " + result);
                    stars.remove(self.slug());
                }
                case READ_OWN -> {
                    Integer mine = stars.get(self.slug());
                    assertEquals(mine == null ? 404 : 200, result.status(), step + " " + result);
                    if (mine != null) {
                        assertEquals(mine, result.json().get("stars").asInt());
                    }
                }
                case RATE_IN_OTHER, DELETE_IN_OTHER, READ_IN_OTHER -> assertEquals(404, result.status(), step + " " + result);
                case LIST -> {
                    assertEquals(200, result.status(), result.toString());
                    List<Integer> listed = new ArrayList<>();
                    result.json().get("items").forEach(item -> listed.add(item.get("stars").asInt()));
                    assertEquals(stars.values().stream().sorted().toList(), listed.stream().sorted().toList());
                    assertEquals(stars.size(), result.json().get("summary").get("count").asInt());
                }
            }
        }
        // Each tenant's rating is exactly what it did itself, nothing the other attempted.
        for (TenantAdmin tenant : List.of(a, b)) {
            HttpResult mine = kernel.get(own(tenant, listing), tenant.apiKey());
            Integer expected = stars.get(tenant.slug());
            assertEquals(expected == null ? 404 : 200, mine.status(), mine.toString());
            if (expected != null) {
                JsonNode rating = mine.json();
                assertEquals(expected.intValue(), rating.get("stars").asInt());
                assertTrue(rating.get("reply").isNull());
            }
        }
    }
}
