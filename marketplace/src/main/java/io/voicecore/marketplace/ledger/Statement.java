package io.voicecore.marketplace.ledger;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A publisher's monthly statement (months in UTC): the balance of each of its accounts at the start of the month, every
 * entry of the month in the order it occurred with the account's balance after it, and the balances at the end.
 * Accounts are named by purpose ({@code pending}, {@code available}, {@code paid}) and kept apart per currency; every
 * account with an entry by the month's end has an opening and a closing balance (zero before its first entry).
 */
public record Statement(UUID publisherId, YearMonth month, List<AccountBalance> opening, List<Line> lines, List<AccountBalance> closing) {
    static final String CSV_HEADER = "occurred_at,transaction,kind,reference,account,currency,amount,balance";

    public Statement {
        opening = List.copyOf(opening);
        lines = List.copyOf(lines);
        closing = List.copyOf(closing);
    }

    /** An account's balance in minor units. */
    public record AccountBalance(String account, Currency currency, long balance) {
        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("account", account);
            view.put("currency", currency.getCurrencyCode());
            view.put("balance", balance);
            return view;
        }
    }

    /**
     * One entry of the month.
     *
     * @param amount  how the entry changed the account, in minor units: positive when it added to it
     * @param balance the account's balance after it, in minor units
     */
    public record Line(long entryId, UUID transactionId, TransactionKind kind, String reference, Instant occurredAt, String account,
                       Currency currency, long amount, long balance) {
        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("entry", entryId);
            view.put("transaction", transactionId.toString());
            view.put("kind", kind.wireName());
            view.put("reference", reference);
            view.put("occurredAt", occurredAt.toString());
            view.put("account", account);
            view.put("currency", currency.getCurrencyCode());
            view.put("amount", amount);
            view.put("balance", balance);
            return view;
        }
    }

    /** {@code {"publisher", "month": "2025-03", "opening": [...], "lines": [...], "closing": [...]}}; amounts in minor units. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("publisher", publisherId.toString());
        view.put("month", month.toString());
        view.put("opening", opening.stream().map(AccountBalance::view).toList());
        view.put("lines", lines.stream().map(Line::view).toList());
        view.put("closing", closing.stream().map(AccountBalance::view).toList());
        return view;
    }

    /**
     * The lines as CSV (RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a line
     * break): {@value #CSV_HEADER}. Amounts are decimals with the currency's digits ({@code 16.15}, {@code -0.85},
     * {@code 1900} for JPY), made from the minor units exactly.
     */
    public String csv() {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append("\r\n");
        for (Line line : lines) {
            List<String> fields = List.of(line.occurredAt().toString(), line.transactionId().toString(), line.kind().wireName(),
                                          line.reference(), line.account(), line.currency().getCurrencyCode(),
                                          Money.decimal(line.amount(), line.currency()), Money.decimal(line.balance(), line.currency()));
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csv.append(csvField(fields.get(i)));
            }
            csv.append("\r\n");
        }
        return csv.toString();
    }

    static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
