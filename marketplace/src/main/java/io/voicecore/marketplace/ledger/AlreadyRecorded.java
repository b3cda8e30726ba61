package io.voicecore.marketplace.ledger;

import java.util.UUID;

/**
 * The business event was recorded before: a transaction of the same kind and reference exists. An idempotent caller
 * (a webhook delivered twice, a retried payout) treats it as done. Thrown before anything is written, so the caller's
 * database transaction can go on.
 */
public final class AlreadyRecorded extends RuntimeException {
    private final TransactionKind kind;
    private final String reference;
    private final UUID transactionId;

    public AlreadyRecorded(TransactionKind kind, String reference, UUID transactionId) {
        super("the " + kind.wireName() + " " + reference + " is recorded already, as ledger transaction " + transactionId, null, false, false);
        this.kind = kind;
        this.reference = reference;
        this.transactionId = transactionId;
    }

    public TransactionKind kind() {
        return kind;
    }

    public String reference() {
        return reference;
    }

    /** The transaction that recorded it. */
    public UUID transactionId() {
        return transactionId;
    }
}
