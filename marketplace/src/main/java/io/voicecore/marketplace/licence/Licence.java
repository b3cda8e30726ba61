package io.voicecore.marketplace.licence;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.usage.UsageMeter;

/**
 * What a tenant may use of one marketplace plugin, and from when until when. A licence is carried as a token signed
 * by the marketplace ({@link LicenceSigner}) and judged by every kernel node ({@link LicenceVerifier}).
 *
 * <p>Instants are whole seconds between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the token carries epoch
 * seconds, so a licence made here is exactly the licence read back from its token. Identifiers are restricted to
 * short ASCII names, which keeps the token small and its JSON free of escapes.
 *
 * @param licenceId   this licence
 * @param tenantId    the tenant it is for
 * @param pluginId    the plugin it is for: a plugin id as in {@code plugin.yaml} ({@link ManifestParser#ID})
 * @param planId      the plan, e.g. {@code free}, {@code trial}, {@code granted}: 1-40 of {@code a-z}, {@code 0-9},
 *                    {@code -}
 * @param trial       whether it is a trial; a trial always expires
 * @param seats       how many seats, when the plan counts seats; never negative
 * @param usageLimits limits per usage meter ({@link UsageMeter#METER}, at most 64 characters), at most
 *                    {@value #MAX_USAGE_LIMITS} of them, none negative; possibly empty. Kept sorted by meter name
 * @param issuedAt    when the marketplace issued it
 * @param startsAt    from when it may be used (inclusive)
 * @param expiresAt   from when it is expired (inclusive), after {@code startsAt}; empty when it never expires (a free
 *                    plan may not)
 * @param keyId       which of the marketplace's keys signs it, so keys can be rotated: 1-64 of {@code A-Z},
 *                    {@code a-z}, {@code 0-9}, {@code .}, {@code _}, {@code -}, starting with a letter or digit
 */
public record Licence(UUID licenceId, UUID tenantId, String pluginId, String planId, boolean trial, OptionalInt seats,
                      Map<String, Long> usageLimits, Instant issuedAt, Instant startsAt, Optional<Instant> expiresAt,
                      String keyId) {
    /** The most usage limits one licence may carry. */
    public static final int MAX_USAGE_LIMITS = 16;
    /** The earliest instant a licence may name. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest instant a licence may name: the end of year 9999, so that adding a grace period never overflows. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PLAN_ID = Pattern.compile("[a-z0-9-]{1,40}");
    private static final int MAX_METER_LENGTH = 64;

    /**
     * Checks every component; the usage limits are copied into an unmodifiable map sorted by meter name.
     *
     * @throws NullPointerException     when a component is null
     * @throws IllegalArgumentException when a component is out of its range or malformed
     */
    public Licence {
        Objects.requireNonNull(licenceId, "licenceId");
        Objects.requireNonNull(tenantId, "tenantId");
        require(pluginId, ManifestParser.ID, "pluginId");
        require(planId, PLAN_ID, "planId");
        Objects.requireNonNull(seats, "seats");
        if (seats.isPresent() && seats.getAsInt() < 0) {
            throw new IllegalArgumentException("seats must not be negative: " + seats.getAsInt());
        }
        usageLimits = checkedLimits(usageLimits);
        checkInstant(issuedAt, "issuedAt");
        checkInstant(startsAt, "startsAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        expiresAt.ifPresent(expiry -> {
            checkInstant(expiry, "expiresAt");
            if (!expiry.isAfter(startsAt)) {
                throw new IllegalArgumentException("expiresAt " + expiry + " must be after startsAt " + startsAt);
            }
        });
        if (trial && expiresAt.isEmpty()) {
            throw new IllegalArgumentException("a trial licence must expire");
        }
        require(keyId, KEY_ID, "keyId");
    }

    private static void require(String value, Pattern pattern, String name) {
        Objects.requireNonNull(value, name);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must match " + pattern.pattern() + ": '" + value + "'");
        }
    }

    private static Map<String, Long> checkedLimits(Map<String, Long> limits) {
        Objects.requireNonNull(limits, "usageLimits");
        if (limits.size() > MAX_USAGE_LIMITS) {
            throw new IllegalArgumentException("at most " + MAX_USAGE_LIMITS + " usage limits, not " + limits.size());
        }
        TreeMap<String, Long> sorted = new TreeMap<>();
        limits.forEach((meter, limit) -> {
            require(meter, UsageMeter.METER, "usage limit meter");
            if (meter.length() > MAX_METER_LENGTH) {
                throw new IllegalArgumentException("usage limit meter longer than " + MAX_METER_LENGTH + ": '" + meter + "'");
            }
            Objects.requireNonNull(limit, "usage limit of " + meter);
            if (limit < 0) {
                throw new IllegalArgumentException("usage limit of " + meter + " must not be negative: " + limit);
            }
            sorted.put(meter, limit);
        });
        // Sorted, because the token lists the limits in this order and toString should too.
        return Collections.unmodifiableSortedMap(sorted);
    }

    private static void checkInstant(Instant instant, String name) {
        Objects.requireNonNull(instant, name);
        if (instant.getNano() != 0) {
            throw new IllegalArgumentException(name + " must be whole seconds (the token carries epoch seconds): " + instant);
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new IllegalArgumentException(name + " must lie between " + EARLIEST + " and " + LATEST + ": " + instant);
        }
    }
}
