package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Currency;
import java.util.List;

import io.voicecore.marketplace.commerce.ResalePrices;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * A charge at retail to a reseller's sub-tenant: for random list prices, wholesale discounts, retail prices, fees,
 * developer shares and refunds, every minor unit goes to exactly one of Stripe, the developer, the reseller and the
 * platform, no part is negative, the developer's share is of the wholesale, and refunds give back exactly their amount.
 */
class ResaleSplitProperties {
    private static final Currency EUR = Currency.getInstance("EUR");

    /** A plan's list price, the reseller's discount, its retail price, Stripe's fee and the developer's share. */
    record Sale(long listPrice, int discountBps, long retail, long fee, int developerBps) {
        long wholesale() {
            return ResalePrices.wholesale(listPrice, discountBps);
        }

        Split split() {
            return Split.resold(Money.of(retail, EUR), Money.of(fee, EUR), Money.of(wholesale(), EUR), RevenueShare.developer(developerBps));
        }
    }

    @Provide
    Arbitrary<Sale> sales() {
        Arbitrary<Long> price = Arbitraries.oneOf(Arbitraries.longs().between(0, 10_000), Arbitraries.longs().between(0, 100_000_000),
                                                  Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
        Arbitrary<Integer> bps = Arbitraries.oneOf(Arbitraries.integers().between(0, RevenueShare.WHOLE),
                                                   Arbitraries.of(0, 1, 2_000, 8_500, 9_999, RevenueShare.WHOLE));
        return Combinators.combine(price, bps, bps).as((list, discount, developer) -> new long[] {list, discount, developer}).flatMap(drawn -> {
            long list = drawn[0];
            int discount = (int) drawn[1];
            int developer = (int) drawn[2];
            long wholesale = ResalePrices.wholesale(list, discount);
            Arbitrary<Long> retail = Arbitraries.oneOf(Arbitraries.just(wholesale), Arbitraries.longs().between(wholesale, Math.max(wholesale,
                    Math.min(Long.MAX_VALUE / 2, wholesale * 3 + 1000))), Arbitraries.longs().between(wholesale, Long.MAX_VALUE / 2));
            return retail.flatMap(r -> Arbitraries.oneOf(Arbitraries.longs().between(0, r), Arbitraries.longs().between(0, Math.min(r, 100)))
                                                  .map(fee -> new Sale(list, discount, r, fee, developer)));
        });
    }

    @Property(tries = 2000)
    void everyMinorUnitOfARetailChargeGoesToExactlyOneParty(@ForAll("sales") Sale sale) {
        long wholesale = sale.wholesale();
        assertTrue(wholesale >= 0 && wholesale <= sale.listPrice(), "a discount never raises the price: " + sale);
        Split split = sale.split();
        List<Money> parts = List.of(split.fee(), split.developer(), split.reseller(), split.platform());
        parts.forEach(part -> assertTrue(part.amount() >= 0, split.view().toString()));
        BigInteger sum = parts.stream().map(part -> BigInteger.valueOf(part.amount())).reduce(BigInteger.ZERO, BigInteger::add);
        assertEquals(BigInteger.valueOf(sale.retail()), sum, split.view().toString());
        // The documented rule: the fee is borne in proportion, the developer's share is of the wholesale's net.
        BigInteger wholesaleFee = sale.retail() == 0 ? BigInteger.ZERO
                : BigInteger.valueOf(sale.fee()).multiply(BigInteger.valueOf(wholesale)).divide(BigInteger.valueOf(sale.retail()));
        BigInteger wholesaleNet = BigInteger.valueOf(wholesale).subtract(wholesaleFee);
        BigInteger developer = wholesaleNet.multiply(BigInteger.valueOf(sale.developerBps())).divide(BigInteger.valueOf(RevenueShare.WHOLE));
        assertEquals(developer.longValueExact(), split.developer().amount(), split.view().toString());
        assertEquals(wholesaleNet.subtract(developer).longValueExact(), split.platform().amount(), split.view().toString());
        assertEquals(sale.retail() - wholesale - (sale.fee() - wholesaleFee.longValueExact()), split.reseller().amount(), split.view().toString());
        // What the view keeps with the ledger transaction reads back as the same split.
        assertEquals(split, Split.fromView(io.voicecore.kernel.http.Json.MAPPER.valueToTree(split.view())));
    }

    @Property(tries = 500)
    void atWholesaleTheResellerGetsNothingAndTheSplitIsTheDirectOne(@ForAll("sales") Sale sale) {
        long wholesale = sale.wholesale();
        long fee = Math.min(sale.fee(), wholesale);
        Split resold = Split.resold(Money.of(wholesale, EUR), Money.of(fee, EUR), Money.of(wholesale, EUR), RevenueShare.developer(sale.developerBps()));
        Split direct = Split.of(Money.of(wholesale, EUR), Money.of(fee, EUR), RevenueShare.developer(sale.developerBps()));
        assertEquals(0, resold.reseller().amount());
        assertEquals(List.of(direct.fee(), direct.developer(), direct.platform()), List.of(resold.fee(), resold.developer(), resold.platform()));
    }

    @Property(tries = 1000)
    void refundsOfARetailChargeGiveBackExactlyTheirAmountAndNeverMoreThanAPartyReceived(
            @ForAll("sales") Sale sale, @ForAll @Size(max = 12) List<@LongRange(min = 0, max = Long.MAX_VALUE) Long> draws) {
        Split charge = sale.split();
        Split reversed = Split.none(EUR, charge.share());
        for (long draw : draws) {
            long still = charge.gross().amount() - reversed.gross().amount();
            if (still == 0) {
                break;
            }
            Money amount = Money.of(1 + draw % still, EUR);
            Split reversal = charge.reversal(amount, reversed);
            assertEquals(amount.amount(), reversal.fee().amount() + reversal.developer().amount() + reversal.reseller().amount()
                                          + reversal.platform().amount(), reversal.view().toString());
            reversed = reversed.plus(reversal);
            assertTrue(reversed.fee().amount() <= charge.fee().amount() && reversed.developer().amount() <= charge.developer().amount()
                       && reversed.reseller().amount() <= charge.reseller().amount()
                       && reversed.platform().amount() <= charge.platform().amount(), reversed.view() + " of " + charge.view());
        }
        // What is left is refunded in full: each party gives back exactly what it still holds.
        Money rest = charge.gross().minus(reversed.gross());
        Split last = charge.reversal(rest, reversed);
        Split all = reversed.plus(last);
        assertEquals(List.of(charge.fee(), charge.developer(), charge.reseller(), charge.platform()),
                     List.of(all.fee(), all.developer(), all.reseller(), all.platform()));
    }

    @Example
    void aNineteenEuroPlanSoldAtTwentyNineEuros() {
        // list 1900, 20 % discount: wholesale 1520; retail 2900 with a fee of 114.
        long wholesale = ResalePrices.wholesale(1900, 2000);
        assertEquals(1520, wholesale);
        Split split = Split.resold(Money.of(2900, EUR), Money.of(114, EUR), Money.of(wholesale, EUR), RevenueShare.DEFAULT);
        // fee on the wholesale floor(114 × 1520 / 2900) = 59; wholesale net 1461: developer floor(1461 × 0.85) = 1241,
        // platform 220; reseller 2900 − 1520 − (114 − 59) = 1325.
        assertEquals(1241, split.developer().amount());
        assertEquals(220, split.platform().amount());
        assertEquals(1325, split.reseller().amount());
        assertEquals(1520, split.wholesale().orElseThrow().amount());
    }

    @Example
    void aWholesaleAboveTheRetailIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Split.resold(Money.of(100, EUR), Money.of(1, EUR), Money.of(101, EUR),
                                                                        RevenueShare.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Split.resold(Money.of(100, EUR), Money.of(1, EUR), Money.of(-1, EUR),
                                                                        RevenueShare.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Split.resold(Money.of(100, EUR), Money.of(1, EUR), Money.of(50, "USD"),
                                                                        RevenueShare.DEFAULT));
    }

    @Example
    void aResellerPartNeedsAReseller() {
        Split split = Split.resold(Money.of(2900, EUR), Money.of(114, EUR), Money.of(1520, EUR), RevenueShare.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> Posting.purchase(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), split,
                                                                           java.time.Instant.now()));
    }
}
