package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.stripe;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.ledger.Money;
import io.voicecore.marketplace.ledger.RevenueShare;
import io.voicecore.marketplace.ledger.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reseller's money end to end over HTTP, Stripe spoken by the stand-in: the platform admin's wholesale discount, the
 * reseller's retail price for a bundle, a sub-tenant charged at retail and the charge split to the minor unit, the
 * reseller's balance, a refund, a payout to the reseller's Connect account, its statement and revenue view, and a
 * renewal charged at retail again.
 */
class ResellerMoneyTest {
    static MarketplaceFixture.Publisher publisher;

    @BeforeAll
    static void publishAndPrice() {
        publisher = publisher("resold-works", "resold");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, helloJar("resold-notes", "1.0.0", List.of())));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        HttpResult plan = kernel().post(publisher.path() + "/listings/resold-notes/plans", publisher.apiKey(),
                Map.of("id", "monthly", "kind", "subscription", "interval", "month", "amount", 1900, "currency", "EUR"));
        assertEquals(201, plan.status(), plan.body());
    }

    @Test
    void aSubTenantPaysRetailTheResellerEarnsItsMarginAndIsPaidOut() {
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Nordic Money", "slug", "nordic-money"));
        assertEquals(201, created.status(), created.body());
        String reseller = created.json().get("id").asText();
        String resellerKey = created.json().get("apiKey").asText();
        String base = "/api/v1/resellers/" + reseller;

        // Wholesale: 20 % off by default; the platform admin sets 25 %, the reseller cannot.
        assertEquals(2000, kernel().get(base + "/wholesale-discount", resellerKey).json().get("bps").asInt());
        assertEquals(403, kernel().put(base + "/wholesale-discount", resellerKey, Map.of("bps", 9000)).status());
        HttpResult badDiscount = kernel().put(base + "/wholesale-discount", kernel().adminToken(), Map.of("bps", 10_001));
        assertEquals(422, badDiscount.status(), badDiscount.body());
        assertEquals(200, kernel().put(base + "/wholesale-discount", kernel().adminToken(), Map.of("bps", 2500)).status());

        UUID bundle = UUID.randomUUID();
        MarketplaceFixture.kernel().kernel().services().database().inPlatform(tx -> tx.dml(
                "INSERT INTO marketplace.bundles (id, reseller_id, name) VALUES (?, ?::uuid, 'clinic-money')", bundle, reseller));

        // Retail: in the plan's currency and at least the wholesale (1900 − 25 % = 1425), or 422 naming the entry.
        HttpResult refused = kernel().put(base + "/bundles/" + bundle + "/prices", resellerKey, Map.of("prices", List.of(
                Map.of("listing", "resold-notes", "plan", "monthly", "amount", 1424, "currency", "EUR"),
                Map.of("listing", "resold-notes", "plan", "monthly-usd", "amount", 2900, "currency", "EUR"))));
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("prices[0].amount") && refused.body().contains("1425") && refused.body().contains("prices[1].plan"),
                   refused.body());
        HttpResult wrongCurrency = kernel().put(base + "/bundles/" + bundle + "/prices", resellerKey, Map.of("prices", List.of(
                Map.of("listing", "resold-notes", "plan", "monthly", "amount", 2900, "currency", "USD"))));
        assertEquals(422, wrongCurrency.status());
        assertTrue(wrongCurrency.body().contains("prices[0].currency"), wrongCurrency.body());
        assertEquals(0, kernel().get(base + "/bundles/" + bundle + "/prices", resellerKey).json().get("prices").size(), "nothing written");
        HttpResult priced = kernel().put(base + "/bundles/" + bundle + "/prices", resellerKey, Map.of("prices", List.of(
                Map.of("listing", "resold-notes", "plan", "monthly", "amount", 2900, "currency", "EUR"))));
        assertEquals(200, priced.status(), priced.body());
        JsonNode price = kernel().get(base + "/bundles/clinic-money/prices", resellerKey).json().get("prices").get(0);
        assertEquals(List.of(1900L, 1425L, 2900L, 1475L), List.of(price.get("listPrice").asLong(), price.get("wholesale").asLong(),
                     price.get("retail").asLong(), price.get("margin").asLong()), price.toString());
        String other = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Other Money", "slug", "other-money"))
                .json().get("apiKey").asText();
        assertEquals(404, kernel().get(base + "/bundles/" + bundle + "/prices", other).status(), "another reseller sees nothing");
        assertEquals(404, kernel().get(base + "/balance", other).status());

        // A sub-tenant of the bundle buys: charged at retail once, the split to the minor unit.
        String tenantId = kernel().createTenant("resold-co");
        String tenantKey = kernel().post("/api/v1/tenants/resold-co/api-keys", kernel().adminToken(),
                                         Map.of("name", "admin-resold-co", "role", "tenant-admin")).json().get("secret").asText();
        MarketplaceFixture.kernel().kernel().services().database().inPlatform(tx -> tx.dml(
                "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id, bundle_id) VALUES (?::uuid, ?::uuid, ?)", tenantId, reseller, bundle));
        YearMonth month = YearMonth.from(CLOCK.instant().atOffset(ZoneOffset.UTC));
        String idempotencyKey = UUID.randomUUID().toString();
        HttpResult bought = purchase("resold-co", tenantKey, idempotencyKey);
        assertEquals(201, bought.status(), bought.body());
        assertEquals(2900, bought.json().get("amount").asLong());
        assertEquals(bought.body(), purchase("resold-co", tenantKey, idempotencyKey).body(), "a repeat answers the same");
        String purchaseId = bought.json().get("id").asText();
        assertEquals(1, stripe().requests().stream().filter(r -> r.path().equals("/v1/payment_intents") && r.method().equals("POST")
                && r.idempotencyKey().orElse("").equals("vc-purchase-" + purchaseId)).count(), "charged once");
        JsonNode split = bought.json().get("split");
        // fee 2.9 % + 30 of 2900 = 114; its part on the wholesale floor(114 × 1425 / 2900) = 56; wholesale net 1369:
        // developer floor(1369 × 85 %) = 1163, platform 206; reseller 2900 − 1425 − (114 − 56) = 1417.
        assertEquals(List.of(2900L, 1425L, 114L, 1163L, 206L, 1417L), List.of(split.get("gross").asLong(), split.get("wholesale").asLong(),
                     split.get("fee").asLong(), split.get("developer").asLong(), split.get("platform").asLong(), split.get("reseller").asLong()),
                     split.toString());
        assertBalanced();
        assertEquals(List.of(1417L, 0L, 0L), balance(base, resellerKey));

        // A refund of 950 takes back each party's part in proportion, the reseller's from its pending money.
        Split charge = Split.resold(Money.of(2900, "EUR"), Money.of(114, "EUR"), Money.of(1425, "EUR"), RevenueShare.DEFAULT);
        long marginBack = charge.reversal(Money.of(950, "EUR"), Split.none(charge.currency(), charge.share())).reseller().amount();
        HttpResult refund = kernel().send(kernel().request("/api/v1/tenants/resold-co/marketplace/purchases/" + purchaseId + "/refund", tenantKey)
                .header("Idempotency-Key", "refund-resold").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":950}")).build());
        assertEquals(200, refund.status(), refund.body());
        assertEquals(List.of(1417L - marginBack, 0L, 0L), balance(base, resellerKey));
        assertBalanced();

        // Paid out to the reseller's Connect account after the holding period, once.
        HttpResult account = kernel().post(base + "/payout-account", resellerKey, Map.of());
        assertEquals(201, account.status(), account.body());
        String destination = account.json().get("account").asText();
        assertTrue(destination.startsWith("acct_"), destination);
        assertEquals(destination, kernel().post(base + "/payout-account", resellerKey, Map.of()).json().get("account").asText());
        HttpResult early = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertTrue(!early.body().contains(reseller), "still in its holding period: " + early.body());
        // The holding period passes: the charge is moved 8 days back rather than the shared test clock forward (the
        // fixture's signing certificates last a year of that clock, across all tests).
        MarketplaceFixture.kernel().kernel().services().database().inPlatform(tx -> tx.dml("UPDATE marketplace.purchases SET "
                + "completed_at = completed_at - interval '8 days' WHERE tenant_id = ?::uuid", tenantId));
        HttpResult run = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertEquals(200, run.status(), run.body());
        JsonNode paid = null;
        for (JsonNode payout : run.json().get("paid")) {
            if (reseller.equals(payout.path("reseller").asText())) {
                paid = payout;
            }
        }
        assertTrue(paid != null, run.body());
        assertEquals(1417 - marginBack, paid.get("amount").asLong());
        String payoutKey = "vc-payout-" + paid.get("id").asText();
        assertEquals(1, stripe().requests().stream().filter(r -> r.path().equals("/v1/transfers") && r.method().equals("POST")
                && r.idempotencyKey().orElse("").equals(payoutKey) && destination.equals(r.params().path("destination").asText())).count());
        HttpResult again = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
        assertTrue(!again.body().contains(reseller), "paid once: " + again.body());
        assertEquals(List.of(0L, 0L, 1417L - marginBack), balance(base, resellerKey));
        assertBalanced();

        // The statement of the month: the sub-tenant's retail, wholesale, fee, margin and refund; JSON and CSV.
        HttpResult statement = kernel().get(base + "/statements/" + month, resellerKey);
        assertEquals(200, statement.status(), statement.body());
        JsonNode line = statement.json().get("lines").get(0);
        assertEquals(1, statement.json().get("lines").size(), statement.body());
        assertEquals(tenantId, line.get("tenant").asText());
        assertEquals(List.of(1L, 2900L, 1425L, 114L, 1417L, 950L, marginBack, 1417L - marginBack), List.of(line.get("charges").asLong(),
                     line.get("gross").asLong(), line.get("wholesale").asLong(), line.get("fee").asLong(), line.get("margin").asLong(),
                     line.get("refunds").asLong(), line.get("marginReversed").asLong(), line.get("netMargin").asLong()), line.toString());
        HttpResult csv = kernel().get(base + "/statements/" + month + "?format=csv", resellerKey);
        assertEquals(200, csv.status());
        assertTrue(csv.body().startsWith("tenant,currency,charges,gross,wholesale,fee,margin,refunds,marginReversed,netMargin\n"), csv.body());
        assertTrue(csv.body().contains(tenantId + ",EUR,1,2900,1425,114,1417,950," + marginBack + "," + (1417 - marginBack)), csv.body());
        assertEquals(400, kernel().get(base + "/statements/2026-13", resellerKey).status());

        // The portal's month: revenue and margin per sub-tenant, bundle adoption.
        HttpResult revenue = kernel().get(base + "/revenue?month=" + month, resellerKey);
        assertEquals(200, revenue.status(), revenue.body());
        JsonNode item = revenue.json().get("revenue").get(0);
        assertEquals(List.of(2900L, 950L, 1417L - marginBack), List.of(item.get("revenue").asLong(), item.get("refunds").asLong(),
                     item.get("margin").asLong()));
        assertEquals(1, revenue.json().get("bundles").get(0).get("subTenants").asLong(), revenue.body());

        // The renewal is charged at retail and split as the purchase was. The period is moved to have ended rather than the
        // shared test clock a month on (the fixture's signing certificates last a year of that clock, across all tests).
        MarketplaceFixture.kernel().kernel().services().database().inPlatform(tx -> tx.dml("UPDATE marketplace.subscriptions SET "
                + "period_start = ?::timestamptz - interval '1 month', period_end = ? WHERE tenant_id = ?::uuid",
                Database.timestamp(CLOCK.instant().minusSeconds(60)), Database.timestamp(CLOCK.instant().minusSeconds(60)), tenantId));
        HttpResult renewed = kernel().post("/api/v1/marketplace/subscriptions/renew", kernel().adminToken(), Map.of());
        assertEquals(200, renewed.status(), renewed.body());
        assertEquals(List.of(1417L, 0L, 1417L - marginBack), balance(base, resellerKey), "the renewal's margin is pending");
        JsonNode subscription = kernel().get("/api/v1/tenants/resold-co/marketplace/subscriptions", tenantKey).json().get("items").get(0);
        assertEquals(2900, subscription.get("amount").asLong(), subscription.toString());
        assertBalanced();
    }

    private static HttpResult purchase(String tenant, String adminKey, String idempotencyKey) {
        return kernel().send(kernel().request("/api/v1/tenants/" + tenant + "/marketplace/purchases", adminKey)
                .header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("listing", "resold-notes", "plan", "monthly",
                        "paymentMethod", "pm_card_visa", "grantedPermissions", List.of())))).build());
    }

    /** The reseller's EUR pending, available and paid. */
    private static List<Long> balance(String base, String key) {
        HttpResult read = kernel().get(base + "/balance", key);
        assertEquals(200, read.status(), read.body());
        for (JsonNode balance : read.json().get("balances")) {
            if (balance.get("currency").asText().equals("EUR")) {
                return List.of(balance.get("pending").asLong(), balance.get("available").asLong(), balance.get("paid").asLong());
            }
        }
        return List.of(0L, 0L, 0L);
    }

    private static void assertBalanced() {
        HttpResult verified = kernel().get("/api/v1/marketplace/ledger/verify", kernel().adminToken());
        assertTrue(verified.json().get("balanced").asBoolean(), verified.body());
    }
}
