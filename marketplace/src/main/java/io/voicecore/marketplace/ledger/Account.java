package io.voicecore.marketplace.ledger;

import java.util.Currency;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A ledger account: a name from the chart of accounts, kept apart per currency. Written as {@code name:CUR}, e.g.
 * {@code stripe:clearing:EUR} or {@code publisher:<id>:pending:EUR}.
 *
 * <table>
 * <caption>Chart of accounts</caption>
 * <tr><th>name</th><th>normal side</th><th>holds</th></tr>
 * <tr><td>{@code stripe:clearing}</td><td>debit</td><td>what customers paid through Stripe, less refunds and disputes</td></tr>
 * <tr><td>{@code stripe:fees}</td><td>credit</td><td>Stripe's part of each charge</td></tr>
 * <tr><td>{@code platform:revenue}</td><td>credit</td><td>the platform's part</td></tr>
 * <tr><td>{@code publisher:<id>:pending}</td><td>credit</td><td>the developer's part, in its holding period</td></tr>
 * <tr><td>{@code publisher:<id>:available}</td><td>credit</td><td>the developer's part due in the next payout; negative when
 * a refund came after the money was paid out, and the next payout is that much less</td></tr>
 * <tr><td>{@code publisher:<id>:paid}</td><td>credit</td><td>the developer's part paid out so far</td></tr>
 * <tr><td>{@code reseller:<id>:pending}, {@code :available}, {@code :paid}</td><td>credit</td><td>a reseller's part of
 * its sub-tenants' charges, held, due and paid as a developer's part is</td></tr>
 * </table>
 * So {@code stripe:clearing} always equals the sum of the other accounts of its currency.
 *
 * @param normalSide the side that increases its balance: {@link Side#DEBIT} for what the platform holds (clearing),
 *                   {@link Side#CREDIT} for whom it holds it for
 */
public record Account(String name, Currency currency, Side normalSide) {
    public static final Pattern NAME = Pattern.compile("[a-z]+(?::[a-z0-9-]+)+");
    private static final String PUBLISHER = "publisher:";
    private static final String RESELLER = "reseller:";

    public Account {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an account name is lower-case segments separated by ':', not '" + name + "'");
        }
        if (currency == null || currency.getDefaultFractionDigits() < 0 || normalSide == null) {
            throw new IllegalArgumentException("an account has a currency with minor units and a normal side: " + name);
        }
    }

    public static Account stripeClearing(Currency currency) {
        return new Account("stripe:clearing", currency, Side.DEBIT);
    }

    public static Account stripeFees(Currency currency) {
        return new Account("stripe:fees", currency, Side.CREDIT);
    }

    public static Account platformRevenue(Currency currency) {
        return new Account("platform:revenue", currency, Side.CREDIT);
    }

    public static Account publisherPending(UUID publisherId, Currency currency) {
        return new Account(PUBLISHER + publisherId + ":pending", currency, Side.CREDIT);
    }

    public static Account publisherAvailable(UUID publisherId, Currency currency) {
        return new Account(PUBLISHER + publisherId + ":available", currency, Side.CREDIT);
    }

    public static Account publisherPaid(UUID publisherId, Currency currency) {
        return new Account(PUBLISHER + publisherId + ":paid", currency, Side.CREDIT);
    }

    public static Account resellerPending(UUID resellerId, Currency currency) {
        return new Account(RESELLER + resellerId + ":pending", currency, Side.CREDIT);
    }

    public static Account resellerAvailable(UUID resellerId, Currency currency) {
        return new Account(RESELLER + resellerId + ":available", currency, Side.CREDIT);
    }

    public static Account resellerPaid(UUID resellerId, Currency currency) {
        return new Account(RESELLER + resellerId + ":paid", currency, Side.CREDIT);
    }

    /** The publisher a {@code publisher:<id>:...} account belongs to. */
    public Optional<UUID> publisherId() {
        return owner(PUBLISHER);
    }

    /** The reseller a {@code reseller:<id>:...} account belongs to. */
    public Optional<UUID> resellerId() {
        return owner(RESELLER);
    }

    private Optional<UUID> owner(String prefix) {
        if (!name.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = name.substring(prefix.length());
        int colon = rest.indexOf(':');
        try {
            return Optional.of(UUID.fromString(colon < 0 ? rest : rest.substring(0, colon)));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    /** The name's last segment: {@code pending}, {@code available}, {@code revenue}, ... */
    public String purpose() {
        return name.substring(name.lastIndexOf(':') + 1);
    }

    /** How an entry of {@code amount} minor units on {@code side} changes the balance: positive on the normal side. */
    public long change(Side side, long amount) {
        return side == normalSide ? amount : -amount;
    }

    /** {@code name:CUR}. */
    @Override
    public String toString() {
        return name + ":" + currency.getCurrencyCode();
    }
}
