package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.MarketplaceRefusal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random sequences of purchases, partial refunds and disputes, releases and payouts (and replays of them) on the real
 * database, against a model of what each publisher account should hold: the ledger balances, balances are the sums of
 * their entries, reversals never take back more than a party received, and nothing is recorded (paid out) twice.
 */
class LedgerProperties {
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("EUR"), Currency.getInstance("USD"),
                                                             Currency.getInstance("JPY"));
    static LedgerFixture fixture;

    @BeforeContainer
    static void start() {
        fixture = new LedgerFixture(MarketplaceFixture.kernel(), Clock.systemUTC());
    }

    enum Type { PURCHASE, REFUND, DISPUTE, RELEASE, PAYOUT, REPLAY }

    /** One step; {@code a} and {@code b} choose amounts and targets among what exists by then. */
    record Step(Type type, int currency, long a, long b) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just(Type.PURCHASE)),
                                        net.jqwik.api.Tuple.of(3, Arbitraries.just(Type.REFUND)),
                                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Type.DISPUTE)),
                                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Type.RELEASE)),
                                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Type.PAYOUT)),
                                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Type.REPLAY))),
                Arbitraries.integers().between(0, CURRENCIES.size() - 1), Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, Long.MAX_VALUE)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(24);
    }

    /** What the model expects of one purchase. */
    static final class Charge {
        final UUID id;
        final Split split;
        Split reversed;

        Charge(UUID id, Split split) {
            this.id = id;
            this.split = split;
            this.reversed = Split.none(split.currency(), split.share());
        }

        long stillCharged() {
            return split.gross().amount() - reversed.gross().amount();
        }
    }

    /** A business event recorded, to replay. */
    record Recorded(TransactionKind kind, Function<DbTransaction, LedgerTransaction> again) {
    }

    @Property(tries = 25)
    void theLedgerAgreesWithTheModel(@ForAll("steps") List<Step> steps, @ForAll("shares") int developerBps) {
        Ledger ledger = fixture.ledger;
        UUID publisher = fixture.publisher("ledger-prop");
        ledger.setShare(publisher, developerBps, LedgerFixture.ADMIN);
        Map<Currency, long[]> model = new LinkedHashMap<>(); // pending, available, paid
        List<Charge> charges = new ArrayList<>();
        List<Recorded> recorded = new ArrayList<>();
        long payouts = 0;
        for (Step step : steps) {
            Currency currency = CURRENCIES.get(step.currency());
            long[] expected = model.computeIfAbsent(currency, c -> new long[3]);
            switch (step.type()) {
                case PURCHASE -> {
                    long gross = 1 + step.a() % 1_000_000;
                    long fee = step.b() % (gross / 10 + 1);
                    UUID id = UUID.randomUUID();
                    Money grossMoney = Money.of(gross, currency);
                    Money feeMoney = Money.of(fee, currency);
                    LedgerTransaction purchase = fixture.inPlatform(tx -> ledger.purchase(tx, id, publisher, grossMoney, feeMoney));
                    Split split = purchase.posting().split().orElseThrow();
                    assertEquals(Split.of(grossMoney, feeMoney, RevenueShare.developer(developerBps)), split);
                    charges.add(new Charge(id, split));
                    expected[0] += split.developer().amount();
                    recorded.add(new Recorded(TransactionKind.PURCHASE, tx -> ledger.purchase(tx, id, publisher, grossMoney, feeMoney)));
                }
                case REFUND, DISPUTE -> {
                    if (charges.isEmpty()) {
                        continue;
                    }
                    Charge charge = charges.get((int) (step.a() % charges.size()));
                    long[] chargeModel = model.get(charge.split.currency());
                    long still = charge.stillCharged();
                    boolean tooMuch = still == 0 || step.b() % 8 == 0;
                    Money amount = Money.of(tooMuch ? still + 1 : 1 + step.b() % still, charge.split.currency());
                    String reference = (step.type() == Type.REFUND ? "re_" : "du_") + UUID.randomUUID();
                    Function<DbTransaction, LedgerTransaction> reverse = step.type() == Type.REFUND
                            ? tx -> ledger.refund(tx, reference, charge.id, amount)
                            : tx -> ledger.dispute(tx, reference, charge.id, amount);
                    if (tooMuch) {
                        MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(reverse));
                        assertEquals("reversal-exceeds-charge", refusal.type());
                        continue;
                    }
                    Split reversal = fixture.inPlatform(reverse).posting().split().orElseThrow();
                    assertEquals(charge.split.reversal(amount, charge.reversed), reversal);
                    charge.reversed = charge.reversed.plus(reversal);
                    long fromPending = Math.min(Math.max(chargeModel[0], 0), reversal.developer().amount());
                    chargeModel[0] -= fromPending;
                    chargeModel[1] -= reversal.developer().amount() - fromPending;
                    recorded.add(new Recorded(step.type() == Type.REFUND ? TransactionKind.REFUND : TransactionKind.DISPUTE, reverse));
                }
                case RELEASE -> {
                    UUID id = UUID.randomUUID();
                    if (expected[0] <= 0) {
                        MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                                tx -> ledger.release(tx, id, publisher, Money.of(Math.max(1, expected[0] + 1), currency))));
                        assertEquals("release-exceeds-pending", refusal.type());
                        continue;
                    }
                    Money amount = Money.of(1 + step.b() % expected[0], currency);
                    fixture.inPlatform(tx -> ledger.release(tx, id, publisher, amount));
                    expected[0] -= amount.amount();
                    expected[1] += amount.amount();
                    recorded.add(new Recorded(TransactionKind.RELEASE, tx -> ledger.release(tx, id, publisher, amount)));
                }
                case PAYOUT -> {
                    UUID id = UUID.randomUUID();
                    if (expected[1] <= 0 || step.b() % 6 == 0) {
                        long more = Math.max(1, expected[1] + 1);
                        MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                                tx -> ledger.payout(tx, id, publisher, Money.of(more, currency))));
                        assertEquals("payout-exceeds-available", refusal.type());
                        continue;
                    }
                    Money amount = Money.of(1 + step.b() % expected[1], currency);
                    fixture.inPlatform(tx -> ledger.payout(tx, id, publisher, amount));
                    expected[1] -= amount.amount();
                    expected[2] += amount.amount();
                    payouts++;
                    // The same payout again is refused, however often it is retried.
                    AlreadyRecorded again = assertThrows(AlreadyRecorded.class, () -> fixture.inPlatform(
                            tx -> ledger.payout(tx, id, publisher, amount)));
                    assertEquals(id.toString(), again.reference());
                    recorded.add(new Recorded(TransactionKind.PAYOUT, tx -> ledger.payout(tx, id, publisher, amount)));
                }
                case REPLAY -> {
                    if (recorded.isEmpty()) {
                        continue;
                    }
                    Recorded event = recorded.get((int) (step.a() % recorded.size()));
                    AlreadyRecorded again = assertThrows(AlreadyRecorded.class, () -> fixture.inPlatform(event.again()));
                    assertEquals(event.kind(), again.kind());
                }
            }
        }

        // Balances are what the model says...
        Balances balances = ledger.balances(publisher);
        model.forEach((currency, expected) -> {
            Balances.Balance balance = balances.in(currency);
            assertEquals(List.of(expected[0], expected[1], expected[2]), List.of(balance.pending(), balance.available(), balance.paid()),
                         currency + " pending, available, paid after " + steps);
        });
        // ...and every account's balance is the sum of its entries, as the entries read through the API's paging give them.
        Map<String, Long> sums = new HashMap<>();
        Optional<Long> before = Optional.empty();
        while (true) {
            List<LedgerEntry> page = ledger.entries(publisher, before, 7);
            page.forEach(entry -> sums.merge(entry.account().toString(), entry.change(), Long::sum));
            if (page.size() < 7) {
                break;
            }
            before = Optional.of(page.getLast().id());
        }
        for (Balances.Balance balance : balances.balances()) {
            Currency currency = balance.currency();
            assertEquals(balance.pending(), sums.getOrDefault(Account.publisherPending(publisher, currency).toString(), 0L));
            assertEquals(balance.available(), sums.getOrDefault(Account.publisherAvailable(publisher, currency).toString(), 0L));
            assertEquals(balance.paid(), sums.getOrDefault(Account.publisherPaid(publisher, currency).toString(), 0L));
            fixture.inPlatform(tx -> {
                assertEquals(balance.availableMoney(), ledger.balance(tx, Account.publisherAvailable(publisher, currency)));
                return null;
            });
        }
        // Reversals, as recorded, never take back more from a party than the purchase gave it.
        List<DbRow> purchases = fixture.inPlatform(tx -> Database.list(tx, row -> row, """
                SELECT p.reference, p.details -> 'split' AS charge,
                       coalesce(jsonb_agg(r.details -> 'split') FILTER (WHERE r.id IS NOT NULL), '[]') AS reversals
                  FROM marketplace.ledger_transactions p LEFT JOIN marketplace.ledger_transactions r ON r.reverses = p.id
                 WHERE p.kind = 'purchase' AND p.publisher_id = ? GROUP BY p.id""", publisher));
        assertEquals(charges.size(), purchases.size());
        for (DbRow row : purchases) {
            Split charge = Split.fromView(json(row, "charge"));
            Split reversed = Split.none(charge.currency(), charge.share());
            for (JsonNode reversal : json(row, "reversals")) {
                reversed = reversed.plus(Split.fromView(reversal));
            }
            assertTrue(reversed.fee().amount() <= charge.fee().amount() && reversed.developer().amount() <= charge.developer().amount()
                       && reversed.platform().amount() <= charge.platform().amount() && reversed.gross().amount() <= charge.gross().amount(),
                       "reversed " + reversed.view() + " of " + charge.view());
            String reference = Database.text(row, "reference");
            Charge modelled = charges.stream().filter(c -> c.id.toString().equals(reference)).findFirst().orElseThrow();
            assertEquals(modelled.reversed.gross(), reversed.gross());
        }
        // Nothing paid out twice: one payout transaction per payout made.
        long recordedPayouts = fixture.inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.ledger_transactions "
                + "WHERE kind = 'payout' AND publisher_id = ?", publisher).map(row -> Ledger.number(row, "n")).orElseThrow());
        assertEquals(payouts, recordedPayouts);
        // And the whole ledger balances in every currency.
        Verification verification = ledger.verify();
        assertTrue(verification.balanced(), verification.view().toString());
    }

    @Provide
    Arbitrary<Integer> shares() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, RevenueShare.WHOLE), Arbitraries.of(RevenueShare.DEFAULT_DEVELOPER_BPS));
    }

    private static JsonNode json(DbRow row, String column) {
        try {
            return Json.MAPPER.readTree(Database.text(row, column));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
