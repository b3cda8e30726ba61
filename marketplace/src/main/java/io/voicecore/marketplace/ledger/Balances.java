package io.voicecore.marketplace.ledger;

import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A publisher's (or a reseller's) money in the ledger, per currency (in order of the currency code). */
public record Balances(UUID publisherId, List<Balance> balances) {
    public Balances {
        balances = List.copyOf(balances);
    }

    /**
     * @param pending   minor units still in their holding period
     * @param available minor units due in the next payout; negative when refunds came after a payout
     * @param paid      minor units paid out so far
     */
    public record Balance(Currency currency, long pending, long available, long paid) {
        public Money pendingMoney() {
            return Money.of(pending, currency);
        }

        public Money availableMoney() {
            return Money.of(available, currency);
        }

        public Money paidMoney() {
            return Money.of(paid, currency);
        }

        /** {@code {"currency": "EUR", "pending": 1615, "available": 0, "paid": 0}}, minor units. */
        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("currency", currency.getCurrencyCode());
            view.put("pending", pending);
            view.put("available", available);
            view.put("paid", paid);
            return view;
        }
    }

    /** The balance in {@code currency}; all zero when the publisher has none in it. */
    public Balance in(Currency currency) {
        return balances.stream().filter(balance -> balance.currency().equals(currency)).findFirst()
                       .orElse(new Balance(currency, 0, 0, 0));
    }

    /** {@code {"balances": [{"currency", "pending", "available", "paid"}]}}. */
    public Map<String, Object> view() {
        return Map.of("balances", balances.stream().map(Balance::view).toList());
    }
}
