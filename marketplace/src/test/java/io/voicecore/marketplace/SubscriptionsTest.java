package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.GRACE;
import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.install;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.pluginJar;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.stripe;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static io.voicecore.marketplace.PaidPluginTest.assertBalanced;
import static io.voicecore.marketplace.PaidPluginTest.purchase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.commerce.Subscriptions;
import io.voicecore.standins.stripe.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions after their purchase, over HTTP with the Stripe stand-in and the marketplace's clock moved: renewals
 * charged once per period off session, dunning on days 1, 3 and 7 then the lapse into the grace period, a new card that
 * recovers a failed renewal, seats changed with proration, trials that convert, cancellation and uninstalls.
 */
class SubscriptionsTest {
    static MarketplaceFixture.Publisher publisher;

    @BeforeAll
    static void publishAndPrice() {
        publisher = publisher("renewing-works", "renew");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, pluginJar("desk-seats", "1.0.0", List.of(), List.of("GET /licence"), "", """
                setup.route(HttpMethod.GET, "/licence", (request, context) -> Response.ok(context.licence()
                        .map(licence -> Json.object().put("plan", licence.plan()).put("trial", licence.trial())
                                .put("seats", licence.seats().orElse(-1)).put("inGrace", licence.inGrace()).build())
                        .orElse(Json.object().put("plan", "none").build())));
                """, null)));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        HttpResult plans = kernel().put(publisher.path() + "/listings/desk-seats", publisher.apiKey(), Map.of("category", "productivity",
                "plans", List.of(Map.of("id", "monthly", "kind", "subscription", "interval", "month", "amount", 1900, "currency", "EUR"),
                                 Map.of("id", "seats", "kind", "per-seat", "interval", "month", "amount", 1000, "currency", "EUR"),
                                 Map.of("id", "tried", "kind", "subscription", "interval", "month", "amount", 2500, "currency", "EUR",
                                        "trialDays", 14),
                                 Map.of("id", "trial", "kind", "trial", "trialDays", 7))));
        assertEquals(200, plans.status(), plans.body());
    }

    @Test
    void aMonthlySubscriptionRenewsOncePerPeriodOffSessionAndTheLedgerBalances() {
        String key = tenantAdmin("renew-co");
        HttpResult bought = buy("renew-co", key, "monthly", "pm_card_visa");
        assertEquals(201, bought.status(), bought.body());
        JsonNode sub = subscription("renew-co", key, bought);
        assertEquals("active", sub.get("state").asText());
        Instant periodEnd = Instant.parse(sub.get("currentPeriodEnd").asText());
        assertEquals(Subscriptions.periodEnd(Instant.parse(sub.get("currentPeriodStart").asText()), "month"), periodEnd);
        assertEquals(bought.json().get("licence").get("expiresAt").asText(), sub.get("currentPeriodEnd").asText(),
                     "the licence runs to the period's end");

        assertEquals("not-due", renewOnce(sub), "nothing is charged before the period ends");
        CLOCK.set(max(CLOCK.instant(), periodEnd.plusSeconds(60)));
        assertEquals("renewed", renewOnce(sub));
        assertEquals("not-due", renewOnce(sub), "one charge per period, however often the job runs");
        JsonNode renewed = subscription("renew-co", key, bought);
        assertEquals(periodEnd.toString(), renewed.get("currentPeriodStart").asText());
        assertEquals(Subscriptions.periodEnd(periodEnd, "month").toString(), renewed.get("currentPeriodEnd").asText());
        List<RecordedRequest> charges = charges(sub.get("id").asText());
        assertEquals(1, charges.size(), "the renewal charged once");
        assertEquals("true", charges.getFirst().params().path("off_session").asText(), charges.getFirst().params().toString());
        assertTrue(charges.getFirst().params().path("customer").asText().startsWith("cus_"),
                   "charged to the saved customer: " + charges.getFirst().params());
        assertEquals(200, kernel().get("/api/v1/tenants/renew-co/desk-seats/licence", key).status(), "the plugin serves on");
        JsonNode install = kernel().get("/api/v1/tenants/renew-co/marketplace/installs/desk-seats", key).json();
        assertEquals(renewed.get("currentPeriodEnd").asText(), install.get("licence").get("expiresAt").asText(), install.toString());
        assertBalanced();
    }

    @Test
    void aDeclinedRenewalIsRetriedOnDays137ThenLapsesIntoTheGracePeriod() {
        String key = tenantAdmin("dunning-co");
        HttpResult bought = buy("dunning-co", key, "monthly", "pm_card_visa");
        assertEquals(201, bought.status(), bought.body());
        JsonNode sub = subscription("dunning-co", key, bought);
        assertEquals(200, paymentMethod("dunning-co", key, sub, "pm_card_chargeCustomerFail").status());
        Instant periodEnd = Instant.parse(sub.get("currentPeriodEnd").asText());

        CLOCK.set(max(CLOCK.instant(), periodEnd.plusSeconds(60)));
        assertEquals("failed", renewOnce(sub));
        JsonNode pastDue = subscription("dunning-co", key, bought);
        assertEquals("past-due", pastDue.get("state").asText());
        assertEquals(periodEnd.plus(Duration.ofDays(1)).toString(), pastDue.get("nextAttemptAt").asText());
        assertEquals("not-due", renewOnce(sub), "not tried again before day 1");
        assertFalse(kernel().get("/api/v1/tenants/dunning-co/desk-seats/licence", key).json().get("inGrace").asBoolean(),
                    "the tenant keeps the plugin while the renewal is retried");
        for (int day : List.of(1, 3)) {
            CLOCK.set(max(CLOCK.instant(), periodEnd.plus(Duration.ofDays(day)).plusSeconds(60)));
            assertEquals("failed", renewOnce(sub), "day " + day);
        }
        assertEquals(periodEnd.plus(Duration.ofDays(7)).toString(), subscription("dunning-co", key, bought).get("nextAttemptAt").asText());
        CLOCK.set(max(CLOCK.instant(), periodEnd.plus(Duration.ofDays(7)).plusSeconds(60)));
        assertEquals("lapsed", renewOnce(sub), "the day-7 attempt is the last");
        JsonNode lapsed = subscription("dunning-co", key, bought);
        assertEquals("lapsed", lapsed.get("state").asText());
        assertEquals(4, lapsed.get("failedAttempts").asInt(), "the first attempt and three retries");
        assertEquals(4, charges(sub.get("id").asText()).size());
        HttpResult inGrace = kernel().get("/api/v1/tenants/dunning-co/desk-seats/licence", key);
        assertEquals(200, inGrace.status(), inGrace.body());
        assertTrue(inGrace.json().get("inGrace").asBoolean(), "lapsed into the grace period: " + inGrace.body());
        CLOCK.set(max(CLOCK.instant(), periodEnd.plus(Duration.ofDays(7)).plus(GRACE).plusSeconds(60)));
        HttpResult expired = kernel().get("/api/v1/tenants/dunning-co/desk-seats/licence", key);
        assertEquals(402, expired.status(), expired.body());
        assertTrue(expired.body().contains("license-expired"), expired.body());
        assertEquals("not-due", renewOnce(sub), "a lapsed subscription is not charged again");
        assertBalanced();
    }

    @Test
    void aNewCardRecoversAFailedRenewalAtOnceAndThePeriodKeepsItsAnchor() {
        String key = tenantAdmin("recover-co");
        HttpResult bought = buy("recover-co", key, "monthly", "pm_card_visa");
        JsonNode sub = subscription("recover-co", key, bought);
        paymentMethod("recover-co", key, sub, "pm_card_chargeCustomerFail");
        Instant periodEnd = Instant.parse(sub.get("currentPeriodEnd").asText());
        CLOCK.set(max(CLOCK.instant(), periodEnd.plusSeconds(60)));
        assertEquals("failed", renewOnce(sub));

        HttpResult recovered = paymentMethod("recover-co", key, sub, "pm_card_mastercard");
        assertEquals(200, recovered.status(), recovered.body());
        assertEquals("active", recovered.json().get("state").asText(), "the new card is charged at once: " + recovered.body());
        assertEquals(0, recovered.json().get("failedAttempts").asInt());
        assertEquals(periodEnd.toString(), recovered.json().get("currentPeriodStart").asText(), "the period does not shift");
        assertEquals(2, charges(sub.get("id").asText()).size(), "one declined attempt, one paid");
        assertBalanced();
    }

    @Test
    void seatsAddedAreChargedProRataOnceAndSeatsRemovedAreCreditedToTheNextRenewal() {
        String key = tenantAdmin("seats-co");
        HttpResult bought = purchase("seats-co", key, UUID.randomUUID().toString(), Map.of("listing", "desk-seats", "plan", "seats",
                "paymentMethod", "pm_card_visa", "grantedPermissions", List.of(), "seats", 3));
        assertEquals(201, bought.status(), bought.body());
        assertEquals(3000, bought.json().get("amount").asLong(), "three seats at 10.00");
        JsonNode sub = subscription("seats-co", key, bought);
        assertEquals(3, kernel().get("/api/v1/tenants/seats-co/desk-seats/licence", key).json().get("seats").asInt());
        Instant start = Instant.parse(sub.get("currentPeriodStart").asText());
        Instant end = Instant.parse(sub.get("currentPeriodEnd").asText());
        long length = Duration.between(start, end).toSeconds();
        CLOCK.set(max(CLOCK.instant(), start.plusSeconds(length / 2)));
        long remaining = Duration.between(CLOCK.instant(), end).toSeconds();

        HttpResult added = seats("seats-co", key, sub, 5, "add-two");
        assertEquals(200, added.status(), added.body());
        long expected = 1000L * 2 * remaining / length;
        assertEquals(expected, added.json().get("charged").asLong(), "two seats for what is left of the period, rounded down");
        assertEquals(0, added.json().get("credited").asLong());
        JsonNode split = added.json().get("split");
        assertEquals(expected, split.get("fee").asLong() + split.get("developer").asLong() + split.get("reseller").asLong()
                               + split.get("platform").asLong(), split.toString());
        HttpResult again = seats("seats-co", key, sub, 5, "add-two");
        assertEquals(added.json(), again.json(), "a repeat answers the same");
        assertEquals(1, charges(sub.get("id").asText()).size(), "and charges once");
        assertEquals(5, kernel().get("/api/v1/tenants/seats-co/desk-seats/licence", key).json().get("seats").asInt(),
                     "the licence carries the new seats at once");
        assertEquals(422, seats("seats-co", key, sub, 6, "add-two").status(), "a key used for another change is refused");

        CLOCK.advance(Duration.ofSeconds(3600));
        long left = Duration.between(CLOCK.instant(), end).toSeconds();
        HttpResult removed = seats("seats-co", key, sub, 2, "drop-three");
        assertEquals(200, removed.status(), removed.body());
        long credit = 1000L * 3 * left / length;
        assertEquals(credit, removed.json().get("credited").asLong());
        assertEquals(0, removed.json().get("charged").asLong());
        assertEquals(credit, subscription("seats-co", key, bought).get("credit").asLong());
        assertEquals(1, charges(sub.get("id").asText()).size(), "removing seats charges nothing");

        CLOCK.set(max(CLOCK.instant(), end.plusSeconds(60)));
        assertEquals("renewed", renewOnce(sub));
        List<RecordedRequest> charges = charges(sub.get("id").asText());
        assertEquals(2, charges.size());
        assertEquals(2000 - credit, charges.getLast().params().path("amount").asLong(), "two seats less the credit");
        assertEquals(0, subscription("seats-co", key, bought).get("credit").asLong(), "the credit is used up");
        assertBalanced();
    }

    @Test
    void aTrialChargesNothingThenConvertsAtItsEnd() {
        String key = tenantAdmin("trying-co");
        HttpResult bought = buy("trying-co", key, "tried", "pm_card_visa");
        assertEquals(201, bought.status(), bought.body());
        assertTrue(bought.json().get("split").isNull(), "nothing is charged for the trial: " + bought.body());
        assertTrue(bought.json().get("licence").get("trial").asBoolean());
        JsonNode sub = subscription("trying-co", key, bought);
        assertTrue(sub.get("trial").asBoolean());
        assertEquals(0, charges(sub.get("id").asText()).size());
        assertEquals(0, stripe().requests().stream().filter(r -> r.path().equals("/v1/payment_intents")
                && r.params().path("metadata").path("purchase").asText().equals(bought.json().get("id").asText())).count(),
                "no payment at purchase");
        assertTrue(kernel().get("/api/v1/tenants/trying-co/desk-seats/licence", key).json().get("trial").asBoolean());

        Instant trialEnd = Instant.parse(sub.get("currentPeriodEnd").asText());
        CLOCK.set(max(CLOCK.instant(), trialEnd.plusSeconds(60)));
        assertEquals("renewed", renewOnce(sub));
        JsonNode converted = subscription("trying-co", key, bought);
        assertFalse(converted.get("trial").asBoolean());
        assertEquals(1, charges(sub.get("id").asText()).size());
        assertEquals(2500, charges(sub.get("id").asText()).getFirst().params().path("amount").asLong());
        assertFalse(kernel().get("/api/v1/tenants/trying-co/desk-seats/licence", key).json().get("trial").asBoolean(),
                    "the licence is the paid one");
        assertBalanced();
    }

    @Test
    void aTenantOnATrialPlanConvertsByBuyingAPaidPlan() {
        String key = tenantAdmin("convert-co");
        assertEquals(201, install("convert-co", key, "desk-seats", "trial", List.of()).status());
        assertTrue(kernel().get("/api/v1/tenants/convert-co/desk-seats/licence", key).json().get("trial").asBoolean());
        HttpResult declined = buy("convert-co", key, "monthly", "pm_card_chargeDeclined");
        assertEquals(402, declined.status(), declined.body());
        assertEquals(200, kernel().get("/api/v1/tenants/convert-co/desk-seats/licence", key).status(),
                     "a declined conversion leaves the trial as it was");
        HttpResult converted = buy("convert-co", key, "monthly", "pm_card_visa");
        assertEquals(201, converted.status(), converted.body());
        JsonNode licence = kernel().get("/api/v1/tenants/convert-co/desk-seats/licence", key).json();
        assertEquals("monthly", licence.get("plan").asText());
        assertFalse(licence.get("trial").asBoolean());
        assertBalanced();
    }

    @Test
    void aCancelledSubscriptionEndsAtItsPeriodsEndAndAnUninstalledOneIsNotCharged() {
        String key = tenantAdmin("cancel-co");
        HttpResult bought = buy("cancel-co", key, "monthly", "pm_card_visa");
        JsonNode sub = subscription("cancel-co", key, bought);
        HttpResult cancelled = kernel().post("/api/v1/tenants/cancel-co/marketplace/subscriptions/" + sub.get("id").asText() + "/cancel",
                                             key, Map.of());
        assertEquals(200, cancelled.status(), cancelled.body());
        assertTrue(cancelled.json().get("cancelAtPeriodEnd").asBoolean());
        assertEquals("active", cancelled.json().get("state").asText(), "it serves to the period's end");

        String other = tenantAdmin("uninstall-co");
        HttpResult second = buy("uninstall-co", other, "monthly", "pm_card_visa");
        JsonNode secondSub = subscription("uninstall-co", other, second);
        assertEquals(204, kernel().delete("/api/v1/tenants/uninstall-co/marketplace/installs/desk-seats", other).status());
        assertTrue(subscription("uninstall-co", other, second).get("cancelAtPeriodEnd").asBoolean(), "uninstalling ends the subscription");

        Instant end = Instant.parse(secondSub.get("currentPeriodEnd").asText()).isAfter(Instant.parse(sub.get("currentPeriodEnd").asText()))
                      ? Instant.parse(secondSub.get("currentPeriodEnd").asText()) : Instant.parse(sub.get("currentPeriodEnd").asText());
        CLOCK.set(max(CLOCK.instant(), end.plusSeconds(60)));
        assertEquals("ended", renewOnce(sub));
        assertEquals("ended", renewOnce(secondSub));
        assertEquals("cancelled", subscription("cancel-co", key, bought).get("state").asText());
        assertEquals("cancelled", subscription("uninstall-co", other, second).get("state").asText());
        assertEquals(0, charges(sub.get("id").asText()).size() + charges(secondSub.get("id").asText()).size(), "nothing charged");
        assertEquals(409, kernel().post("/api/v1/tenants/cancel-co/marketplace/subscriptions/" + sub.get("id").asText() + "/cancel",
                                        key, Map.of()).status(), "an ended subscription cannot be cancelled again");
    }

    @Test
    void badRequestsAreProblemsAndAnotherTenantsSubscriptionIsNotFound() {
        String key = tenantAdmin("bad-seats-co");
        HttpResult bought = buy("bad-seats-co", key, "monthly", "pm_card_visa");
        JsonNode sub = subscription("bad-seats-co", key, bought);
        HttpResult notPerSeat = seats("bad-seats-co", key, sub, 4, "k1");
        assertEquals(422, notPerSeat.status(), notPerSeat.body());
        assertTrue(notPerSeat.body().contains("seats-not-priced"));
        HttpResult noKey = kernel().post("/api/v1/tenants/bad-seats-co/marketplace/subscriptions/" + sub.get("id").asText() + "/seats",
                                         key, Map.of("seats", 2));
        assertEquals(400, noKey.status(), noKey.body());
        assertTrue(noKey.body().contains("Idempotency-Key"));
        String otherKey = tenantAdmin("nosy-co");
        HttpResult nosy = kernel().get("/api/v1/tenants/nosy-co/marketplace/subscriptions/" + sub.get("id").asText(), otherKey);
        assertEquals(404, nosy.status(), nosy.body());
        assertEquals("application/problem+json", nosy.contentType());
        HttpResult renewByTenant = kernel().post("/api/v1/marketplace/subscriptions/renew", key, Map.of());
        assertEquals(403, renewByTenant.status(), renewByTenant.body());
    }

    private static HttpResult buy(String tenant, String key, String plan, String paymentMethod) {
        return purchase(tenant, key, UUID.randomUUID().toString(), Map.of("listing", "desk-seats", "plan", plan,
                "paymentMethod", paymentMethod, "grantedPermissions", List.of()));
    }

    private static JsonNode subscription(String tenant, String key, HttpResult bought) {
        HttpResult read = kernel().get("/api/v1/tenants/" + tenant + "/marketplace/subscriptions/"
                                       + bought.json().get("subscription").asText(), key);
        assertEquals(200, read.status(), read.body());
        return read.json();
    }

    private static HttpResult paymentMethod(String tenant, String key, JsonNode sub, String method) {
        return kernel().post("/api/v1/tenants/" + tenant + "/marketplace/subscriptions/" + sub.get("id").asText() + "/payment-method", key,
                             Map.of("paymentMethod", method));
    }

    private static HttpResult seats(String tenant, String key, JsonNode sub, int seats, String idempotencyKey) {
        return kernel().send(kernel().request("/api/v1/tenants/" + tenant + "/marketplace/subscriptions/" + sub.get("id").asText()
                        + "/seats", key).header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"seats\":" + seats + "}")).build());
    }

    /** Renews this one subscription if due, as the scheduled job would. */
    private static String renewOnce(JsonNode sub) {
        return MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(sub.get("id").asText()));
    }

    /** Payment intents created for the subscription after its purchase: renewals and seat changes. */
    private static List<RecordedRequest> charges(String subscriptionId) {
        return stripe().requests().stream().filter(r -> r.path().equals("/v1/payment_intents") && r.method().equals("POST")
                && !r.idempotentReplayed() && r.params().path("metadata").path("subscription").asText().equals(subscriptionId)).toList();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Test
    void prorationRoundsDownAndNeverExceedsAWholePeriod() {
        assertEquals(0, Subscriptions.prorate(1000, 2, 0, 100));
        assertEquals(1000 * 2, Subscriptions.prorate(1000, 2, 100, 100));
        assertEquals(666, Subscriptions.prorate(1000, 1, 2, 3), "2/3 of 10.00 rounds down");
        assertEquals(1000, Subscriptions.prorate(1000, 1, 500, 100), "never more than the whole period");
        assertNotEquals(0, Subscriptions.prorate(Long.MAX_VALUE / 4, 2, 1, 2), "no overflow on the way");
    }
}
