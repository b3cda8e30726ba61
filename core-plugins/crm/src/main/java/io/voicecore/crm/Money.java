package io.voicecore.crm;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Optional;
import java.util.regex.Pattern;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.json.Json;

/**
 * Money as the CRM keeps it: an amount in whole minor units of its currency (cents for EUR, yen for JPY) that
 * fits a {@code long}, and an ISO 4217 currency code. There is no floating point anywhere: JSON numbers are read
 * as exact decimals, stored as {@code bigint}, and summed exactly; amounts of different currencies are never added.
 */
final class Money {
    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private Money() {
    }

    /**
     * @return the amount of a JSON value: a number without a fraction, 0 to {@link Long#MAX_VALUE}; empty (and a field
     *         error) for anything else, including strings such as {@code "12"} and fractions such as {@code 12.5}
     */
    static Optional<Long> amount(Json value, String field, FieldErrors errors) {
        if (!(value instanceof Json.Num number)) {
            errors.add(field, "must be a JSON number of minor units of the currency, e.g. 1250 for 12.50 EUR (not a "
                              + value.kind() + ")");
            return Optional.empty();
        }
        BigDecimal decimal = number.value();
        if (decimal.scale() > 0) {
            errors.add(field, "must be a whole number of minor units, e.g. 1250 for 12.50 EUR; " + decimal.toPlainString()
                              + " has a fraction");
            return Optional.empty();
        }
        if (decimal.signum() < 0) {
            errors.add(field, "must not be negative");
            return Optional.empty();
        }
        try {
            return Optional.of(decimal.longValueExact());
        } catch (ArithmeticException e) {
            errors.add(field, "must be at most " + Long.MAX_VALUE + " minor units");
            return Optional.empty();
        }
    }

    /** @return the ISO 4217 code of a JSON value: three capital letters naming a known currency, e.g. EUR */
    static Optional<String> currency(Json value, String field, FieldErrors errors) {
        if (!(value instanceof Json.Str text) || !CODE.matcher(text.value()).matches()) {
            errors.add(field, "must be an ISO 4217 currency code of three capital letters, e.g. EUR or USD");
            return Optional.empty();
        }
        try {
            Currency.getInstance(text.value());
            return Optional.of(text.value());
        } catch (IllegalArgumentException e) {
            errors.add(field, "'" + text.value() + "' is not an ISO 4217 currency code");
            return Optional.empty();
        }
    }

    /**
     * @param sum  an exact sum of amounts (PostgreSQL's {@code sum(bigint)} is a {@code numeric}, so it never overflows)
     * @param what which deals were summed, for the error message
     * @return the sum as a {@code long}
     * @throws PluginProblem 409 {@code amount-sum-overflow} when the sum does not fit a {@code long}
     */
    static long total(BigDecimal sum, String what) {
        try {
            return sum.longValueExact();
        } catch (ArithmeticException e) {
            throw overflow(what);
        }
    }

    /** @return the sum of two totals @throws PluginProblem 409 {@code amount-sum-overflow} when it does not fit a {@code long} */
    static long add(long a, long b, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw overflow(what);
        }
    }

    private static PluginProblem overflow(String what) {
        return new PluginProblem(409, "amount-sum-overflow", "The amounts of " + what + " add up to more than " + Long.MAX_VALUE
                                                             + " minor units, the largest total this API reports. Correct the "
                                                             + "deals whose amounts are implausibly large.");
    }
}
