package io.voicecore.marketplace.ledger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One entry of the ledger with the transaction it belongs to. Entries are numbered in the order they were recorded. */
public record LedgerEntry(long id, UUID transactionId, TransactionKind kind, String reference, Instant occurredAt, Account account,
                          Side side, Money amount) {
    /** How it changes its account's balance: positive on the account's normal side. */
    public long change() {
        return account.change(side, amount.amount());
    }

    /**
     * {@code {"id", "transaction", "kind", "reference", "occurredAt", "account", "side", "amount", "currency", "change"}};
     * amounts in minor units.
     */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("transaction", transactionId.toString());
        view.put("kind", kind.wireName());
        view.put("reference", reference);
        view.put("occurredAt", occurredAt.toString());
        view.put("account", account.name());
        view.put("side", side.wireName());
        view.putAll(amount.view());
        view.put("change", change());
        return view;
    }
}
