package io.voicecore.marketplace.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Whether every transaction of the ledger balances in every currency.
 *
 * @param transactions    how many transactions the ledger holds
 * @param entries         how many entries
 * @param currencies      the currencies of the entries, in order
 * @param firstUnbalanced the first recorded transaction whose debits and credits differ in a currency, if one does
 */
public record Verification(long transactions, long entries, List<String> currencies, Optional<Unbalanced> firstUnbalanced) {
    public Verification {
        currencies = List.copyOf(currencies);
    }

    /** @param debits and {@code credits}: the transaction's sums in {@code currency}, minor units */
    public record Unbalanced(UUID transactionId, String currency, long debits, long credits) {
    }

    public boolean balanced() {
        return firstUnbalanced.isEmpty();
    }

    /**
     * {@code {"balanced": true, "transactions": n, "entries": m, "currencies": [...]}}, or {@code "balanced": false} with
     * {@code "firstUnbalanced": {"transaction", "currency", "debits", "credits"}}.
     */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("balanced", balanced());
        view.put("transactions", transactions);
        view.put("entries", entries);
        view.put("currencies", currencies);
        firstUnbalanced.ifPresent(unbalanced -> {
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("transaction", unbalanced.transactionId().toString());
            first.put("currency", unbalanced.currency());
            first.put("debits", unbalanced.debits());
            first.put("credits", unbalanced.credits());
            view.put("firstUnbalanced", first);
        });
        return view;
    }
}
