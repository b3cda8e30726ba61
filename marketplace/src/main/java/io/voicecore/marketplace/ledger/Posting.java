package io.voicecore.marketplace.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What one ledger transaction will record: a business event and its entries. A posting is balanced by construction
 * (in each currency its debits equal its credits) and has at least one entry; the database checks the same again when
 * the transaction commits. The ready-made postings are those of {@link Ledger}'s methods; build one with the
 * constructor for anything else.
 *
 * @param reference the business event's own id (purchase, refund, dispute, release or payout id), 1 to 200
 *                  characters: a posting of the same kind and reference is recorded once
 * @param publisher the publisher it concerns, if one
 * @param reverses  for a refund or a dispute, the ledger transaction of the purchase it reverses part of
 * @param split     the fee and the revenue share in force (of the charge, or of its reversal)
 */
public record Posting(TransactionKind kind, String reference, Instant occurredAt, Optional<UUID> publisher, Optional<UUID> reverses,
                      Optional<Split> split, List<Line> lines) {
    public static final int MAX_REFERENCE_LENGTH = 200;

    /** One entry: an amount (positive, in the account's currency) on one side of an account. */
    public record Line(Account account, Side side, Money amount) {
        public Line {
            if (account == null || side == null || amount == null) {
                throw new IllegalArgumentException("a ledger line has an account, a side and an amount");
            }
            if (!amount.isPositive()) {
                throw new IllegalArgumentException("a ledger line's amount is positive, not " + amount + " (" + side.wireName() + " "
                        + account + ")");
            }
            if (!amount.currency().equals(account.currency())) {
                throw new IllegalArgumentException("a line of " + amount + " cannot go to " + account + ": another currency");
            }
        }

        public static Line debit(Account account, Money amount) {
            return new Line(account, Side.DEBIT, amount);
        }

        public static Line credit(Account account, Money amount) {
            return new Line(account, Side.CREDIT, amount);
        }
    }

    /**
     * @throws IllegalArgumentException when the posting has no lines, does not balance in a currency, or lacks its
     *                                  kind, reference or time
     */
    public Posting {
        if (kind == null || occurredAt == null || publisher == null || reverses == null || split == null || lines == null) {
            throw new IllegalArgumentException("a posting has a kind, a time, and empty optionals rather than nulls");
        }
        if (reference == null || reference.isBlank() || reference.length() > MAX_REFERENCE_LENGTH) {
            throw new IllegalArgumentException("a posting's reference is 1 to " + MAX_REFERENCE_LENGTH + " characters, not '" + reference + "'");
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the " + kind.wireName() + " posting " + reference + " has no entries");
        }
        Map<String, long[]> sums = new TreeMap<>();
        for (Line line : lines) {
            long[] sum = sums.computeIfAbsent(line.amount().currencyCode(), code -> new long[2]);
            int side = line.side() == Side.DEBIT ? 0 : 1;
            sum[side] = Math.addExact(sum[side], line.amount().amount());
        }
        sums.forEach((currency, sum) -> {
            if (sum[0] != sum[1]) {
                throw new IllegalArgumentException("the " + kind.wireName() + " posting " + reference + " does not balance in " + currency
                        + ": debits " + sum[0] + ", credits " + sum[1] + " (minor units)");
            }
        });
    }

    /**
     * A charge: the gross into Stripe clearing; Stripe's fee, the platform's part and the developer's part (pending)
     * credited to them.
     *
     * @throws IllegalArgumentException when the split gives a reseller a part: {@link #resold} books that
     */
    public static Posting purchase(UUID purchaseId, UUID publisherId, Split split, Instant at) {
        return resold(purchaseId, publisherId, Optional.empty(), split, at);
    }

    /**
     * A charge, to a reseller's sub-tenant when {@code resellerId} is present: as {@link #purchase}, and the reseller's
     * part credited to its pending money.
     *
     * @throws IllegalArgumentException when the split gives a reseller a part and no reseller is named
     */
    public static Posting resold(UUID purchaseId, UUID publisherId, Optional<UUID> resellerId, Split split, Instant at) {
        if (split.reseller().isPositive() && resellerId.isEmpty()) {
            throw new IllegalArgumentException("the split of purchase " + purchaseId + " gives a reseller " + split.reseller()
                    + " but names no reseller");
        }
        Currency currency = split.currency();
        List<Line> lines = new ArrayList<>();
        addLine(lines, Side.DEBIT, Account.stripeClearing(currency), split.gross());
        addLine(lines, Side.CREDIT, Account.stripeFees(currency), split.fee());
        addLine(lines, Side.CREDIT, Account.platformRevenue(currency), split.platform());
        addLine(lines, Side.CREDIT, Account.publisherPending(publisherId, currency), split.developer());
        resellerId.ifPresent(reseller -> addLine(lines, Side.CREDIT, Account.resellerPending(reseller, currency), split.reseller()));
        return new Posting(TransactionKind.PURCHASE, purchaseId.toString(), at, Optional.of(publisherId), Optional.empty(),
                           Optional.of(split), lines);
    }

    /**
     * The reversal of part of a purchase (a refund or a dispute): its amount out of Stripe clearing, each party's part
     * of it debited to that party; the developer's part from its pending money up to {@code fromPending}, the rest from
     * its available money (which may go negative); the reseller's, if the purchase had one, likewise.
     */
    static Posting reversal(TransactionKind kind, String reference, UUID purchaseTransaction, UUID publisherId, Split reversal,
                            long fromPending, Optional<UUID> resellerId, long resellerFromPending, Instant at) {
        if (kind != TransactionKind.REFUND && kind != TransactionKind.DISPUTE) {
            throw new IllegalArgumentException("a reversal is a refund or a dispute, not a " + kind.wireName());
        }
        if (reversal.reseller().isPositive() && resellerId.isEmpty()) {
            throw new IllegalArgumentException("a reversal that takes back a reseller's part names the reseller");
        }
        if (fromPending < 0 || fromPending > reversal.developer().amount()) {
            throw new IllegalArgumentException("the developer gives back " + reversal.developer() + ", so at most that from pending, not "
                    + fromPending);
        }
        if (resellerFromPending < 0 || resellerFromPending > reversal.reseller().amount()) {
            throw new IllegalArgumentException("the reseller gives back " + reversal.reseller() + ", so at most that from pending, not "
                    + resellerFromPending);
        }
        Currency currency = reversal.currency();
        List<Line> lines = new ArrayList<>();
        addLine(lines, Side.CREDIT, Account.stripeClearing(currency), reversal.gross());
        addLine(lines, Side.DEBIT, Account.stripeFees(currency), reversal.fee());
        addLine(lines, Side.DEBIT, Account.platformRevenue(currency), reversal.platform());
        addLine(lines, Side.DEBIT, Account.publisherPending(publisherId, currency), Money.of(fromPending, currency));
        addLine(lines, Side.DEBIT, Account.publisherAvailable(publisherId, currency),
                Money.of(reversal.developer().amount() - fromPending, currency));
        resellerId.ifPresent(reseller -> {
            addLine(lines, Side.DEBIT, Account.resellerPending(reseller, currency), Money.of(resellerFromPending, currency));
            addLine(lines, Side.DEBIT, Account.resellerAvailable(reseller, currency),
                    Money.of(reversal.reseller().amount() - resellerFromPending, currency));
        });
        return new Posting(kind, reference, at, Optional.of(publisherId), Optional.of(purchaseTransaction), Optional.of(reversal), lines);
    }

    /** A developer's pending money becoming available. */
    public static Posting release(UUID releaseId, UUID publisherId, Money amount, Instant at) {
        return new Posting(TransactionKind.RELEASE, releaseId.toString(), at, Optional.of(publisherId), Optional.empty(), Optional.empty(),
                           List.of(Line.debit(Account.publisherPending(publisherId, amount.currency()), amount),
                                   Line.credit(Account.publisherAvailable(publisherId, amount.currency()), amount)));
    }

    /** A developer's available money paid out. */
    public static Posting payout(UUID payoutId, UUID publisherId, Money amount, Instant at) {
        return new Posting(TransactionKind.PAYOUT, payoutId.toString(), at, Optional.of(publisherId), Optional.empty(), Optional.empty(),
                           List.of(Line.debit(Account.publisherAvailable(publisherId, amount.currency()), amount),
                                   Line.credit(Account.publisherPaid(publisherId, amount.currency()), amount)));
    }

    /** A reseller's pending money becoming available. */
    public static Posting resellerRelease(UUID releaseId, UUID resellerId, Money amount, Instant at) {
        return new Posting(TransactionKind.RELEASE, releaseId.toString(), at, Optional.empty(), Optional.empty(), Optional.empty(),
                           List.of(Line.debit(Account.resellerPending(resellerId, amount.currency()), amount),
                                   Line.credit(Account.resellerAvailable(resellerId, amount.currency()), amount)));
    }

    /** A reseller's available money paid out. */
    public static Posting resellerPayout(UUID payoutId, UUID resellerId, Money amount, Instant at) {
        return new Posting(TransactionKind.PAYOUT, payoutId.toString(), at, Optional.empty(), Optional.empty(), Optional.empty(),
                           List.of(Line.debit(Account.resellerAvailable(resellerId, amount.currency()), amount),
                                   Line.credit(Account.resellerPaid(resellerId, amount.currency()), amount)));
    }

    /** The reseller whose accounts the posting touches, if any. */
    public Optional<UUID> reseller() {
        return lines.stream().map(line -> line.account().resellerId()).flatMap(Optional::stream).findFirst();
    }

    /** Zero parts get no entry. */
    private static void addLine(List<Line> lines, Side side, Account account, Money amount) {
        if (!amount.isZero()) {
            lines.add(new Line(account, side, amount));
        }
    }
}
