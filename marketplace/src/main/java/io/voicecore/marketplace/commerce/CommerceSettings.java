package io.voicecore.marketplace.commerce;

import java.time.Duration;
import java.util.Map;

/**
 * How paid plans are sold and paid out: Stripe, how long a tenant may refund its own purchase, how long a developer's
 * share stays pending before it can be paid out (refunds and disputes come in that time), and the smallest payout.
 * From {@code VOICECORE_STRIPE_*} and {@code VOICECORE_MARKETPLACE_REFUND_WINDOW}, {@code ..._PAYOUT_HOLD} (ISO-8601
 * durations), {@code ..._PAYOUT_MINIMUM} (minor units), {@code ..._PAYOUT_TIME} (the daily payout run's time of day,
 * UTC, {@code HH:MM}) and {@code ..._SCHEDULED_JOBS} ({@code false} turns renewals and daily payouts off on a node).
 */
public record CommerceSettings(StripeSettings stripe, Duration refundWindow, Duration payoutHold, long payoutMinimum, boolean scheduledJobs,
                               java.time.LocalTime payoutTime) {

    public CommerceSettings {
        if (refundWindow.isNegative() || payoutHold.isNegative() || payoutMinimum < 1) {
            throw new IllegalArgumentException("refund window and payout hold must not be negative, the payout minimum at least 1");
        }
    }

    public static CommerceSettings defaults() {
        return new CommerceSettings(StripeSettings.none(), Duration.ofDays(14), Duration.ofDays(7), 100, true, java.time.LocalTime.of(2, 0));
    }

    public static CommerceSettings fromEnvironment(Map<String, String> environment) {
        return new CommerceSettings(StripeSettings.fromEnvironment(environment),
                duration(environment, "VOICECORE_MARKETPLACE_REFUND_WINDOW", Duration.ofDays(14)),
                duration(environment, "VOICECORE_MARKETPLACE_PAYOUT_HOLD", Duration.ofDays(7)),
                Long.parseLong(environment.getOrDefault("VOICECORE_MARKETPLACE_PAYOUT_MINIMUM", "100")),
                !"false".equals(environment.getOrDefault("VOICECORE_MARKETPLACE_SCHEDULED_JOBS", "true")),
                time(environment, "VOICECORE_MARKETPLACE_PAYOUT_TIME", java.time.LocalTime.of(2, 0)));
    }

    public CommerceSettings withStripe(StripeSettings other) {
        return new CommerceSettings(other, refundWindow, payoutHold, payoutMinimum, scheduledJobs, payoutTime);
    }

    /** These settings with the scheduled jobs on or off (tests run the jobs themselves). */
    public CommerceSettings withScheduledJobs(boolean on) {
        return new CommerceSettings(stripe, refundWindow, payoutHold, payoutMinimum, on, payoutTime);
    }

    private static java.time.LocalTime time(Map<String, String> environment, String name, java.time.LocalTime otherwise) {
        String text = environment.get(name);
        if (text == null) {
            return otherwise;
        }
        try {
            return java.time.LocalTime.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a time of day such as 02:00 (UTC), not '" + text + "'", e);
        }
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
