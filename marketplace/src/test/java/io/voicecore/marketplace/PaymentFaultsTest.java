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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.standins.stripe.Fault;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stripe failing or not answering during a purchase or a payout: afterwards nothing is charged or paid twice, nothing lost. */
class PaymentFaultsTest {
    static MarketplaceFixture.Publisher publisher;
    static final Map<String, Object> ORDER = Map.of("listing", "fault-tools", "plan", "once", "paymentMethod", "pm_card_visa",
                                                    "grantedPermissions", List.of());

    @BeforeAll
    static void publishAndPrice() {
        publisher = publisher("fault-works", "fault");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, helloJar("fault-tools", "1.0.0", List.of())));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        assertEquals(201, kernel().post(publisher.path() + "/listings/fault-tools/plans", publisher.apiKey(),
                Map.of("id", "once", "kind", "one-time", "amount", 4900, "currency", "USD")).status());
        assertEquals(201, kernel().post(publisher.path() + "/payout-account", publisher.apiKey(), Map.of()).status());
    }

    @Test
    void connectingAPayoutAccountWhileStripeIsDownIsAProblemToRepeat() {
        MarketplaceFixture.Publisher other = publisher("fault-connect", "fconn");
        stripe().fault(Fault.status("POST", "/v1/accounts", 503, 1));
        HttpResult down = kernel().post(other.path() + "/payout-account", other.apiKey(), Map.of());
        assertEquals(503, down.status(), down.body());
        assertEquals("urn:voicecore:problem:payment-unavailable", down.json().get("type").asText());
        assertEquals(201, kernel().post(other.path() + "/payout-account", other.apiKey(), Map.of()).status(), "the repeat connects");
    }

    @Test
    void aStripeErrorChargesNothingAndTheRepeatChargesOnce() {
        String tenantKey = tenantAdmin("fault-5xx");
        String key = UUID.randomUUID().toString();
        stripe().fault(Fault.status("POST", "/v1/payment_intents", 500, 1));
        HttpResult failed = PaidPluginTest.purchase("fault-5xx", tenantKey, key, ORDER);
        assertEquals(503, failed.status(), failed.body());
        assertEquals("urn:voicecore:problem:payment-unavailable", failed.json().get("type").asText());
        HttpResult repeated = PaidPluginTest.purchase("fault-5xx", tenantKey, key, ORDER);
        assertEquals(201, repeated.status(), repeated.body());
        assertEquals(1, charges(repeated.json().get("id").asText()), "one payment made");
        PaidPluginTest.assertBalanced();
    }

    @Test
    void aChargeWhoseAnswerWasLostIsCompletedByRecoveryAndNeverChargedTwice() {
        String tenantKey = tenantAdmin("fault-lost");
        String key = UUID.randomUUID().toString();
        // Stripe makes the payment, then its answer does not arrive in time: as if the node stopped before our commit.
        stripe().fault(Fault.hang("POST", "/v1/payment_intents", Duration.ofSeconds(4), 1));
        HttpResult lost = PaidPluginTest.purchase("fault-lost", tenantKey, key, ORDER);
        assertEquals(503, lost.status(), lost.body());
        HttpResult unlicensed = kernel().get("/api/v1/tenants/fault-lost/fault-tools/hello", tenantKey);
        assertEquals(402, unlicensed.status(), "consented to, not yet licensed");
        assertEquals("urn:voicecore:problem:license-required", unlicensed.json().get("type").asText());

        pause(Duration.ofSeconds(3)); // until Stripe has answered the lost call: recovery runs minutes later in production
        assertEquals(1, MarketplaceFixture.marketplace().purchases().resumePending(Duration.ZERO), "recovery completes it");
        assertEquals(200, kernel().get("/api/v1/tenants/fault-lost/fault-tools/hello", tenantKey).status(), "paid for, not lost");
        HttpResult repeated = PaidPluginTest.purchase("fault-lost", tenantKey, key, ORDER);
        assertEquals(201, repeated.status(), repeated.body());
        assertEquals(1, charges(repeated.json().get("id").asText()), "Stripe made one payment, replayed for the recovery");
        PaidPluginTest.assertBalanced();
    }

    @Test
    void aFailedTransferIsFinishedByTheNextRunAndPaidOnce() {
        String tenantKey = tenantAdmin("fault-payout");
        assertEquals(201, PaidPluginTest.purchase("fault-payout", tenantKey, UUID.randomUUID().toString(), ORDER).status());
        CLOCK.advance(Duration.ofDays(8));
        stripe().fault(Fault.status("POST", "/v1/transfers", 503, 1));
        HttpResult first = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertEquals(200, first.status(), first.body());
        long failedHere = count(first.json().get("failed"));
        HttpResult second = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        long paidHere = count(second.json().get("paid"));
        assertEquals(1, failedHere, first.body());
        assertEquals(1, paidHere, second.body());
        assertEquals(0, count(kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of()).json().get("paid")));
        JsonNode balances = kernel().get(publisher.path() + "/balance", publisher.apiKey()).json().get("balances");
        for (JsonNode balance : balances) {
            assertEquals(0, balance.get("available").asLong(), balances.toString());
        }
        PaidPluginTest.assertBalanced();
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** This publisher's payouts among a run's entries. */
    static long count(JsonNode payouts) {
        long count = 0;
        for (JsonNode payout : payouts) {
            if (payout.get("destination") != null) {
                count++;
            }
        }
        return count;
    }

    /** Payments Stripe actually made (not replays, not refused) for a purchase. */
    static long charges(String purchaseId) {
        return stripe().requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v1/payment_intents")
                && r.idempotencyKey().orElse("").equals("vc-purchase-" + purchaseId) && r.status() == 200 && !r.idempotentReplayed())
                .count();
    }
}
