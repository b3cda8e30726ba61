package io.voicecore.marketplace.ledger;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * An amount of money: a whole number of the currency's minor units (cents for EUR, yen for JPY) and its ISO 4217
 * currency. Never a floating-point number. The amount is signed, so a balance can be negative; an entry or a charge
 * is positive (checked where it is made).
 *
 * @param amount   minor units, e.g. 1900 for 19.00 EUR
 * @param currency a currency with minor-unit information ({@link #currency(String)} makes sure of it)
 */
public record Money(long amount, Currency currency) {
    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    public Money {
        if (currency == null) {
            throw new IllegalArgumentException("money needs a currency");
        }
        if (currency.getDefaultFractionDigits() < 0) {
            throw new IllegalArgumentException(currency.getCurrencyCode() + " has no minor units; it cannot be an amount of money here");
        }
    }

    public static Money of(long amount, Currency currency) {
        return new Money(amount, currency);
    }

    /** {@code Money.of(1900, "EUR")}; the code as {@link #currency(String)} accepts it. */
    public static Money of(long amount, String currencyCode) {
        return new Money(amount, currency(currencyCode));
    }

    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    /**
     * The currency an ISO 4217 code names: three upper-case letters of a real currency that has minor units (so not
     * {@code XAU} or {@code XXX}). Stripe writes codes in lower case; upper-case them first.
     *
     * @throws MarketplaceRefusal {@code currency-invalid} (422) saying what is wrong with the code
     */
    public static Currency currency(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw MarketplaceRefusal.invalid("currency-invalid", "A currency is an ISO 4217 code of three upper-case letters such as"
                    + " EUR, not " + (code == null ? "nothing" : "'" + code + "'") + ".");
        }
        Currency currency;
        try {
            currency = Currency.getInstance(code);
        } catch (IllegalArgumentException unknown) {
            throw MarketplaceRefusal.invalid("currency-invalid", "'" + code + "' is not an ISO 4217 currency.");
        }
        if (currency.getDefaultFractionDigits() < 0) {
            throw MarketplaceRefusal.invalid("currency-invalid", "'" + code + "' has no minor units (a metal, a fund or a testing"
                    + " code); choose a currency such as EUR.");
        }
        return currency;
    }

    /** How many decimal digits the minor units have: 2 for EUR, 0 for JPY, 3 for KWD. */
    public int digits() {
        return currency.getDefaultFractionDigits();
    }

    public String currencyCode() {
        return currency.getCurrencyCode();
    }

    /**
     * This plus {@code other}, of the same currency.
     *
     * @throws ArithmeticException when the sum does not fit in a {@code long}
     */
    public Money plus(Money other) {
        sameCurrency(other);
        try {
            return new Money(Math.addExact(amount, other.amount), currency);
        } catch (ArithmeticException overflow) {
            throw new ArithmeticException(this + " + " + other + " overflows the amounts the ledger can hold");
        }
    }

    /** This minus {@code other}, of the same currency; throws {@link ArithmeticException} on overflow. */
    public Money minus(Money other) {
        sameCurrency(other);
        try {
            return new Money(Math.subtractExact(amount, other.amount), currency);
        } catch (ArithmeticException overflow) {
            throw new ArithmeticException(this + " - " + other + " overflows the amounts the ledger can hold");
        }
    }

    public Money negate() {
        return new Money(Math.negateExact(amount), currency);
    }

    public boolean isZero() {
        return amount == 0;
    }

    public boolean isPositive() {
        return amount > 0;
    }

    public boolean isNegative() {
        return amount < 0;
    }

    /** The amount as a decimal string with the currency's digits, e.g. {@code "19.00"}, {@code "-0.05"}, {@code "1900"} (JPY). */
    public String decimal() {
        return decimal(amount, currency);
    }

    /** {@code minorUnits} of {@code currency} as a decimal string, computed exactly (never through a double). */
    public static String decimal(long minorUnits, Currency currency) {
        return BigDecimal.valueOf(minorUnits, currency.getDefaultFractionDigits()).toPlainString();
    }

    /** {@code {"amount": 1900, "currency": "EUR"}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("amount", amount);
        view.put("currency", currencyCode());
        return view;
    }

    void sameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + this + " with " + other + ": different currencies");
        }
    }

    /** E.g. {@code 19.00 EUR}. */
    @Override
    public String toString() {
        return decimal() + " " + currencyCode();
    }
}
