package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Currency;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Every minor unit of a charge goes to exactly one party, and reversals give back exactly what they reverse. */
class SplitProperties {
    private static final Currency EUR = Currency.getInstance("EUR");

    record Charge(long gross, long fee, int developerBps, int resellerBps) {
        Split split() {
            return Split.of(Money.of(gross, EUR), Money.of(fee, EUR), new RevenueShare(developerBps, resellerBps));
        }
    }

    @Provide
    Arbitrary<Charge> charges() {
        Arbitrary<Long> gross = Arbitraries.oneOf(Arbitraries.longs().between(0, 10_000), Arbitraries.longs().between(0, 100_000_000),
                                                  Arbitraries.longs().between(0, Long.MAX_VALUE));
        Arbitrary<Integer> bps = Arbitraries.oneOf(Arbitraries.integers().between(0, RevenueShare.WHOLE),
                                                   Arbitraries.of(0, 1, 8_500, 9_999, RevenueShare.WHOLE));
        Arbitrary<long[]> grossAndFee = gross.flatMap(g -> Arbitraries.oneOf(Arbitraries.longs().between(0, g),
                                                                             Arbitraries.longs().between(0, Math.min(g, 100)))
                                                                  .map(fee -> new long[] {g, fee}));
        return Combinators.combine(grossAndFee, bps, Arbitraries.oneOf(Arbitraries.just(0), bps))
                          .as((amounts, developer, reseller) -> new Charge(amounts[0], amounts[1], developer, reseller));
    }

    @Property(tries = 2000)
    void everyMinorUnitGoesToExactlyOneParty(@ForAll("charges") Charge charge) {
        Split split = charge.split();
        List<Money> parts = List.of(split.fee(), split.developer(), split.reseller(), split.platform());
        parts.forEach(part -> assertTrue(part.amount() >= 0, split.view().toString()));
        BigInteger sum = parts.stream().map(part -> BigInteger.valueOf(part.amount())).reduce(BigInteger.ZERO, BigInteger::add);
        assertEquals(BigInteger.valueOf(charge.gross()), sum, split.view().toString());
        assertEquals(charge.fee(), split.fee().amount());
        // The documented rule: shares round down, the platform takes the rest.
        BigInteger net = BigInteger.valueOf(charge.gross() - charge.fee());
        BigInteger developer = net.multiply(BigInteger.valueOf(charge.developerBps())).divide(BigInteger.valueOf(RevenueShare.WHOLE));
        assertEquals(developer.longValueExact(), split.developer().amount(), split.view().toString());
        BigInteger reseller = net.subtract(developer).multiply(BigInteger.valueOf(charge.resellerBps())).divide(BigInteger.valueOf(RevenueShare.WHOLE));
        assertEquals(reseller.longValueExact(), split.reseller().amount(), split.view().toString());
    }

    @Example
    void theDefaultSplitOfNineteenEuros() {
        Split split = Split.of(Money.of(1900, EUR), Money.of(55, EUR), RevenueShare.DEFAULT);
        // net 1845: developer floor(1845 × 0.85) = 1568 (1568.25), the platform the rest, 277.
        assertEquals(1568, split.developer().amount());
        assertEquals(277, split.platform().amount());
        assertEquals(0, split.reseller().amount());
    }

    @Example
    void aFeeAboveTheChargeOrANegativeAmountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Split.of(Money.of(100, EUR), Money.of(101, EUR), RevenueShare.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Split.of(Money.of(-1, EUR), Money.of(0, EUR), RevenueShare.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Split.of(Money.of(100, EUR), Money.of(1, "USD"), RevenueShare.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> new RevenueShare(10_001, 0));
    }

    @Property(tries = 1000)
    void reversalsGiveBackExactlyTheirAmountAndNeverMoreThanAPartyReceived(
            @ForAll("charges") Charge charge, @ForAll @Size(max = 12) List<@LongRange(min = 0, max = Long.MAX_VALUE) Long> draws,
            @ForAll boolean reverseTheRest) {
        Split split = charge.split();
        Split reversed = Split.none(EUR, split.share());
        for (long draw : draws) {
            long still = split.gross().amount() - reversed.gross().amount();
            long amount = still == 0 ? 0 : draw % (still + 1); // 0 to all that is still charged
            Split reversal = split.reversal(Money.of(amount, EUR), reversed);
            assertEquals(amount, reversal.gross().amount());
            assertExactProportion(split, reversed, reversal);
            reversed = reversed.plus(reversal);
            assertNoPartyGaveBackMore(split, reversed);
        }
        long still = split.gross().amount() - reversed.gross().amount();
        Split soFar = reversed;
        if (still < Long.MAX_VALUE) {
            assertThrows(IllegalArgumentException.class, () -> split.reversal(Money.of(still + 1, EUR), soFar));
        }
        assertThrows(IllegalArgumentException.class, () -> split.reversal(Money.of(-1, EUR), soFar));
        if (reverseTheRest) {
            Split rest = split.reversal(Money.of(still, EUR), reversed);
            reversed = reversed.plus(rest);
            // Reversing all that is left gives every party back exactly what it received.
            assertEquals(split.fee(), reversed.fee());
            assertEquals(split.developer(), reversed.developer());
            assertEquals(split.reseller(), reversed.reseller());
            assertEquals(split.platform(), reversed.platform());
        }
    }

    /** Each party's part is the floor or the ceiling of its exact proportional part of what it still held. */
    private static void assertExactProportion(Split split, Split before, Split reversal) {
        BigInteger still = BigInteger.valueOf(split.gross().amount() - before.gross().amount());
        if (still.signum() == 0) {
            return;
        }
        long[][] parties = {
                {split.fee().amount() - before.fee().amount(), reversal.fee().amount()},
                {split.developer().amount() - before.developer().amount(), reversal.developer().amount()},
                {split.reseller().amount() - before.reseller().amount(), reversal.reseller().amount()},
                {split.platform().amount() - before.platform().amount(), reversal.platform().amount()}};
        for (long[] party : parties) {
            BigInteger[] exact = BigInteger.valueOf(party[0]).multiply(BigInteger.valueOf(reversal.gross().amount())).divideAndRemainder(still);
            long floor = exact[0].longValueExact();
            long ceiling = exact[1].signum() == 0 ? floor : floor + 1;
            assertTrue(party[1] == floor || party[1] == ceiling, "gave back " + party[1] + " of " + party[0] + ", not " + floor + " or "
                    + ceiling + ": " + reversal.view());
        }
    }

    private static void assertNoPartyGaveBackMore(Split split, Split reversed) {
        assertTrue(reversed.fee().amount() <= split.fee().amount(), reversed.view().toString());
        assertTrue(reversed.developer().amount() <= split.developer().amount(), reversed.view().toString());
        assertTrue(reversed.reseller().amount() <= split.reseller().amount(), reversed.view().toString());
        assertTrue(reversed.platform().amount() <= split.platform().amount(), reversed.view().toString());
    }

    @Property(tries = 500)
    void theRemainderRuleIsDeterministic(@ForAll("charges") Charge charge, @ForAll @IntRange(min = 0, max = 10_000) int perTenThousand) {
        Split split = charge.split();
        long amount = BigInteger.valueOf(split.gross().amount()).multiply(BigInteger.valueOf(perTenThousand))
                                .divide(BigInteger.valueOf(10_000)).longValueExact();
        Split none = Split.none(EUR, split.share());
        assertEquals(split.reversal(Money.of(amount, EUR), none), charge.split().reversal(Money.of(amount, EUR), none));
    }
}
