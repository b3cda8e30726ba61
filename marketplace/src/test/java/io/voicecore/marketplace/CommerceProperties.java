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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.commerce.StripePayments;
import io.voicecore.standins.stripe.Fault;
import io.voicecore.standins.stripe.RecordedRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Commerce as a whole, with the clock injected: random sequences of purchases, renewals, seat changes, metered usage,
 * refunds, disputes, payout runs and crashes (Stripe's answer lost between its charge and our commit) on the real
 * kernel, database and Stripe stand-in. After every step the ledger balances per currency, every minor unit of every
 * charge is assigned to exactly one party, no payment is made twice, no payout is transferred twice, and no tenant is
 * metered or charged beyond its spend cap.
 */
class CommerceProperties {
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final long CAP_UNITS = 100;
    private static final long CAP = 300;
    private static MarketplaceFixture.Publisher publisher;

    /** One step of a sequence. */
    sealed interface Step permits Buy, Renew, Seats, Use, Refund, Dispute, Payouts, Crash {
    }

    record Buy(String plan) implements Step {
    }

    record Renew(int days) implements Step {
    }

    record Seats(int which, int seats) implements Step {
    }

    record Use(int which, int calls) implements Step {
    }

    record Refund(int which, int percent) implements Step {
    }

    record Dispute(int which) implements Step {
    }

    record Payouts() implements Step {
    }

    /** The next charge's answer is lost; the step after it meets the loss, and recovery completes it. */
    record Crash(String plan) implements Step {
    }

    /** A tenant of this sequence and what it bought. */
    private record Customer(String slug, String key, String plan, String purchase, String subscription) {
    }

    @BeforeContainer
    static void publishAndPrice() {
        publisher = publisher("mixed-commerce", "mixed");
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, pluginJar("mixed-meter", "1.0.0", List.of("usage"),
                List.of("POST /calls"), "", """
                setup.route(HttpMethod.POST, "/calls", (request, context) -> {
                    long count = Long.parseLong(request.queryParams().getOrDefault("count", List.of("1")).get(0));
                    context.usage().record("mixed.calls", count, "call");
                    return Response.ok(Json.object().put("recorded", count).build());
                });
                """, null)));
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        HttpResult plans = kernel().put(publisher.path() + "/listings/mixed-meter", publisher.apiKey(), Map.of("category", "productivity",
                "plans", List.of(Map.of("id", "monthly", "kind", "subscription", "interval", "month", "amount", 1900, "currency", "EUR"),
                                 Map.of("id", "seats", "kind", "per-seat", "interval", "month", "amount", 1000, "currency", "EUR"),
                                 Map.of("id", "once", "kind", "one-time", "amount", 4999, "currency", "USD"),
                                 Map.of("id", "metered", "kind", "usage", "amount", 3, "currency", "USD", "meter", "mixed.calls",
                                        "spendCap", CAP))));
        assertEquals(200, plans.status(), plans.body());
        assertEquals(201, kernel().post(publisher.path() + "/payout-account", publisher.apiKey(), Map.of()).status());
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<String> plans = Arbitraries.of("monthly", "seats", "once", "metered");
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, plans.map(Buy::new)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 40).map(Renew::new)),
                net.jqwik.api.Tuple.of(2, net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(1, 6)).as(Seats::new)),
                net.jqwik.api.Tuple.of(3, net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(1, 120)).as(Use::new)),
                net.jqwik.api.Tuple.of(2, net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(1, 100)).as(Refund::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 9).map(Dispute::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Payouts())),
                net.jqwik.api.Tuple.of(1, plans.map(Crash::new)));
        return step.list().ofMinSize(3).ofMaxSize(10);
    }

    @Property(tries = 12, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void moneyIsNeverLostDuplicatedOrOverCharged(@ForAll("sequences") List<Step> steps) throws Exception {
        List<Customer> customers = new ArrayList<>();
        for (Step step : steps) {
            apply(step, customers);
            assertInvariants(customers, step);
        }
    }

    private void apply(Step step, List<Customer> customers) throws Exception {
        switch (step) {
            case Buy buy -> buy(buy.plan(), customers).ifPresent(customers::add);
            case Crash crash -> {
                stripe().fault(Fault.hang("POST", "/v1/payment_intents", Duration.ofMillis(2500), 1));
                Customer pending = startPurchase(crash.plan());
                HttpResult lost = purchase(pending, pending.purchase());
                // A plan charged nothing now never meets the fault: the hang is left for the next charge, renewals included.
                PaymentFaultsTest.pause(Duration.ofMillis(2600));
                MarketplaceFixture.marketplace().purchases().resumePending(Duration.ZERO);
                HttpResult repeated = purchase(pending, pending.purchase());
                assertTrue(lost.status() == 201 || lost.status() == 503, lost.body());
                assertEquals(201, repeated.status(), "recovered, or completed by the repeat: " + repeated.body());
                customers.add(new Customer(pending.slug(), pending.key(), pending.plan(), repeated.json().get("id").asText(),
                                           repeated.json().path("subscription").asText(null)));
                stripe().clearFaults();
            }
            case Renew renew -> {
                CLOCK.advance(Duration.ofDays(renew.days()));
                for (Customer customer : customers) {
                    if (customer.subscription() != null) {
                        try {
                            MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(customer.subscription()));
                        } catch (StripePayments.Unavailable lostAnswer) {
                            PaymentFaultsTest.pause(Duration.ofMillis(2600));
                            MarketplaceFixture.marketplace().subscriptions().renewIfDue(UUID.fromString(customer.subscription()));
                        }
                    }
                }
            }
            case Seats seats -> pick(customers, seats.which(), "seats").ifPresent(customer -> {
                HttpResult changed = kernel().send(kernel().request("/api/v1/tenants/" + customer.slug() + "/marketplace/subscriptions/"
                        + customer.subscription() + "/seats", customer.key()).header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"seats\":" + seats.seats() + "}")).build());
                assertTrue(Set.of(200, 409, 503).contains(changed.status()), changed.body());
            });
            case Use use -> pick(customers, use.which(), "metered").ifPresent(customer -> {
                HttpResult used = kernel().post("/api/v1/tenants/" + customer.slug() + "/mixed-meter/calls?count=" + use.calls(),
                                                customer.key(), Map.of());
                assertTrue(Set.of(200, 402).contains(used.status()), used.body());
            });
            case Refund refund -> pick(customers, refund.which(), null).ifPresent(customer -> {
                JsonNode purchase = kernel().get("/api/v1/tenants/" + customer.slug() + "/marketplace/purchases/" + customer.purchase(),
                                                 customer.key()).json();
                long amount = Math.max(1, purchase.get("amount").asLong() * refund.percent() / 100);
                HttpResult refunded = kernel().send(kernel().request("/api/v1/tenants/" + customer.slug() + "/marketplace/purchases/"
                                + customer.purchase() + "/refund", kernel().adminToken()).header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":" + amount + "}")).build());
                // Nothing left to refund (a usage purchase charges nothing; refunds took it) is a 404 or 422; a disputed one, 409.
                assertTrue(Set.of(200, 404, 409, 422).contains(refunded.status()), refunded.body());
            });
            case Dispute dispute -> pick(customers, dispute.which(), null).ifPresent(customer -> {
                JsonNode purchase = kernel().get("/api/v1/tenants/" + customer.slug() + "/marketplace/purchases/" + customer.purchase(),
                                                 customer.key()).json();
                if (purchase.path("charge").isTextual() && !disputed(customer.purchase())) {
                    String id;
                    try {
                        id = stripe().dispute(purchase.get("charge").asText(), "fraudulent").get("id").asText();
                    } catch (IllegalArgumentException fullyRefunded) {
                        assertTrue(fullyRefunded.getMessage().contains("fully refunded"), fullyRefunded.getMessage());
                        return;
                    }
                    awaitDispute(id);
                }
            });
            case Payouts payouts -> {
                HttpResult run = kernel().post("/api/v1/marketplace/payouts/run", kernel().adminToken(), Map.of());
                assertEquals(200, run.status(), run.body());
            }
        }
    }

    private java.util.Optional<Customer> buy(String plan, List<Customer> customers) {
        Customer customer = startPurchase(plan);
        HttpResult bought = purchase(customer, customer.purchase());
        assertEquals(201, bought.status(), bought.body());
        return java.util.Optional.of(new Customer(customer.slug(), customer.key(), plan, bought.json().get("id").asText(),
                                                  bought.json().path("subscription").asText(null)));
    }

    /** A new tenant about to buy; its purchase field holds the Idempotency-Key until the purchase has an id. */
    private Customer startPurchase(String plan) {
        String slug = "mix-" + TENANTS.incrementAndGet();
        return new Customer(slug, tenantAdmin(slug), plan, UUID.randomUUID().toString(), null);
    }

    private HttpResult purchase(Customer customer, String idempotencyKey) {
        Map<String, Object> order = new HashMap<>(Map.of("listing", "mixed-meter", "plan", customer.plan(), "paymentMethod", "pm_card_visa",
                "grantedPermissions", List.of("usage")));
        if (customer.plan().equals("seats")) {
            order.put("seats", 3);
        }
        return PaidPluginTest.purchase(customer.slug(), customer.key(), idempotencyKey, order);
    }

    private static java.util.Optional<Customer> pick(List<Customer> customers, int which, String plan) {
        List<Customer> candidates = customers.stream().filter(c -> plan == null || c.plan().equals(plan)).toList();
        return candidates.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(candidates.get(which % candidates.size()));
    }

    private static Database database() {
        return kernel().kernel().services().database();
    }

    private static boolean disputed(String purchase) {
        return database().inPlatform(tx -> tx.get("SELECT 1 FROM marketplace.disputes WHERE purchase_id = ?", UUID.fromString(purchase))
                .isPresent());
    }

    private static void awaitDispute(String disputeId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (database().inPlatform(tx -> tx.get("SELECT 1 FROM marketplace.disputes WHERE id = ?", disputeId).isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dispute " + disputeId + " never reached the ledger");
            }
            PaymentFaultsTest.pause(Duration.ofMillis(50));
        }
    }

    private void assertInvariants(List<Customer> customers, Step after) {
        String context = "after " + after;
        JsonNode verified = kernel().get("/api/v1/marketplace/ledger/verify", kernel().adminToken()).json();
        assertTrue(verified.get("balanced").asBoolean(), context + ": " + verified);

        // Every minor unit of every charge of this sequence's tenants goes to exactly one party.
        Set<String> tenants = customers.stream().map(Customer::slug).collect(Collectors.toSet());
        database().inPlatform(tx -> {
            Database.list(tx, row -> row, "SELECT l.reference, l.details::text AS details FROM marketplace.ledger_transactions l "
                    + "JOIN marketplace.purchases p ON l.kind = 'purchase' AND l.reference = p.id::text JOIN kernel.tenants t ON t.id = p.tenant_id "
                    + "WHERE t.slug = ANY (?)", (Object) tenants.toArray(String[]::new))
                    .forEach(row -> {
                        JsonNode split = io.voicecore.kernel.http.Json.parse(Database.text(row, "details")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("split");
                        assertEquals(split.get("gross").asLong(), split.get("fee").asLong() + split.get("developer").asLong()
                                + split.get("reseller").asLong() + split.get("platform").asLong(), context + ": " + split);
                    });
            return null;
        });

        // Stripe made each payment once: one successful, non-replayed payment intent per charge row.
        List<RecordedRequest> requests = stripe().requests();
        Map<String, Long> payments = requests.stream().filter(r -> r.path().equals("/v1/payment_intents") && r.method().equals("POST")
                && r.status() == 200 && !r.idempotentReplayed())
                .collect(Collectors.groupingBy(r -> r.params().path("metadata").path("purchase").asText(), Collectors.counting()));
        payments.forEach((purchase, count) -> assertEquals(1L, count, context + ": purchase " + purchase + " was charged " + count + " times"));
        // And every successful payment of this sequence's tenants is in the ledger.
        long recorded = database().inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.purchases p JOIN kernel.tenants t ON "
                + "t.id = p.tenant_id WHERE t.slug = ANY (?) AND p.state = 'succeeded' AND p.amount > 0", (Object) tenants.toArray(String[]::new))
                .map(row -> row.column("n").get(Long.class)).orElseThrow());
        long ledgered = database().inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.purchases p JOIN kernel.tenants t ON "
                + "t.id = p.tenant_id JOIN marketplace.ledger_transactions l ON l.kind = 'purchase' AND l.reference = p.id::text "
                + "WHERE t.slug = ANY (?)", (Object) tenants.toArray(String[]::new)).map(row -> row.column("n").get(Long.class)).orElseThrow());
        assertEquals(recorded, ledgered, context + ": every charge is in the ledger");

        // No payout is transferred twice.
        Map<String, Long> transfers = requests.stream().filter(r -> r.path().equals("/v1/transfers") && r.method().equals("POST")
                && r.status() == 200 && !r.idempotentReplayed())
                .collect(Collectors.groupingBy(r -> r.idempotencyKey().orElse(""), Collectors.counting()));
        transfers.forEach((key, count) -> assertEquals(1L, count, context + ": payout " + key + " transferred " + count + " times"));
        long paidOut = database().inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.payouts WHERE state = 'paid'")
                .map(row -> row.column("n").get(Long.class)).orElseThrow());
        assertTrue(paidOut <= transfers.size(), context + ": every paid payout has its one transfer");

        // No tenant is metered or charged beyond its spend cap, in any period.
        for (Customer customer : customers) {
            if (!customer.plan().equals("metered") || customer.subscription() == null) {
                continue;
            }
            List<Map<String, Object>> periods = database().inPlatform(tx -> Database.list(tx, row -> Map.<String, Object>of(
                    "amount", row.column("amount").get(Long.class), "quantity", row.column("usage_quantity").get(Object.class) == null ? 0L
                            : row.column("usage_quantity").get(Long.class)),
                    "SELECT amount, usage_quantity FROM marketplace.purchases WHERE subscription_id = ? AND purpose = 'renewal'",
                    UUID.fromString(customer.subscription())));
            for (Map<String, Object> period : periods) {
                assertTrue((Long) period.get("amount") <= CAP, context + ": charged beyond the cap " + period);
                assertTrue((Long) period.get("quantity") <= CAP_UNITS, context + ": metered beyond the cap " + period);
            }
            long current = database().inPlatform(tx -> tx.get("SELECT coalesce(sum(u.quantity), 0) AS n FROM kernel.usage_records u "
                    + "JOIN marketplace.subscriptions s ON s.tenant_id = u.tenant_id AND s.plugin_id = u.plugin_id WHERE s.id = ? "
                    + "AND u.occurred_at >= s.period_start", UUID.fromString(customer.subscription()))
                    .map(row -> ((Number) row.column("n").get(Object.class)).longValue()).orElseThrow());
            assertTrue(current <= CAP_UNITS, context + ": " + current + " calls metered in the current period");
        }
        Instant now = CLOCK.instant();
        assertTrue(now.isAfter(Instant.EPOCH));
    }
}
