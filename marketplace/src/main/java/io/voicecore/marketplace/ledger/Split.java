package io.voicecore.marketplace.ledger;

import java.math.BigInteger;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who gets which minor units of a charge, or of a reversal of one (a refund or a dispute): Stripe its fee, the
 * developer and the platform their shares of the rest, and for a charge to a reseller's sub-tenant the reseller its
 * margin. Every minor unit of {@code gross} goes to exactly one party: {@code fee + developer + reseller + platform == gross}.
 *
 * <p><b>The split of a charge</b> ({@link #of}): with {@code net = gross − fee},
 * {@code developer = floor(net × developerBps / 10000)}, {@code reseller = floor((net − developer) × resellerBps / 10000)}
 * and the platform gets the rest, {@code net − developer − reseller}: shares round down and the platform takes the
 * remainder (less than one minor unit from each rounded share).
 *
 * <p><b>The split of a charge at retail</b> ({@link #resold}), for a reseller's sub-tenant: the gross is the retail
 * price, of which {@code wholesale} is what the platform sells at. Stripe's fee is borne in proportion:
 * {@code wholesaleFee = floor(fee × wholesale / gross)} comes off the wholesale and the rest of the fee off the margin.
 * Of {@code wholesaleNet = wholesale − wholesaleFee} the developer gets {@code floor(wholesaleNet × developerBps / 10000)}
 * and the platform the rest; the reseller gets {@code gross − wholesale − (fee − wholesaleFee)}. No part is negative
 * (the reseller's share of the fee, rounded up, is at most its margin), and with {@code wholesale == gross} this is
 * exactly {@link #of} without a commission.
 *
 * <p><b>The reversal of part of a charge</b> ({@link #reversal}): each party gives back in proportion to what it still
 * holds of the charge (what it received less what earlier reversals took back): {@code floor(holding × amount /
 * stillCharged)}. The few minor units this leaves (fewer than the number of parties) go one each to the parties with the
 * largest remainders of that division; equal remainders in the order fee, developer, reseller, platform. So a reversal
 * sums to exactly its amount, no party ever gives back more than it received across all reversals, and reversing what
 * is still charged gives back exactly what each party still holds.
 *
 * @param share the revenue share in force when the charge was made
 */
public record Split(Money gross, Money fee, Money developer, Money reseller, Money platform, RevenueShare share,
                    Optional<Money> wholesale) {
    public Split {
        if (wholesale == null) {
            throw new IllegalArgumentException("a split's wholesale is empty rather than null");
        }
        wholesale.ifPresent(gross::sameCurrency);
        for (Money part : List.of(gross, fee, developer, reseller, platform)) {
            gross.sameCurrency(part);
            if (part.isNegative()) {
                throw new IllegalArgumentException("no part of a split is negative: " + part);
            }
        }
        if (sum(fee, developer, reseller, platform) != gross.amount()) {
            throw new IllegalArgumentException("the parts of a split (fee " + fee + ", developer " + developer + ", reseller " + reseller
                    + ", platform " + platform + ") do not add up to its gross " + gross);
        }
    }

    /** A split without a wholesale: a charge to a direct tenant, or a reversal. */
    public Split(Money gross, Money fee, Money developer, Money reseller, Money platform, RevenueShare share) {
        this(gross, fee, developer, reseller, platform, share, Optional.empty());
    }

    /**
     * The split of a charge of {@code gross} at retail to a reseller's sub-tenant, of which {@code wholesale} is the
     * platform's price to the reseller and Stripe kept {@code fee}; see the class comment for the rule.
     *
     * @throws IllegalArgumentException when the amounts are of different currencies, negative, or the fee or the
     *                                  wholesale exceed the gross
     */
    public static Split resold(Money gross, Money fee, Money wholesale, RevenueShare share) {
        gross.sameCurrency(fee);
        gross.sameCurrency(wholesale);
        if (gross.isNegative() || fee.isNegative() || wholesale.isNegative() || fee.amount() > gross.amount()
                || wholesale.amount() > gross.amount()) {
            throw new IllegalArgumentException("a charge of " + gross + " at a wholesale of " + wholesale + " with a fee of " + fee
                    + " cannot be split: all must be zero or more and the fee and the wholesale at most the charge");
        }
        long wholesaleFee = gross.isZero() ? 0 : BigInteger.valueOf(fee.amount()).multiply(BigInteger.valueOf(wholesale.amount()))
                .divide(BigInteger.valueOf(gross.amount())).longValueExact();
        long wholesaleNet = wholesale.amount() - wholesaleFee;
        long developer = RevenueShare.floorShare(wholesaleNet, share.developerBps());
        long platform = wholesaleNet - developer;
        long reseller = gross.amount() - wholesale.amount() - (fee.amount() - wholesaleFee);
        Currency currency = gross.currency();
        return new Split(gross, fee, Money.of(developer, currency), Money.of(reseller, currency), Money.of(platform, currency), share,
                         Optional.of(wholesale));
    }

    /**
     * The split of a charge of {@code gross}, of which Stripe kept {@code fee}.
     *
     * @throws IllegalArgumentException when the amounts are of different currencies, negative, or the fee exceeds the gross
     */
    public static Split of(Money gross, Money fee, RevenueShare share) {
        gross.sameCurrency(fee);
        if (gross.isNegative() || fee.isNegative() || fee.amount() > gross.amount()) {
            throw new IllegalArgumentException("a charge of " + gross + " with a fee of " + fee + " cannot be split: both must be"
                    + " zero or more and the fee at most the charge");
        }
        long net = gross.amount() - fee.amount();
        long developer = RevenueShare.floorShare(net, share.developerBps());
        long reseller = RevenueShare.floorShare(net - developer, share.resellerBps());
        long platform = net - developer - reseller;
        Currency currency = gross.currency();
        return new Split(gross, fee, Money.of(developer, currency), Money.of(reseller, currency), Money.of(platform, currency), share);
    }

    /** Nothing, e.g. what was reversed of a charge before its first refund. */
    public static Split none(Currency currency, RevenueShare share) {
        Money zero = Money.zero(currency);
        return new Split(zero, zero, zero, zero, zero, share);
    }

    public Currency currency() {
        return gross.currency();
    }

    /**
     * The reversal of {@code amount} of this charge, of which {@code reversedSoFar} (the {@link #plus sum} of the earlier
     * reversals, or {@link #none}) has been reversed already. See the class comment for the rule.
     *
     * @throws IllegalArgumentException when {@code amount} is negative or more than is still charged, or
     *                                  {@code reversedSoFar} took back more from a party than it received
     */
    public Split reversal(Money amount, Split reversedSoFar) {
        gross.sameCurrency(amount);
        gross.sameCurrency(reversedSoFar.gross);
        long[] received = parts();
        long[] taken = reversedSoFar.parts();
        long[] holding = new long[received.length];
        for (int i = 0; i < received.length; i++) {
            holding[i] = received[i] - taken[i];
            if (holding[i] < 0) {
                throw new IllegalArgumentException("earlier reversals " + reversedSoFar.view() + " took back more than the charge "
                        + view() + " gave");
            }
        }
        long stillCharged = gross.amount() - reversedSoFar.gross.amount();
        if (amount.isNegative() || amount.amount() > stillCharged) {
            throw new IllegalArgumentException("cannot reverse " + amount + " of a charge of " + gross + " of which "
                    + Money.of(stillCharged, currency()) + " is still charged");
        }
        long[] back = new long[holding.length];
        if (amount.amount() > 0) {
            BigInteger whole = BigInteger.valueOf(stillCharged);
            BigInteger[] remainders = new BigInteger[holding.length];
            long left = amount.amount();
            for (int i = 0; i < holding.length; i++) {
                BigInteger[] division = BigInteger.valueOf(holding[i]).multiply(BigInteger.valueOf(amount.amount())).divideAndRemainder(whole);
                back[i] = division[0].longValueExact();
                remainders[i] = division[1];
                left -= back[i];
            }
            for (; left > 0; left--) {
                int largest = -1;
                for (int i = 0; i < holding.length; i++) {
                    if (remainders[i].signum() > 0 && (largest < 0 || remainders[i].compareTo(remainders[largest]) > 0)) {
                        largest = i;
                    }
                }
                back[largest]++;
                remainders[largest] = BigInteger.ZERO;
            }
        }
        Currency currency = currency();
        return new Split(amount, Money.of(back[0], currency), Money.of(back[1], currency), Money.of(back[2], currency),
                         Money.of(back[3], currency), share);
    }

    /** This and {@code other}, party by party (to add up reversals); the share stays this one's. */
    public Split plus(Split other) {
        return new Split(gross.plus(other.gross), fee.plus(other.fee), developer.plus(other.developer), reseller.plus(other.reseller),
                         platform.plus(other.platform), share);
    }

    /** The parts in the order fee, developer, reseller, platform. */
    private long[] parts() {
        return new long[] {fee.amount(), developer.amount(), reseller.amount(), platform.amount()};
    }

    private static long sum(Money... parts) {
        long sum = 0;
        for (Money part : parts) {
            sum = Math.addExact(sum, part.amount());
        }
        return sum;
    }

    /**
     * {@code {"currency": "EUR", "gross": 1900, "fee": 55, "developer": 1568, "reseller": 0, "platform": 277,
     * "developerBps": 8500, "resellerBps": 0}}: minor units; kept with each ledger transaction. A charge at retail adds
     * its {@code "wholesale"}.
     */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("currency", gross.currencyCode());
        view.put("gross", gross.amount());
        view.put("fee", fee.amount());
        view.put("developer", developer.amount());
        view.put("reseller", reseller.amount());
        view.put("platform", platform.amount());
        view.put("developerBps", share.developerBps());
        view.put("resellerBps", share.resellerBps());
        wholesale.ifPresent(price -> view.put("wholesale", price.amount()));
        return view;
    }

    /** The split {@link #view} wrote. */
    static Split fromView(JsonNode view) {
        Currency currency = Money.currency(view.path("currency").asText());
        return new Split(amount(view, "gross", currency), amount(view, "fee", currency), amount(view, "developer", currency),
                         amount(view, "reseller", currency), amount(view, "platform", currency),
                         new RevenueShare(view.path("developerBps").asInt(), view.path("resellerBps").asInt()),
                         view.has("wholesale") ? Optional.of(amount(view, "wholesale", currency)) : Optional.empty());
    }

    private static Money amount(JsonNode view, String field, Currency currency) {
        JsonNode node = view.get(field);
        if (node == null || !node.canConvertToLong()) {
            throw new IllegalStateException("a stored split has no whole '" + field + "': " + view);
        }
        return Money.of(node.longValue(), currency);
    }
}
