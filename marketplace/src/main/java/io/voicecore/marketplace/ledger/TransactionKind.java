package io.voicecore.marketplace.ledger;

import java.util.Locale;

/** What a ledger transaction records. A business event of a kind is recorded once: its reference is unique per kind. */
public enum TransactionKind {
    /** A charge: its gross into Stripe clearing, shared among Stripe, the platform and the developer (still pending). */
    PURCHASE,
    /** Part or all of a charge given back to the customer; each party gives back its proportional part. */
    REFUND,
    /** Part or all of a charge taken back by the customer's bank (a dispute lost); booked like a refund. */
    DISPUTE,
    /** A developer's pending money becoming available after the holding period. */
    RELEASE,
    /** A developer's available money paid out. */
    PAYOUT;

    /** {@code purchase}, {@code refund}, ...: as stored and answered. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TransactionKind ofWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
