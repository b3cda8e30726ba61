package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import io.helidon.dbclient.DbTransaction;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.commerce.ResalePrices;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random charges at retail (to resellers' sub-tenants) and at list price (to direct tenants), refunds and disputes,
 * releases and payouts of the resellers' money, booked through the real ledger on the test database against a model:
 * every charge splits into fee, developer, reseller and platform parts that sum to its gross and are never negative,
 * each reseller's pending, available and paid money is what the model says, nothing is paid twice, and the ledger
 * still balances.
 */
class ResellerLedgerProperties {
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("EUR"), Currency.getInstance("JPY"));
    static LedgerFixture fixture;

    @BeforeContainer
    static void start() {
        fixture = new LedgerFixture(MarketplaceFixture.kernel(), Clock.systemUTC());
    }

    enum Type { RESOLD, DIRECT, REFUND, DISPUTE, RELEASE, PAYOUT, REPLAY }

    record Step(Type type, int currency, int reseller, long a, long b, long c) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Type> type = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Type.RESOLD)), Tuple.of(1, Arbitraries.just(Type.DIRECT)),
                Tuple.of(3, Arbitraries.just(Type.REFUND)), Tuple.of(1, Arbitraries.just(Type.DISPUTE)),
                Tuple.of(2, Arbitraries.just(Type.RELEASE)), Tuple.of(2, Arbitraries.just(Type.PAYOUT)),
                Tuple.of(1, Arbitraries.just(Type.REPLAY)));
        Arbitrary<Long> any = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Combinators.combine(type, Arbitraries.integers().between(0, CURRENCIES.size() - 1), Arbitraries.integers().between(0, 1),
                                   any, any, any).as(Step::new).list().ofMinSize(1).ofMaxSize(24);
    }

    static final class Charge {
        final UUID id;
        final Optional<Integer> reseller;
        final Split split;
        Split reversed;

        Charge(UUID id, Optional<Integer> reseller, Split split) {
            this.id = id;
            this.reseller = reseller;
            this.split = split;
            this.reversed = Split.none(split.currency(), split.share());
        }
    }

    @Property(tries = 25)
    void resellersMoneyAgreesWithTheModelAndTheLedgerBalances(@ForAll("steps") List<Step> steps,
                                                              @ForAll("bps") int developerBps, @ForAll("bps") int discountBps) {
        Ledger ledger = fixture.ledger;
        UUID publisher = fixture.publisher("resale-prop");
        ledger.setShare(publisher, developerBps, LedgerFixture.ADMIN);
        List<UUID> resellers = List.of(reseller(), reseller());
        // per reseller and currency: pending, available, paid
        Map<String, long[]> model = new LinkedHashMap<>();
        List<Charge> charges = new ArrayList<>();
        List<Function<DbTransaction, LedgerTransaction>> recorded = new ArrayList<>();
        int payouts = 0;
        for (Step step : steps) {
            Currency currency = CURRENCIES.get(step.currency());
            UUID reseller = resellers.get(step.reseller());
            long[] expected = model.computeIfAbsent(reseller + ":" + currency, k -> new long[3]);
            switch (step.type()) {
                case RESOLD, DIRECT -> {
                    long listPrice = 1 + step.a() % 1_000_000;
                    long wholesale = ResalePrices.wholesale(listPrice, discountBps);
                    long retail = step.type() == Type.DIRECT ? listPrice : Math.max(1, wholesale + step.b() % (listPrice + 1));
                    long fee = step.c() % (retail / 10 + 2) % (retail + 1);
                    UUID id = UUID.randomUUID();
                    Optional<Resale> resale = step.type() == Type.DIRECT ? Optional.empty()
                            : Optional.of(new Resale(reseller, Money.of(Math.min(wholesale, retail), currency)));
                    Function<DbTransaction, LedgerTransaction> purchase = tx -> ledger.purchase(tx, id, publisher, Money.of(retail, currency),
                                                                                                Money.of(fee, currency), resale);
                    Split split = fixture.inPlatform(purchase).posting().split().orElseThrow();
                    assertEquals(retail, split.fee().amount() + split.developer().amount() + split.reseller().amount()
                                         + split.platform().amount(), split.view().toString());
                    assertTrue(List.of(split.fee(), split.developer(), split.reseller(), split.platform()).stream()
                                   .noneMatch(Money::isNegative), split.view().toString());
                    if (resale.isEmpty()) {
                        assertEquals(Split.of(Money.of(retail, currency), Money.of(fee, currency), RevenueShare.developer(developerBps)), split,
                                     "a direct tenant's split is as it always was");
                    } else {
                        expected[0] += split.reseller().amount();
                    }
                    charges.add(new Charge(id, resale.map(r -> step.reseller()), split));
                    recorded.add(purchase);
                }
                case REFUND, DISPUTE -> {
                    if (charges.isEmpty()) {
                        continue;
                    }
                    Charge charge = charges.get((int) (step.a() % charges.size()));
                    long still = charge.split.gross().amount() - charge.reversed.gross().amount();
                    if (still == 0) {
                        continue;
                    }
                    Money amount = Money.of(1 + step.b() % still, charge.split.currency());
                    String reference = (step.type() == Type.REFUND ? "re_" : "du_") + UUID.randomUUID();
                    Function<DbTransaction, LedgerTransaction> reverse = step.type() == Type.REFUND
                            ? tx -> ledger.refund(tx, reference, charge.id, amount) : tx -> ledger.dispute(tx, reference, charge.id, amount);
                    Split reversal = fixture.inPlatform(reverse).posting().split().orElseThrow();
                    assertEquals(charge.split.reversal(amount, charge.reversed), reversal);
                    charge.reversed = charge.reversed.plus(reversal);
                    if (charge.reseller.isPresent()) {
                        long[] owner = model.computeIfAbsent(resellers.get(charge.reseller.get()) + ":" + charge.split.currency(), k -> new long[3]);
                        long fromPending = Math.min(Math.max(owner[0], 0), reversal.reseller().amount());
                        owner[0] -= fromPending;
                        owner[1] -= reversal.reseller().amount() - fromPending;
                    }
                    recorded.add(reverse);
                }
                case RELEASE -> {
                    UUID id = UUID.randomUUID();
                    if (expected[0] <= 0) {
                        MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                                tx -> ledger.resellerRelease(tx, id, reseller, Money.of(Math.max(1, expected[0] + 1), currency))));
                        assertEquals("release-exceeds-pending", refusal.type());
                        continue;
                    }
                    Money amount = Money.of(1 + step.b() % expected[0], currency);
                    Function<DbTransaction, LedgerTransaction> release = tx -> ledger.resellerRelease(tx, id, reseller, amount);
                    fixture.inPlatform(release);
                    expected[0] -= amount.amount();
                    expected[1] += amount.amount();
                    recorded.add(release);
                }
                case PAYOUT -> {
                    UUID id = UUID.randomUUID();
                    if (expected[1] <= 0) {
                        MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                                tx -> ledger.resellerPayout(tx, id, reseller, Money.of(Math.max(1, expected[1] + 1), currency))));
                        assertEquals("payout-exceeds-available", refusal.type());
                        continue;
                    }
                    Money amount = Money.of(1 + step.b() % expected[1], currency);
                    Function<DbTransaction, LedgerTransaction> payout = tx -> ledger.resellerPayout(tx, id, reseller, amount);
                    fixture.inPlatform(payout);
                    expected[1] -= amount.amount();
                    expected[2] += amount.amount();
                    payouts++;
                    recorded.add(payout);
                }
                case REPLAY -> {
                    if (!recorded.isEmpty()) {
                        Function<DbTransaction, LedgerTransaction> again = recorded.get((int) (step.a() % recorded.size()));
                        assertThrows(AlreadyRecorded.class, () -> fixture.inPlatform(again), "recorded once");
                    }
                }
            }
        }
        for (UUID reseller : resellers) {
            Balances balances = ledger.resellerBalances(reseller);
            for (Currency currency : CURRENCIES) {
                long[] expected = model.getOrDefault(reseller + ":" + currency, new long[3]);
                Balances.Balance balance = balances.in(currency);
                assertEquals(List.of(expected[0], expected[1], expected[2]), List.of(balance.pending(), balance.available(), balance.paid()),
                             reseller + " " + currency + " pending, available, paid after " + steps);
            }
        }
        long recordedPayouts = fixture.inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.ledger_transactions "
                + "WHERE kind = 'payout' AND reseller_id IN (?, ?)", resellers.get(0), resellers.get(1))
                .map(row -> Ledger.number(row, "n")).orElseThrow());
        assertEquals(payouts, recordedPayouts, "nothing paid out twice");
        Verification verification = ledger.verify();
        assertTrue(verification.balanced(), verification.view().toString());
    }

    @Provide
    Arbitrary<Integer> bps() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, RevenueShare.WHOLE), Arbitraries.of(0, 2_000, 8_500, RevenueShare.WHOLE));
    }

    private static UUID reseller() {
        UUID id = UUID.randomUUID();
        fixture.inPlatform(tx -> tx.dml("INSERT INTO marketplace.resellers (id, slug, name, api_key_id, created_by) VALUES (?, ?, ?, ?, 'test')",
                                        id, "prop-" + id.toString().substring(0, 18), "Reseller " + id, UUID.randomUUID()));
        return id;
    }
}
