package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.stripe;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A paid plugin end to end over HTTP, with Stripe's wire protocol spoken by the stand-in: a monthly plan, a purchase
 * charged once however often it is sent, the developer's share in its balance, a payout run that pays it once, a refund
 * and a dispute that reverse it, and the ledger balanced after each step.
 */
class PaidPluginTest {
    static MarketplaceFixture.Publisher publisher;

    @BeforeAll
    static void publishAndPrice() {
        publisher = publisher("paid-works", "paid");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, helloJar("paid-notes", "1.0.0", List.of())));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        HttpResult plan = kernel().post(publisher.path() + "/listings/paid-notes/plans", publisher.apiKey(),
                Map.of("id", "monthly", "kind", "subscription", "interval", "month", "amount", 1900, "currency", "EUR"));
        assertEquals(201, plan.status(), plan.body());
    }

    @Test
    void aTenantBuysAMonthlyPlanOnceThePublisherIsPaidOnceAndARefundReversesIt() {
        JsonNode listing = kernel().get("/api/v1/marketplace/listings/paid-notes", kernel().adminToken()).json();
        JsonNode monthly = PublishAndInstallTest.only(listing.get("plans"), "monthly");
        assertEquals("subscription", monthly.get("kind").asText());
        assertEquals(1900, monthly.get("amount").asLong());
        assertEquals("EUR", monthly.get("currency").asText());

        String tenantKey = tenantAdmin("paying-co");
        String key = UUID.randomUUID().toString();
        Map<String, Object> order = Map.of("listing", "paid-notes", "plan", "monthly", "paymentMethod", "pm_card_visa",
                                           "grantedPermissions", List.of());
        HttpResult bought = purchase("paying-co", tenantKey, key, order);
        assertEquals(201, bought.status(), bought.body());
        assertTrue(bought.json().get("license").asText().startsWith("vcl1."));
        JsonNode split = bought.json().get("split");
        long gross = split.get("gross").asLong();
        assertEquals(1900, gross);
        assertEquals(gross, split.get("fee").asLong() + split.get("developer").asLong() + split.get("reseller").asLong()
                            + split.get("platform").asLong(), "every minor unit goes to exactly one party: " + split);
        assertEquals((1900 * 290 + 5_000) / 10_000 + 30, split.get("fee").asLong(), "Stripe's card fee: 2.9 % + 30, rounded half up");
        assertEquals((gross - split.get("fee").asLong()) * 8500 / 10000, split.get("developer").asLong());

        HttpResult again = purchase("paying-co", tenantKey, key, order);
        assertEquals(201, again.status());
        assertEquals(bought.body(), again.body(), "a repeat answers the same bytes");
        assertEquals(1, stripe().requests().stream().filter(r -> r.path().equals("/v1/payment_intents") && r.method().equals("POST")
                && r.idempotencyKey().orElse("").equals("vc-purchase-" + bought.json().get("id").asText())).count(), "charged once");
        assertEquals(200, kernel().get("/api/v1/tenants/paying-co/paid-notes/hello", tenantKey).status(), "and the plugin serves");
        assertBalanced();

        long developer = split.get("developer").asLong();
        JsonNode balance = balance();
        assertEquals(developer, balance.get("pending").asLong(), balance.toString());
        assertEquals(0, balance.get("available").asLong());

        assertEquals(201, kernel().post(publisher.path() + "/payout-account", publisher.apiKey(), Map.of()).status());
        HttpResult early = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertEquals(0, early.json().get("paid").size(), "still in its holding period: " + early.body());
        CLOCK.advance(Duration.ofDays(8));
        HttpResult run = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertEquals(200, run.status(), run.body());
        assertEquals(1, run.json().get("paid").size(), run.body());
        assertEquals(developer, run.json().get("paid").get(0).get("amount").asLong());
        assertEquals(0, kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of()).json().get("paid").size(),
                     "paid once");
        balance = balance();
        assertEquals(developer, balance.get("paid").asLong());
        assertEquals(0, balance.get("available").asLong());
        assertEquals(1, stripe().requests().stream().filter(r -> r.path().equals("/v1/transfers") && r.method().equals("POST")).count());
        assertBalanced();

        HttpResult refund = kernel().send(kernel().request("/api/v1/tenants/paying-co/marketplace/purchases/"
                        + bought.json().get("id").asText() + "/refund", tenantKey).header("Idempotency-Key", "refund-1")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\":950}")).build());
        assertEquals(200, refund.status(), refund.body());
        assertEquals("succeeded", refund.json().get("state").asText());
        balance = balance();
        assertTrue(balance.get("available").asLong() < 0, "the developer was paid already: its share of the refund is owed: " + balance);
        assertBalanced();
    }

    @Test
    void aDeclinedCardGrantsNothingAndAMissingKeyIsRefused() {
        String tenantKey = tenantAdmin("declined-co");
        HttpResult declined = purchase("declined-co", tenantKey, UUID.randomUUID().toString(), Map.of("listing", "paid-notes",
                "plan", "monthly", "paymentMethod", "pm_card_chargeDeclined", "grantedPermissions", List.of()));
        assertEquals(402, declined.status(), declined.body());
        assertEquals("urn:voicecore:problem:payment-declined", declined.json().get("type").asText());
        assertFalse(declined.body().contains("license"));
        assertEquals(404, kernel().get("/api/v1/tenants/declined-co/paid-notes/hello", tenantKey).status(), "nothing granted");
        assertEquals(404, kernel().get("/api/v1/tenants/declined-co/marketplace/installs/paid-notes", tenantKey).status());

        HttpResult noKey = kernel().post("/api/v1/tenants/declined-co/marketplace/purchases", tenantKey, Map.of("listing", "paid-notes",
                "plan", "monthly", "paymentMethod", "pm_card_visa", "grantedPermissions", List.of()));
        assertEquals(400, noKey.status());
        assertTrue(noKey.json().get("detail").asText().contains("Idempotency-Key"));
    }

    @Test
    void aDisputeReportedByStripeReversesThePurchaseOnce() throws Exception {
        String tenantKey = tenantAdmin("disputed-co");
        HttpResult bought = purchase("disputed-co", tenantKey, UUID.randomUUID().toString(), Map.of("listing", "paid-notes",
                "plan", "monthly", "paymentMethod", "pm_card_visa", "grantedPermissions", List.of()));
        assertEquals(201, bought.status(), bought.body());
        String id = bought.json().get("id").asText();
        String charge = kernel().get("/api/v1/tenants/disputed-co/marketplace/purchases/" + id, tenantKey).json().get("charge").asText();
        long pendingBefore = balance().get("pending").asLong() + balance().get("available").asLong();
        String dispute = stripe().dispute(charge, "fraudulent").get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (balance().get("pending").asLong() + balance().get("available").asLong() == pendingBefore && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long developer = bought.json().get("split").get("developer").asLong();
        assertEquals(pendingBefore - developer, balance().get("pending").asLong() + balance().get("available").asLong(),
                     "the developer's share of dispute " + dispute + " is taken back");
        assertBalanced();
        JsonNode audit = kernel().get("/api/v1/audit?action=marketplace.dispute", kernel().adminToken()).json();
        assertEquals(1, audit.get("items").size(), audit.toString());
    }

    @Test
    void theWebhookTakesOnlySignedFreshEvents() {
        HttpResult unsigned = kernel().send("/api/v1/marketplace/stripe/webhook", "POST", null, "application/json",
                                            "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"charge.dispute.created\"}");
        assertEquals(400, unsigned.status(), unsigned.body());
        assertEquals("urn:voicecore:problem:webhook-signature-invalid", unsigned.json().get("type").asText());
        long t = CLOCK.instant().getEpochSecond() - 301;
        HttpResult stale = kernel().send(kernel().request("/api/v1/marketplace/stripe/webhook", null)
                .header("Stripe-Signature", "t=" + t + ",v1=" + "0".repeat(64)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(400, stale.status());
        assertBalanced();
    }

    static HttpResult purchase(String tenant, String adminKey, String idempotencyKey, Map<String, Object> order) {
        return kernel().send(kernel().request("/api/v1/tenants/" + tenant + "/marketplace/purchases", adminKey)
                .header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(io.voicecore.kernel.http.Json.writeString(order))).build());
    }

    static JsonNode balance() {
        HttpResult read = kernel().get(publisher.path() + "/balance", publisher.apiKey());
        assertEquals(200, read.status(), read.body());
        for (JsonNode balance : read.json().get("balances")) {
            if (balance.get("currency").asText().equals("EUR")) {
                return balance;
            }
        }
        throw new AssertionError("no EUR balance in " + read.body());
    }

    static void assertBalanced() {
        HttpResult verified = kernel().get("/api/v1/marketplace/ledger/verify", kernel().adminToken());
        assertEquals(200, verified.status(), verified.body());
        assertTrue(verified.json().get("balanced").asBoolean(), verified.body());
    }
}
