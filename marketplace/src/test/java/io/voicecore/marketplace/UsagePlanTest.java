package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.approve;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.retention.RetentionJob;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.commerce.Subscriptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A usage-based plan over HTTP: nothing is charged at purchase, the plugin's metered calls answer 402
 * {@code spend-cap-reached} once the month's cap is reached and record nothing beyond it, and at the month's end the
 * tenant is charged for what was metered, never more than the cap; the next month starts afresh.
 */
class UsagePlanTest {
    static MarketplaceFixture.Publisher publisher;

    @BeforeAll
    static void publishAndPrice() {
        publisher = publisher("metering-works", "meter");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, pluginJar("call-meter", "1.0.0", List.of("usage"),
                List.of("POST /calls"), "", """
                setup.route(HttpMethod.POST, "/calls", (request, context) -> {
                    long count = Long.parseLong(request.queryParams().getOrDefault("count", List.of("1")).get(0));
                    context.usage().record("calls.answered", count, "call");
                    return Response.ok(Json.object().put("recorded", count).build());
                });
                """, null)));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        HttpResult plan = kernel().post(publisher.path() + "/listings/call-meter/plans", publisher.apiKey(), Map.of("id", "metered",
                "kind", "usage", "amount", 5, "currency", "USD", "meter", "calls.answered", "spendCap", 1000));
        assertEquals(201, plan.status(), plan.body());
    }

    @Test
    void meteredCallsStopAtTheSpendCapAndTheMonthIsInvoicedAtItsEndCapped() {
        String key = tenantAdmin("metered-co");
        HttpResult bought = purchase("metered-co", key, UUID.randomUUID().toString(), Map.of("listing", "call-meter", "plan", "metered",
                "paymentMethod", "pm_card_visa", "grantedPermissions", List.of("usage")));
        assertEquals(201, bought.status(), bought.body());
        assertEquals(0, bought.json().get("amount").asLong(), "nothing is charged at purchase");
        assertEquals(200, bought.json().get("licence").get("usageLimits").get("calls.answered").asLong(),
                     "the cap of 10.00 at 0.05 a call is 200 calls");
        String subscription = bought.json().get("subscription").asText();

        assertEquals(200, calls("metered-co", key, 150).status());
        HttpResult over = calls("metered-co", key, 60);
        assertEquals(402, over.status(), over.body());
        assertEquals("application/problem+json", over.contentType());
        assertTrue(over.body().contains("spend-cap-reached"), over.body());
        assertEquals(200, calls("metered-co", key, 50).status(), "up to the cap exactly");
        assertEquals(402, calls("metered-co", key, 1).status(), "and not one call beyond it");

        JsonNode sub = kernel().get("/api/v1/tenants/metered-co/marketplace/subscriptions/" + subscription, key).json();
        Instant end = Instant.parse(sub.get("currentPeriodEnd").asText());
        CLOCK.set(end.plusSeconds(60));
        assertEquals("renewed", MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(subscription)));
        var invoices = invoices(subscription);
        assertEquals(1, invoices.size());
        assertEquals(1000, invoices.getFirst().params().path("amount").asLong(), "200 calls at 0.05: the cap, and not a cent more");
        assertBalanced();

        assertEquals(200, calls("metered-co", key, 20).status(), "a new month, a new cap");
        JsonNode next = kernel().get("/api/v1/tenants/metered-co/marketplace/subscriptions/" + subscription, key).json();
        CLOCK.set(Instant.parse(next.get("currentPeriodEnd").asText()).plusSeconds(60));
        assertEquals("renewed", MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(subscription)));
        var second = invoices(subscription);
        assertEquals(2, second.size());
        assertEquals(100, second.getLast().params().path("amount").asLong(), "20 calls at 0.05");
        assertBalanced();
    }

    @Test
    void aMonthTooSmallForStripeIsCarriedToTheNext() {
        String key = tenantAdmin("small-usage-co");
        HttpResult bought = purchase("small-usage-co", key, UUID.randomUUID().toString(), Map.of("listing", "call-meter", "plan", "metered",
                "paymentMethod", "pm_card_visa", "grantedPermissions", List.of("usage")));
        assertEquals(201, bought.status(), bought.body());
        String subscription = bought.json().get("subscription").asText();
        assertEquals(200, calls("small-usage-co", key, 4).status());
        JsonNode sub = kernel().get("/api/v1/tenants/small-usage-co/marketplace/subscriptions/" + subscription, key).json();
        CLOCK.set(Instant.parse(sub.get("currentPeriodEnd").asText()).plusSeconds(60));
        assertEquals("renewed", MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(subscription)));
        assertEquals(0, invoices(subscription).size(), "0.20 is below Stripe's smallest charge: nothing is charged");
        JsonNode carried = kernel().get("/api/v1/tenants/small-usage-co/marketplace/subscriptions/" + subscription, key).json();
        assertEquals(20, carried.get("carried").asLong(), carried.toString());

        assertEquals(200, calls("small-usage-co", key, 10).status());
        CLOCK.set(Instant.parse(carried.get("currentPeriodEnd").asText()).plusSeconds(60));
        assertEquals("renewed", MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(subscription)));
        assertEquals(1, invoices(subscription).size());
        assertEquals(70, invoices(subscription).getFirst().params().path("amount").asLong(), "this month's 0.50 and the 0.20 carried");
        assertEquals(0, kernel().get("/api/v1/tenants/small-usage-co/marketplace/subscriptions/" + subscription, key).json()
                .get("carried").asLong());
        assertBalanced();
    }

    @Test
    void retentionKeepsTheUsageOfAPeriodStillToBeInvoiced() {
        String key = tenantAdmin("retained-usage-co");
        HttpResult bought = purchase("retained-usage-co", key, UUID.randomUUID().toString(), Map.of("listing", "call-meter",
                "plan", "metered", "paymentMethod", "pm_card_visa", "grantedPermissions", List.of("usage")));
        assertEquals(201, bought.status(), bought.body());
        String subscription = bought.json().get("subscription").asText();
        assertEquals(200, calls("retained-usage-co", key, 30).status());
        JsonNode sub = kernel().get("/api/v1/tenants/retained-usage-co/marketplace/subscriptions/" + subscription, key).json();
        Instant start = Instant.parse(sub.get("currentPeriodStart").asText());
        Instant end = Instant.parse(sub.get("currentPeriodEnd").asText());
        Instant held = MarketplaceFixture.marketplace().usageHold().neededSince().orElseThrow();
        assertTrue(!held.isAfter(start), "the period not yet invoiced is held: " + held + " after " + start);

        // A pass that would delete every usage record older than a second, a day after the period ended.
        KernelServices services = kernel().kernel().services();
        RetentionJob eager = new RetentionJob(services.database(), new KernelConfig.Retention(true, Duration.ofSeconds(1), 10,
                Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(30), Duration.ofSeconds(1)),
                Clock.fixed(end.plus(Duration.ofDays(1)), ZoneOffset.UTC));
        eager.hold(MarketplaceFixture.marketplace().usageHold());
        eager.runOnce().orElseThrow();

        CLOCK.set(end.plusSeconds(60));
        assertEquals("renewed", MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(subscription)));
        assertEquals(150, invoices(subscription).getFirst().params().path("amount").asLong(), "all 30 calls at 0.05 are invoiced");
        assertBalanced();
    }

    private static List<io.voicecore.standins.stripe.RecordedRequest> invoices(String subscription) {
        return stripe().requests().stream().filter(r -> r.path().equals("/v1/payment_intents") && r.method().equals("POST")
                && !r.idempotentReplayed() && r.params().path("metadata").path("subscription").asText().equals(subscription)).toList();
    }

    @Test
    void theCapIsWholeUnitsAndTheChargeNeverExceedsIt() {
        assertEquals(1000, Subscriptions.usageCharge(1_000_000, 5, 1000L));
        assertEquals(995, Subscriptions.usageCharge(199, 5, 1000L));
        assertEquals(5_000_000, Subscriptions.usageCharge(1_000_000, 5, null), "no cap, no limit");
        assertEquals(0, Subscriptions.usageCharge(0, 5, 1000L));
    }

    private static HttpResult calls(String tenant, String key, int count) {
        return kernel().post("/api/v1/tenants/" + tenant + "/call-meter/calls?count=" + count, key, Map.of());
    }
}
