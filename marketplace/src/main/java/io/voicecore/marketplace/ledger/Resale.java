package io.voicecore.marketplace.ledger;

import java.math.BigInteger;
import java.util.UUID;

/**
 * A charge to a reseller's sub-tenant at retail: the reseller, and the wholesale of what is charged (what the platform
 * sells it at to the reseller); the split is {@link Split#resold}.
 */
public record Resale(UUID resellerId, Money wholesale) {
    public Resale {
        if (resellerId == null || wholesale == null || wholesale.isNegative()) {
            throw new IllegalArgumentException("a resale names its reseller and a wholesale of zero or more");
        }
    }

    /**
     * The wholesale of a charge of {@code charged} minor units of a plan sold at {@code retailUnit} and wholesaled at
     * {@code wholesaleUnit} (per period, seat or metered unit): {@code floor(charged × wholesaleUnit / retailUnit)}, so
     * a prorated seat change, a renewal less a credit or a usage month carries the wholesale in the same proportion.
     */
    public static long wholesaleOf(long charged, long retailUnit, long wholesaleUnit) {
        if (charged < 0 || retailUnit <= 0 || wholesaleUnit < 0 || wholesaleUnit > retailUnit) {
            throw new IllegalArgumentException("a wholesale of " + wholesaleUnit + " per retail " + retailUnit + " of a charge of "
                    + charged + " cannot be taken");
        }
        return BigInteger.valueOf(charged).multiply(BigInteger.valueOf(wholesaleUnit)).divide(BigInteger.valueOf(retailUnit))
                         .longValueExact();
    }
}
