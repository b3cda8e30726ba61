package io.voicecore.standins.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Balance transactions: what each charge, refund, transfer, reversal and dispute does to the platform's balance. */
final class BalanceTransactions {
    /** Funds from a charge become available two days after it, as with Stripe's standard US payout schedule. */
    private static final long AVAILABLE_AFTER_SECONDS = 2 * 24 * 60 * 60;

    private final Store store;

    BalanceTransactions(Store store) {
        this.store = store;
    }

    /**
     * Records one movement of the balance.
     *
     * @param amount   signed, in minor units: positive for money in (a charge), negative for money out
     * @param fee      Stripe's fee on it (0 for none), described by {@code feeDescription} in {@code fee_details}
     * @param type     Stripe's {@code type}: {@code charge}, {@code refund}, {@code transfer}, {@code transfer_refund},
     *                 {@code adjustment}
     * @param category Stripe's {@code reporting_category}
     * @param source   the id of the object that caused it
     * @return the stored balance transaction (not a copy)
     */
    ObjectNode record(Call call, long amount, long fee, String feeDescription, String currency, String type,
                      String category, String source, String description) {
        ObjectNode transaction = Json.object();
        transaction.put("id", Ids.next("txn_"));
        transaction.put("object", "balance_transaction");
        transaction.put("amount", amount);
        transaction.put("available_on", call.created() + AVAILABLE_AFTER_SECONDS);
        transaction.put("balance_type", "payments");
        transaction.put("created", call.created());
        transaction.put("currency", currency);
        Json.putNullable(transaction, "description", description);
        transaction.putNull("exchange_rate");
        transaction.put("fee", fee);
        var details = transaction.putArray("fee_details");
        if (fee != 0) {
            ObjectNode detail = details.addObject();
            detail.put("amount", fee);
            detail.putNull("application");
            detail.put("currency", currency);
            detail.put("description", feeDescription);
            detail.put("type", "stripe_fee");
        }
        transaction.put("net", amount - fee);
        transaction.put("reporting_category", category);
        transaction.put("source", source);
        transaction.put("status", "pending");
        transaction.put("type", type);
        return store.put(transaction);
    }

    /** {@code GET /v1/balance_transactions/{id}}. */
    ObjectNode retrieve(String id) {
        return store.require(id, "balance_transaction", "balance_transaction", "id", 404).deepCopy();
    }
}
