package io.voicecore.marketplace.ledger;

/**
 * How the net of a charge (what is left after Stripe's fee) is shared, in basis points (1/100 of a percent).
 *
 * @param developerBps the developer's share of the net, 0 to 10000; {@value #DEFAULT_DEVELOPER_BPS} unless the platform
 *                     admin set another for the publisher
 * @param resellerBps  a reseller's commission, taken from the platform's part (not from the developer's), 0 to 10000;
 *                     0: a reseller's part is its margin over the wholesale
 *                     ({@link Split#resold}), not a commission
 */
public record RevenueShare(int developerBps, int resellerBps) {
    /** Basis points in a whole: 10000 = 100 %. */
    public static final int WHOLE = 10_000;
    public static final int DEFAULT_DEVELOPER_BPS = 8_500;
    /** 85 % to the developer, the rest to the platform. */
    public static final RevenueShare DEFAULT = new RevenueShare(DEFAULT_DEVELOPER_BPS, 0);

    public RevenueShare {
        if (developerBps < 0 || developerBps > WHOLE) {
            throw new IllegalArgumentException("a developer share is 0 to 10000 basis points, not " + developerBps);
        }
        if (resellerBps < 0 || resellerBps > WHOLE) {
            throw new IllegalArgumentException("a reseller commission is 0 to 10000 basis points, not " + resellerBps);
        }
    }

    public static RevenueShare developer(int developerBps) {
        return new RevenueShare(developerBps, 0);
    }

    /** The platform's share of the net before any reseller commission. */
    public int platformBps() {
        return WHOLE - developerBps;
    }

    /**
     * {@code floor(amount × bps / 10000)} for {@code amount ≥ 0}, exact for every {@code long} (no overflow: the
     * whole ten-thousands and the rest are multiplied apart).
     */
    static long floorShare(long amount, int bps) {
        if (amount < 0) {
            throw new IllegalArgumentException("a share is taken of a non-negative amount, not " + amount);
        }
        return amount / WHOLE * bps + amount % WHOLE * bps / WHOLE;
    }
}
