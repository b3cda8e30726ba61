package io.voicecore.marketplace.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * The marketplace's double-entry ledger: every movement of money as a transaction of balanced entries, recorded in the
 * caller's database transaction so that a state change (a purchase paid, a payout sent) and its entries commit
 * together or not at all. Nothing recorded is ever changed; a correction is a further transaction. See {@link Account}
 * for the chart of accounts and {@link Split} for who gets which minor unit.
 *
 * <p>The methods that take a {@link DbExecute} expect a platform-scope transaction ({@link Database#inPlatform}). The
 * ones that check a balance first (refunds, disputes, releases, payouts) hold a lock on the publisher's accounts until
 * that transaction ends, so two of them for one publisher are recorded one after the other.
 */
public final class Ledger {
    private static final String ENTRY_COLUMNS = "e.id, e.transaction_id, t.kind, t.reference, t.occurred_at, a.name, a.currency, "
            + "a.normal_side, e.side, e.amount";
    private static final String CHANGE = "CASE WHEN e.side = a.normal_side THEN e.amount ELSE -e.amount END";

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public Ledger(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records a posting in the caller's transaction. The accounts it names are opened on first use. Nothing checks a
     * balance here (the ready-made postings below do); the publisher it names must exist.
     *
     * @throws AlreadyRecorded when a transaction of the same kind and reference exists; nothing is written and the
     *                         caller's transaction can go on
     */
    public LedgerTransaction record(DbExecute tx, Posting posting) {
        return record(tx, posting, posting.reseller());
    }

    /** As {@link #record(DbExecute, Posting)}, the transaction kept as the reseller's (even when its part is zero). */
    private LedgerTransaction record(DbExecute tx, Posting posting, Optional<UUID> reseller) {
        UUID id = UUID.randomUUID();
        Map<String, Object> details = posting.split().<Map<String, Object>>map(split -> Map.of("split", split.view())).orElse(Map.of());
        long inserted = tx.dml("INSERT INTO marketplace.ledger_transactions (id, kind, reference, reverses, publisher_id, occurred_at, details, "
                               + "reseller_id) VALUES (?, ?, ?, ?::uuid, ?::uuid, ?, ?::jsonb, ?::uuid) ON CONFLICT (kind, reference) DO NOTHING",
                               id, posting.kind().wireName(), posting.reference(), posting.reverses().map(UUID::toString).orElse(null),
                               posting.publisher().map(UUID::toString).orElse(null), Database.timestamp(posting.occurredAt()),
                               Json.writeString(details), reseller.map(UUID::toString).orElse(null));
        if (inserted == 0) {
            throw alreadyRecorded(tx, posting.kind(), posting.reference())
                    .orElseThrow(() -> new IllegalStateException("the " + posting.kind().wireName() + " " + posting.reference()
                            + " conflicted with a transaction that cannot be read"));
        }
        Map<Account, Long> accounts = open(tx, posting.lines().stream().map(Posting.Line::account).distinct().toList());
        StringBuilder sql = new StringBuilder("INSERT INTO marketplace.ledger_entries (transaction_id, account_id, currency, side, amount) VALUES ");
        List<Object> params = new ArrayList<>();
        for (Posting.Line line : posting.lines()) {
            sql.append(params.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?)");
            params.addAll(List.of(id, accounts.get(line.account()), line.amount().currencyCode(), line.side().wireName(),
                                  line.amount().amount()));
        }
        tx.dml(sql.toString(), params.toArray());
        return new LedgerTransaction(id, posting);
    }

    /** The ids of the accounts, opening those that are new (in a fixed order, so concurrent openings cannot deadlock). */
    private static Map<Account, Long> open(DbExecute tx, List<Account> accounts) {
        List<Account> sorted = accounts.stream().sorted(Comparator.comparing(Account::toString)).toList();
        StringBuilder insert = new StringBuilder("INSERT INTO marketplace.ledger_accounts (name, currency, normal_side, publisher_id, reseller_id) VALUES ");
        StringBuilder select = new StringBuilder("SELECT id, name, currency, normal_side FROM marketplace.ledger_accounts WHERE (name, currency) IN (");
        List<Object> insertParams = new ArrayList<>();
        List<Object> selectParams = new ArrayList<>();
        for (Account account : sorted) {
            boolean first = selectParams.isEmpty();
            insert.append(first ? "" : ", ").append("(?, ?, ?, ?::uuid, ?::uuid)");
            select.append(first ? "" : ", ").append("(?, ?)");
            insertParams.addAll(Arrays.asList(account.name(), account.currency().getCurrencyCode(), account.normalSide().wireName(),
                                              account.publisherId().map(UUID::toString).orElse(null),
                                              account.resellerId().map(UUID::toString).orElse(null)));
            selectParams.addAll(List.of(account.name(), account.currency().getCurrencyCode()));
        }
        tx.dml(insert.append(" ON CONFLICT (name, currency) DO NOTHING").toString(), insertParams.toArray());
        Map<Account, Long> ids = new HashMap<>();
        for (DbRow row : Database.list(tx, row -> row, select.append(")").toString(), selectParams.toArray())) {
            Account stored = new Account(Database.text(row, "name"), Currency.getInstance(Database.text(row, "currency")),
                                         Side.ofWireName(Database.text(row, "normal_side")));
            if (!sorted.contains(stored)) {
                throw new IllegalStateException("the ledger keeps " + stored + " with normal side " + stored.normalSide().wireName()
                        + ", not as a posting named it");
            }
            ids.put(stored, number(row, "id"));
        }
        if (ids.size() != sorted.size()) {
            throw new IllegalStateException("opened the accounts " + sorted + " but found only " + ids.keySet());
        }
        return ids;
    }

    private static Optional<AlreadyRecorded> alreadyRecorded(DbExecute tx, TransactionKind kind, String reference) {
        return tx.get("SELECT id FROM marketplace.ledger_transactions WHERE kind = ? AND reference = ?", kind.wireName(), reference)
                 .map(row -> new AlreadyRecorded(kind, reference, Database.uuid(row, "id")));
    }

    private static void refuseRecorded(DbExecute tx, TransactionKind kind, String reference) {
        Optional<AlreadyRecorded> recorded = alreadyRecorded(tx, kind, reference);
        if (recorded.isPresent()) {
            throw recorded.get();
        }
    }

    /**
     * Records a charge for a publisher's listing, split by the publisher's revenue share in force (kept with the
     * transaction): the gross into {@code stripe:clearing}; {@code stripe:fees}, {@code platform:revenue} and
     * {@code publisher:<id>:pending} credited with their parts.
     *
     * @param gross what the customer paid, positive
     * @param fee   what Stripe kept of it, 0 to {@code gross}
     * @throws AlreadyRecorded    when the purchase is recorded already
     * @throws MarketplaceRefusal {@code publisher-not-found} (404)
     */
    public LedgerTransaction purchase(DbExecute tx, UUID purchaseId, UUID publisherId, Money gross, Money fee) {
        return purchase(tx, purchaseId, publisherId, gross, fee, Optional.empty());
    }

    /**
     * Records a charge as {@link #purchase(DbExecute, UUID, UUID, Money, Money)} does; when it is a {@code resale} (a
     * reseller's sub-tenant charged at retail) split by {@link Split#resold}, the reseller's part credited to
     * {@code reseller:<id>:pending}.
     *
     * @throws MarketplaceRefusal {@code publisher-not-found}, {@code reseller-not-found} (404)
     */
    public LedgerTransaction purchase(DbExecute tx, UUID purchaseId, UUID publisherId, Money gross, Money fee, Optional<Resale> resale) {
        if (!gross.isPositive()) {
            throw new IllegalArgumentException("a purchase charges a positive amount, not " + gross);
        }
        requirePublisher(tx, publisherId);
        resale.ifPresent(sold -> requireReseller(tx, sold.resellerId()));
        refuseRecorded(tx, TransactionKind.PURCHASE, purchaseId.toString());
        RevenueShare share = share(tx, publisherId);
        Split split = resale.map(sold -> Split.resold(gross, fee, sold.wholesale(), share)).orElseGet(() -> Split.of(gross, fee, share));
        Optional<UUID> reseller = resale.map(Resale::resellerId);
        return record(tx, Posting.resold(purchaseId, publisherId, reseller, split, clock.instant()), reseller);
    }

    /**
     * Records a refund of part or all of a purchase: each party gives back its proportional part ({@link Split#reversal}),
     * the developer's from its pending money first, then from its available money (which goes negative when the money
     * was paid out already; the next payout is that much less).
     *
     * @param refundId the refund's own id, e.g. Stripe's {@code re_...}
     * @param amount   positive, at most what is still charged of the purchase
     * @throws AlreadyRecorded    when the refund is recorded already
     * @throws MarketplaceRefusal {@code purchase-not-recorded} (404), {@code currency-mismatch} (422),
     *                            {@code reversal-exceeds-charge} (409)
     */
    public LedgerTransaction refund(DbExecute tx, String refundId, UUID purchaseId, Money amount) {
        return reverse(tx, TransactionKind.REFUND, refundId, purchaseId, amount);
    }

    /** Records a dispute lost (the bank took {@code amount} of the purchase back); booked as a {@link #refund} is. */
    public LedgerTransaction dispute(DbExecute tx, String disputeId, UUID purchaseId, Money amount) {
        return reverse(tx, TransactionKind.DISPUTE, disputeId, purchaseId, amount);
    }

    private LedgerTransaction reverse(DbExecute tx, TransactionKind kind, String reference, UUID purchaseId, Money amount) {
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("a " + kind.wireName() + " takes back a positive amount, not " + amount);
        }
        RecordedPurchase recorded = recordedPurchase(tx, purchaseId).orElseThrow(() -> MarketplaceRefusal.notFound("purchase-not-recorded",
                "No purchase " + purchaseId + " in the ledger; record the purchase before its refunds and disputes."));
        UUID purchaseTransaction = recorded.transaction();
        UUID publisherId = recorded.publisherId();
        lock(tx, publisherId);
        recorded.resellerId().ifPresent(reseller -> lock(tx, reseller));
        refuseRecorded(tx, kind, reference);
        Split charge = recorded.charge();
        if (!charge.currency().equals(amount.currency())) {
            throw MarketplaceRefusal.invalid("currency-mismatch", "Purchase " + purchaseId + " was charged in " + charge.currency()
                    + "; a " + kind.wireName() + " of it is in the same currency, not " + amount.currencyCode() + ".");
        }
        Split reversed = reversed(tx, recorded);
        Money stillCharged = charge.gross().minus(reversed.gross());
        if (amount.amount() > stillCharged.amount()) {
            throw MarketplaceRefusal.conflict("reversal-exceeds-charge", "Purchase " + purchaseId + " charged " + charge.gross() + ", of which "
                    + reversed.gross() + " was refunded or disputed already; a " + kind.wireName() + " takes back at most the "
                    + stillCharged + " left, not " + amount + ".");
        }
        Split reversal = charge.reversal(amount, reversed);
        long pending = balance(tx, Account.publisherPending(publisherId, amount.currency())).amount();
        long fromPending = Math.min(Math.max(pending, 0), reversal.developer().amount());
        long resellerFromPending = recorded.resellerId().map(reseller -> {
            long held = balance(tx, Account.resellerPending(reseller, amount.currency())).amount();
            return Math.min(Math.max(held, 0), reversal.reseller().amount());
        }).orElse(0L);
        return record(tx, Posting.reversal(kind, reference, purchaseTransaction, publisherId, reversal, fromPending, recorded.resellerId(),
                                           resellerFromPending, clock.instant()), recorded.resellerId());
    }

    /** A purchase as the ledger has it: its transaction, its publisher and its split. */
    private record RecordedPurchase(UUID transaction, UUID publisherId, Optional<UUID> resellerId, Split charge) {
    }

    private static Optional<RecordedPurchase> recordedPurchase(DbExecute tx, UUID purchaseId) {
        return tx.get("SELECT id, publisher_id, reseller_id, details FROM marketplace.ledger_transactions WHERE kind = 'purchase' "
                      + "AND reference = ?", purchaseId.toString())
                 .map(row -> new RecordedPurchase(Database.uuid(row, "id"), Database.uuid(row, "publisher_id"),
                                                  Optional.ofNullable(Database.uuid(row, "reseller_id")),
                                                  Split.fromView(json(row, "details").path("split"))));
    }

    /** What the purchase's refunds and disputes took back so far (read under the publisher's lock when it decides a reversal). */
    private static Split reversed(DbExecute tx, RecordedPurchase purchase) {
        Split reversed = Split.none(purchase.charge().currency(), purchase.charge().share());
        for (DbRow earlier : Database.list(tx, row -> row, "SELECT details FROM marketplace.ledger_transactions WHERE reverses = ?",
                                           purchase.transaction())) {
            reversed = reversed.plus(Split.fromView(json(earlier, "details").path("split")));
        }
        return reversed;
    }

    /**
     * The developer's share of a purchase less what its refunds and disputes took back, in minor units: what releasing
     * the purchase makes available. 0 for a purchase the ledger does not have (nothing was charged).
     */
    public long developerShareLeft(DbExecute tx, UUID purchaseId) {
        return recordedPurchase(tx, purchaseId).map(purchase -> purchase.charge().developer()
                .minus(reversed(tx, purchase).developer()).amount()).orElse(0L);
    }

    /**
     * The reseller's part of a purchase less what its refunds and disputes took back, in minor units, with the
     * reseller: what releasing it makes available. Empty for a purchase of a direct tenant or not in the ledger.
     */
    public Optional<Map.Entry<UUID, Long>> resellerShareLeft(DbExecute tx, UUID purchaseId) {
        return recordedPurchase(tx, purchaseId).filter(purchase -> purchase.resellerId().isPresent())
                .map(purchase -> Map.entry(purchase.resellerId().orElseThrow(),
                                           purchase.charge().reseller().minus(reversed(tx, purchase).reseller()).amount()));
    }

    /**
     * Makes {@code amount} of the reseller's pending money available (its holding period is over).
     *
     * @throws AlreadyRecorded    when the release is recorded already
     * @throws MarketplaceRefusal {@code reseller-not-found} (404), {@code release-exceeds-pending} (409)
     */
    public LedgerTransaction resellerRelease(DbExecute tx, UUID releaseId, UUID resellerId, Money amount) {
        requireReseller(tx, resellerId);
        return move(tx, resellerId, "reseller", Posting.resellerRelease(releaseId, resellerId, amount, clock.instant()),
                    Account.resellerPending(resellerId, amount.currency()), "release-exceeds-pending");
    }

    /**
     * Records a payout of {@code amount} of the reseller's available money: available to paid.
     *
     * @throws AlreadyRecorded    when the payout is recorded already
     * @throws MarketplaceRefusal {@code reseller-not-found} (404), {@code payout-exceeds-available} (409)
     */
    public LedgerTransaction resellerPayout(DbExecute tx, UUID payoutId, UUID resellerId, Money amount) {
        requireReseller(tx, resellerId);
        return move(tx, resellerId, "reseller", Posting.resellerPayout(payoutId, resellerId, amount, clock.instant()),
                    Account.resellerAvailable(resellerId, amount.currency()), "payout-exceeds-available");
    }

    private static void requireReseller(DbExecute tx, UUID resellerId) {
        if (tx.get("SELECT 1 FROM marketplace.resellers WHERE id = ?", resellerId).isEmpty()) {
            throw MarketplaceRefusal.notFound("reseller-not-found", "No reseller " + resellerId + ".");
        }
    }

    /**
     * Makes {@code amount} of the publisher's pending money available (its holding period is over): pending to
     * available.
     *
     * @param releaseId the release's own id: a release is recorded once
     * @throws AlreadyRecorded    when the release is recorded already
     * @throws MarketplaceRefusal {@code publisher-not-found} (404), {@code release-exceeds-pending} (409)
     */
    public LedgerTransaction release(DbExecute tx, UUID releaseId, UUID publisherId, Money amount) {
        return move(tx, Posting.release(releaseId, publisherId, amount, clock.instant()),
                    Account.publisherPending(publisherId, amount.currency()), "release-exceeds-pending");
    }

    /**
     * Records a payout of {@code amount} of the publisher's available money: available to paid.
     *
     * @param payoutId the payout's own id: a payout is recorded once, so nothing is paid out twice
     * @throws AlreadyRecorded    when the payout is recorded already
     * @throws MarketplaceRefusal {@code publisher-not-found} (404), {@code payout-exceeds-available} (409)
     */
    public LedgerTransaction payout(DbExecute tx, UUID payoutId, UUID publisherId, Money amount) {
        return move(tx, Posting.payout(payoutId, publisherId, amount, clock.instant()),
                    Account.publisherAvailable(publisherId, amount.currency()), "payout-exceeds-available");
    }

    private LedgerTransaction move(DbExecute tx, Posting posting, Account from, String exceeds) {
        UUID publisherId = posting.publisher().orElseThrow();
        requirePublisher(tx, publisherId);
        return move(tx, publisherId, "publisher", posting, from, exceeds);
    }

    /** Moves a payee's (a publisher's or a reseller's, {@code whose}) money between its accounts, never below zero. */
    private LedgerTransaction move(DbExecute tx, UUID payee, String whose, Posting posting, Account from, String exceeds) {
        lock(tx, payee);
        refuseRecorded(tx, posting.kind(), posting.reference());
        Money amount = posting.lines().getFirst().amount();
        Money balance = balance(tx, from);
        if (balance.amount() < amount.amount()) {
            throw MarketplaceRefusal.conflict(exceeds, "The " + posting.kind().wireName() + " " + posting.reference() + " of " + amount
                    + " is more than the " + whose + "'s " + from.purpose() + " balance of " + balance + ".");
        }
        return record(tx, posting);
    }

    /** Holds the publisher's (or reseller's) balances until the transaction ends: the checks before a posting stay true until it commits. */
    private static void lock(DbExecute tx, UUID publisherId) {
        tx.get("SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('marketplace.ledger'), hashtext(?))", publisherId.toString());
    }

    private static void requirePublisher(DbExecute tx, UUID publisherId) {
        if (tx.get("SELECT 1 FROM marketplace.publishers WHERE id = ?", publisherId).isEmpty()) {
            throw MarketplaceRefusal.notFound("publisher-not-found", "No publisher " + publisherId + ".");
        }
    }

    /** The account's balance: the sum of its entries, positive on its normal side; zero for an account never used. */
    public Money balance(DbExecute tx, Account account) {
        long balance = tx.get("SELECT coalesce(sum(" + CHANGE + "), 0) AS balance FROM marketplace.ledger_accounts a "
                              + "JOIN marketplace.ledger_entries e ON e.account_id = a.id WHERE a.name = ? AND a.currency = ?",
                              account.name(), account.currency().getCurrencyCode())
                         .map(row -> number(row, "balance")).orElse(0L);
        return Money.of(balance, account.currency());
    }

    /** The publisher's pending, available and paid money per currency. */
    public Balances balances(UUID publisherId) {
        return database.inPlatform(tx -> balances(tx, publisherId));
    }

    public Balances balances(DbExecute tx, UUID publisherId) {
        return balances(tx, "publisher_id", publisherId);
    }

    /** The reseller's pending, available and paid money per currency. */
    public Balances resellerBalances(DbExecute tx, UUID resellerId) {
        return balances(tx, "reseller_id", resellerId);
    }

    public Balances resellerBalances(UUID resellerId) {
        return database.inPlatform(tx -> resellerBalances(tx, resellerId));
    }

    private static Balances balances(DbExecute tx, String owner, UUID publisherId) {
        Map<String, long[]> byCurrency = new TreeMap<>();
        for (DbRow row : Database.list(tx, row -> row, "SELECT a.name, a.currency, coalesce(sum(" + CHANGE + "), 0) AS balance "
                + "FROM marketplace.ledger_accounts a LEFT JOIN marketplace.ledger_entries e ON e.account_id = a.id "
                + "WHERE a." + owner + " = ? GROUP BY a.id, a.name, a.currency", publisherId)) {
            long[] balance = byCurrency.computeIfAbsent(Database.text(row, "currency"), code -> new long[3]);
            String name = Database.text(row, "name");
            int slot = name.endsWith(":pending") ? 0 : name.endsWith(":available") ? 1 : name.endsWith(":paid") ? 2 : -1;
            if (slot >= 0) {
                balance[slot] = number(row, "balance");
            }
        }
        List<Balances.Balance> balances = new ArrayList<>();
        byCurrency.forEach((code, balance) -> balances.add(new Balances.Balance(Currency.getInstance(code), balance[0], balance[1], balance[2])));
        return new Balances(publisherId, balances);
    }

    /**
     * Checks that every transaction balances in every currency: one pass over all entries in the database, in the
     * order of the index on transaction and currency, so it streams in constant memory however large the ledger. (The
     * database refuses to commit an unbalanced transaction; this finds one written around it.) Transactions are counted
     * from their entries: the database refuses a transaction without any.
     */
    public Verification verify() {
        return database.inPlatform(tx -> {
            // Grouping a million entries in a hash table would spill to disk; they come sorted from the index already.
            tx.dml("SET LOCAL enable_hashagg = off");
            return tx.get("""
                    WITH per_transaction AS (
                        SELECT transaction_id, sum(entries) AS entries, bool_and(debits = credits) AS balanced
                          FROM (SELECT transaction_id, currency, count(*) AS entries,
                                       coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debits,
                                       coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credits
                                  FROM marketplace.ledger_entries
                                 GROUP BY transaction_id, currency) AS per_currency
                         GROUP BY transaction_id),
                    totals AS (
                        SELECT count(*) AS transactions, coalesce(sum(entries), 0) AS entries,
                               array_agg(transaction_id) FILTER (WHERE NOT balanced) AS unbalanced
                          FROM per_transaction)
                    SELECT totals.transactions, totals.entries,
                           (SELECT coalesce(string_agg(used.currency, ',' ORDER BY used.currency), '')
                              FROM (SELECT DISTINCT a.currency::text AS currency FROM marketplace.ledger_accounts AS a
                                     WHERE EXISTS (SELECT 1 FROM marketplace.ledger_entries AS e WHERE e.account_id = a.id)) AS used
                           ) AS currencies,
                           first.transaction_id, first.currency, first.debits, first.credits
                      FROM totals
                      LEFT JOIN LATERAL (
                           SELECT e.transaction_id, e.currency,
                                  coalesce(sum(e.amount) FILTER (WHERE e.side = 'debit'), 0) AS debits,
                                  coalesce(sum(e.amount) FILTER (WHERE e.side = 'credit'), 0) AS credits
                             FROM marketplace.ledger_entries AS e
                            WHERE e.transaction_id = ANY (totals.unbalanced)
                            GROUP BY e.transaction_id, e.currency
                           HAVING coalesce(sum(e.amount) FILTER (WHERE e.side = 'debit'), 0)
                                  <> coalesce(sum(e.amount) FILTER (WHERE e.side = 'credit'), 0)
                            ORDER BY min(e.id), e.currency
                            LIMIT 1) AS first ON true
                    """).map(row -> {
                String currencies = Database.text(row, "currencies");
                Optional<Verification.Unbalanced> unbalanced = Optional.ofNullable(Database.uuid(row, "transaction_id"))
                        .map(id -> new Verification.Unbalanced(id, Database.text(row, "currency"), number(row, "debits"),
                                                               number(row, "credits")));
                return new Verification(number(row, "transactions"), number(row, "entries"),
                                        currencies.isEmpty() ? List.of() : List.of(currencies.split(",")), unbalanced);
            }).orElseThrow();
        });
    }

    /** The publisher's statement of a month (UTC). */
    public Statement statement(UUID publisherId, YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return database.inPlatform(tx -> {
            Map<Account, Long> opening = new TreeMap<>(STATEMENT_ORDER);
            for (DbRow row : Database.list(tx, row -> row, "SELECT a.name, a.currency, a.normal_side, coalesce(sum(" + CHANGE + ") "
                    + "FILTER (WHERE t.occurred_at < ?), 0) AS balance FROM marketplace.ledger_accounts a "
                    + "JOIN marketplace.ledger_entries e ON e.account_id = a.id JOIN marketplace.ledger_transactions t ON t.id = e.transaction_id "
                    + "WHERE a.publisher_id = ? AND t.occurred_at < ? GROUP BY a.id, a.name, a.currency, a.normal_side",
                    Database.timestamp(start), publisherId, Database.timestamp(end))) {
                opening.put(account(row), number(row, "balance"));
            }
            Map<Account, Long> running = new TreeMap<>(STATEMENT_ORDER);
            running.putAll(opening);
            List<Statement.Line> lines = new ArrayList<>();
            for (LedgerEntry entry : Database.list(tx, Ledger::entry, "SELECT " + ENTRY_COLUMNS + " FROM marketplace.ledger_entries e "
                    + "JOIN marketplace.ledger_accounts a ON a.id = e.account_id JOIN marketplace.ledger_transactions t ON t.id = e.transaction_id "
                    + "WHERE a.publisher_id = ? AND t.occurred_at >= ? AND t.occurred_at < ? ORDER BY t.occurred_at, e.id",
                    publisherId, Database.timestamp(start), Database.timestamp(end))) {
                long balance = running.merge(entry.account(), entry.change(), Math::addExact);
                lines.add(new Statement.Line(entry.id(), entry.transactionId(), entry.kind(), entry.reference(), entry.occurredAt(),
                                             entry.account().purpose(), entry.account().currency(), entry.change(), balance));
            }
            return new Statement(publisherId, month, balances(opening), lines, balances(running));
        });
    }

    /** Statements list accounts by currency, then pending, available, paid. */
    private static final Comparator<Account> STATEMENT_ORDER = Comparator.comparing((Account account) -> account.currency().getCurrencyCode())
            .thenComparing(account -> List.of("pending", "available", "paid").indexOf(account.purpose()))
            .thenComparing(Account::name);

    private static List<Statement.AccountBalance> balances(Map<Account, Long> balances) {
        return balances.entrySet().stream()
                       .map(e -> new Statement.AccountBalance(e.getKey().purpose(), e.getKey().currency(), e.getValue())).toList();
    }

    /**
     * The entries of the publisher's accounts, newest first: at most {@code count}, recorded before entry
     * {@code before} if given.
     */
    public List<LedgerEntry> entries(UUID publisherId, Optional<Long> before, int count) {
        return database.inPlatform(tx -> Database.list(tx, Ledger::entry, "SELECT " + ENTRY_COLUMNS + " FROM marketplace.ledger_entries e "
                + "JOIN marketplace.ledger_accounts a ON a.id = e.account_id JOIN marketplace.ledger_transactions t ON t.id = e.transaction_id "
                + "WHERE a.publisher_id = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?", publisherId, before.orElse(Long.MAX_VALUE), count));
    }

    /** The publisher's revenue share in force: the one the platform admin set, or {@link RevenueShare#DEFAULT}. */
    public RevenueShare share(DbExecute tx, UUID publisherId) {
        return tx.get("SELECT developer_bps FROM marketplace.publisher_revenue_share WHERE publisher_id = ?", publisherId)
                 .map(row -> RevenueShare.developer((int) number(row, "developer_bps"))).orElse(RevenueShare.DEFAULT);
    }

    public RevenueShare share(UUID publisherId) {
        return database.inPlatform(tx -> share(tx, publisherId));
    }

    /**
     * Sets the developer's share of the publisher's future sales (platform admin); sales recorded before keep theirs.
     *
     * @param developerBps 0 to 10000 basis points
     * @throws MarketplaceRefusal {@code role-required} (403) for anyone but the platform admin
     */
    public RevenueShare setShare(UUID publisherId, int developerBps, Principal admin) {
        Actors.requirePlatformAdmin(admin, "set a publisher's revenue share");
        RevenueShare share = RevenueShare.developer(developerBps);
        return database.inPlatform(tx -> {
            requirePublisher(tx, publisherId);
            RevenueShare before = share(tx, publisherId);
            tx.dml("INSERT INTO marketplace.publisher_revenue_share (publisher_id, developer_bps, set_by, set_at) VALUES (?, ?, ?, ?) "
                   + "ON CONFLICT (publisher_id) DO UPDATE SET developer_bps = EXCLUDED.developer_bps, set_by = EXCLUDED.set_by, "
                   + "set_at = EXCLUDED.set_at", publisherId, developerBps, admin.actorId(), Database.timestamp(clock.instant()));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("developerBps", developerBps);
            details.put("previousDeveloperBps", before.developerBps());
            audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.revenue-share.set", "publisher:" + publisherId, details));
            return share;
        });
    }

    private static LedgerEntry entry(DbRow row) {
        Account account = account(row);
        return new LedgerEntry(number(row, "id"), Database.uuid(row, "transaction_id"), TransactionKind.ofWireName(Database.text(row, "kind")),
                               Database.text(row, "reference"), Database.instant(row, "occurred_at"), account,
                               Side.ofWireName(Database.text(row, "side")), Money.of(number(row, "amount"), account.currency()));
    }

    private static Account account(DbRow row) {
        return new Account(Database.text(row, "name"), Currency.getInstance(Database.text(row, "currency")),
                           Side.ofWireName(Database.text(row, "normal_side")));
    }

    /** A whole-number column (bigint, or a sum PostgreSQL answers as numeric); 0 for SQL NULL. */
    static long number(DbRow row, String column) {
        Object value = row.column(column).asOptional().orElse(null);
        return switch (value) {
            case null -> 0;
            case java.math.BigDecimal decimal -> decimal.longValueExact();
            case Number number -> number.longValue();
            default -> throw new IllegalStateException("column " + column + " is not a number: " + value.getClass());
        };
    }

    private static JsonNode json(DbRow row, String column) {
        try {
            return Json.MAPPER.readTree(Database.text(row, column));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a ledger transaction's " + column + " is not JSON", e);
        }
    }
}
