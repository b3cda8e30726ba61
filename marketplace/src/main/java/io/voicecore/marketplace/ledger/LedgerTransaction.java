package io.voicecore.marketplace.ledger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A posting as the ledger recorded it, with the id of its transaction. */
public record LedgerTransaction(UUID id, Posting posting) {
    public TransactionKind kind() {
        return posting.kind();
    }

    public String reference() {
        return posting.reference();
    }

    /** {@code {"id", "kind", "reference", "occurredAt", "split" (if any), "entries": [{"account", "side", "amount", "currency"}]}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("kind", posting.kind().wireName());
        view.put("reference", posting.reference());
        view.put("occurredAt", posting.occurredAt().toString());
        posting.split().ifPresent(split -> view.put("split", split.view()));
        view.put("entries", posting.lines().stream().map(line -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("account", line.account().name());
            entry.put("side", line.side().wireName());
            entry.putAll(line.amount().view());
            return entry;
        }).toList());
        return view;
    }
}
