package io.voicecore.marketplace.ledger;

import java.util.Locale;

/** The side of an entry. A transaction's debits equal its credits in every currency. */
public enum Side {
    DEBIT, CREDIT;

    /** {@code debit} or {@code credit}, as stored and answered. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Side ofWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
