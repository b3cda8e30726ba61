package io.voicecore.standins.stripe;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * Amounts in minor units (cents), Stripe's standard card fee, minimum charge amounts, and amounts written the way
 * Stripe's error messages write them ({@code $12.50}).
 */
final class Money {
    /** Stripe's standard card fee: 2.9 % of the amount, rounded half up, plus 30 minor units. */
    static final int FEE_PER_MILLE = 29;
    static final long FEE_FIXED = 30;
    /** What Stripe charges for a dispute: 15.00 in the charge's currency (the stand-in does not convert). */
    static final long DISPUTE_FEE = 1_500;
    /** The largest amount Stripe accepts on a payment: 999,999.99 in a two-decimal currency. */
    static final long MAX_AMOUNT = 99_999_999;

    private static final Set<String> ZERO_DECIMAL = Set.of("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
                                                           "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf");
    private static final Map<String, String> SYMBOLS = Map.of("usd", "$", "eur", "€", "gbp", "£", "jpy", "¥",
                                                              "cad", "CA$", "aud", "A$", "chf", "CHF ");
    private static final Map<String, Long> MINIMUM = Map.of("usd", 50L, "eur", 50L, "gbp", 30L, "cad", 50L, "aud", 50L,
                                                            "chf", 50L, "jpy", 50L);

    private Money() {
    }

    /** @return the card fee on a charge of {@code amount}: {@code round_half_up(amount × 0.029) + 30} */
    static long cardFee(long amount) {
        return (amount * FEE_PER_MILLE + 500) / 1000 + FEE_FIXED;
    }

    /** @return the smallest amount a payment in {@code currency} may have (1 for currencies without a known minimum) */
    static long minimumCharge(String currency) {
        return MINIMUM.getOrDefault(currency, 1L);
    }

    /** @return e.g. {@code $0.50} for 50 usd, {@code ¥50} for 50 jpy, {@code 12.34 sek} for 1234 sek */
    static String format(long amount, String currency) {
        String number = ZERO_DECIMAL.contains(currency) ? Long.toString(amount)
                                                        : BigDecimal.valueOf(amount, 2).toPlainString();
        String symbol = SYMBOLS.get(currency);
        return symbol == null ? number + " " + currency : symbol + number;
    }
}
