package io.voicecore.marketplace.commerce;

import java.time.Duration;
import java.util.Map;

/**
 * How paid plans are sold and paid out: Stripe, how long a tenant may refund its own purchase, how long a developer's
 * share stays pending before it can be paid out (refunds and disputes come in that time), and the smallest payout.
 * From {@code VOICECORE_STRIPE_*} and {@code VOICECORE_MARKETPLACE_REFUND_WINDOW}, {@code ..._PAYOUT_HOLD} (ISO-8601
 * durations) and {@code ..._PAYOUT_MINIMUM} (minor units).
 */
public record CommerceSettings(StripeSettings stripe, Duration refundWindow, Duration payoutHold, long payoutMinimum) {

    public CommerceSettings {
        if (refundWindow.isNegative() || payoutHold.isNegative() || payoutMinimum < 1) {
            throw new IllegalArgumentException("refund window and payout hold must not be negative, the payout minimum at least 1");
        }
    }

    public static CommerceSettings defaults() {
        return new CommerceSettings(StripeSettings.none(), Duration.ofDays(14), Duration.ofDays(7), 100);
    }

    public static CommerceSettings fromEnvironment(Map<String, String> environment) {
        return new CommerceSettings(StripeSettings.fromEnvironment(environment),
                duration(environment, "VOICECORE_MARKETPLACE_REFUND_WINDOW", Duration.ofDays(14)),
                duration(environment, "VOICECORE_MARKETPLACE_PAYOUT_HOLD", Duration.ofDays(7)),
                Long.parseLong(environment.getOrDefault("VOICECORE_MARKETPLACE_PAYOUT_MINIMUM", "100")));
    }

    public CommerceSettings withStripe(StripeSettings other) {
        return new CommerceSettings(other, refundWindow, payoutHold, payoutMinimum);
    }


    private static Duration duration(Map<String, String> environment, String name, Duration otherwise) {
        String text = environment.get(name);
        if (text == null) {
            return otherwise;
        }
        try {
            return Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as P7D, not '" + text + "'", e);
        }
    }
}
