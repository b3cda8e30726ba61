package io.voicecore.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What the tenant's licence of this plugin grants, as the plugin reads it in {@link PluginContext#licence()}: a
 * read-only view of a licence the platform has already checked. The plugin never sees the licence token, and never
 * needs to check dates itself: a call is made only while the licence serves (valid, or in its grace period after
 * expiry), so the view is there for features that depend on the plan, the seats or the usage limits.
 *
 * <pre>{@code
 * if (context.licence().map(l -> l.plan().equals("pro")).orElse(false)) {
 *     ... // a feature of the pro plan
 * }
 * }</pre>
 *
 * @param plan        the plan, e.g. {@code free}, {@code team}, {@code pro}
 * @param seats       how many seats, when the plan counts seats
 * @param usageLimits limits per usage meter (as recorded with {@code context.usage()}), sorted by meter; possibly empty
 * @param startsAt    from when the licence may be used
 * @param expiresAt   from when it is expired; empty when it never expires
 * @param trial       whether it is a trial
 * @param inGrace     whether it has expired and this call is served in the grace period: the tenant should renew
 * @since SDK 1.1
 */
public record Licence(String plan, OptionalInt seats, Map<String, Long> usageLimits, Instant startsAt, Optional<Instant> expiresAt,
                      boolean trial, boolean inGrace) {

    /**
     * Checks the components; the usage limits are copied into an unmodifiable map sorted by meter.
     *
     * @throws NullPointerException     when a component, a meter or a limit is null
     * @throws IllegalArgumentException when the plan is blank, seats or a limit are negative, or the licence
     *                                  expires before it starts
     */
    public Licence {
        Objects.requireNonNull(plan, "plan");
        if (plan.isBlank()) {
            throw new IllegalArgumentException("plan must not be blank");
        }
        Objects.requireNonNull(seats, "seats");
        if (seats.isPresent() && seats.getAsInt() < 0) {
            throw new IllegalArgumentException("seats must not be negative: " + seats.getAsInt());
        }
        Objects.requireNonNull(usageLimits, "usageLimits");
        TreeMap<String, Long> limits = new TreeMap<>();
        usageLimits.forEach((meter, limit) -> {
            Objects.requireNonNull(meter, "usage limit meter");
            Objects.requireNonNull(limit, "usage limit of " + meter);
            if (limit < 0) {
                throw new IllegalArgumentException("usage limit of " + meter + " must not be negative: " + limit);
            }
            limits.put(meter, limit);
        });
        usageLimits = Collections.unmodifiableSortedMap(limits);
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(startsAt)) {
            throw new IllegalArgumentException("expiresAt " + expiresAt.get() + " must be after startsAt " + startsAt);
        }
    }

    /**
     * The limit the licence sets on one usage meter.
     *
     * @param meter the meter, e.g. {@code api.calls}
     * @return the limit, or empty when the licence sets none on that meter
     */
    public OptionalLong usageLimit(String meter) {
        Long limit = usageLimits.get(Objects.requireNonNull(meter, "meter"));
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }
}
