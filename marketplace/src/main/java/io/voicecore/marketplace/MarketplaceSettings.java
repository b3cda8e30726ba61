package io.voicecore.marketplace;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.voicecore.marketplace.commerce.CommerceSettings;

/**
 * How the marketplace behaves, from the environment ({@code VOICECORE_MARKETPLACE_*}) with safe defaults.
 *
 * @param clock            the marketplace's time: licence issue and expiry, trials
 * @param fastTrack        whether a patch or minor version that asks for no new permission and has a clean report is
 *                         published without a reviewer
 * @param licenceGrace     how long a licence keeps serving after it expired
 * @param maxJarBytes      the largest submission accepted
 * @param commerce         paid plans: Stripe, refunds and payouts
 */
public record MarketplaceSettings(Clock clock, boolean fastTrack, Duration licenceGrace, long maxJarBytes,
                                  CommerceSettings commerce) {

    public static MarketplaceSettings defaults() {
        return new MarketplaceSettings(Clock.systemUTC(), true, Duration.ofDays(7), 20L * 1024 * 1024,
                                       CommerceSettings.defaults());
    }

    /** The defaults, overridden by {@code VOICECORE_MARKETPLACE_FAST_TRACK} (true/false) and {@code ..._LICENCE_GRACE} (ISO-8601, e.g. P7D). */
    public static MarketplaceSettings fromEnvironment(Map<String, String> environment) {
        MarketplaceSettings settings = defaults().withCommerce(CommerceSettings.fromEnvironment(environment));
        String fastTrack = environment.get("VOICECORE_MARKETPLACE_FAST_TRACK");
        if (fastTrack != null) {
            if (!fastTrack.equals("true") && !fastTrack.equals("false")) {
                throw new IllegalArgumentException("VOICECORE_MARKETPLACE_FAST_TRACK must be true or false, not '" + fastTrack + "'");
            }
            settings = settings.withFastTrack(Boolean.parseBoolean(fastTrack));
        }
        String grace = environment.get("VOICECORE_MARKETPLACE_LICENCE_GRACE");
        if (grace != null) {
            try {
                settings = settings.withLicenceGrace(Duration.parse(grace));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("VOICECORE_MARKETPLACE_LICENCE_GRACE must be an ISO-8601 duration such as P7D, not '"
                                                   + grace + "'", e);
            }
        }
        return settings;
    }

    public MarketplaceSettings withClock(Clock other) {
        return new MarketplaceSettings(other, fastTrack, licenceGrace, maxJarBytes, commerce);
    }

    public MarketplaceSettings withFastTrack(boolean enabled) {
        return new MarketplaceSettings(clock, enabled, licenceGrace, maxJarBytes, commerce);
    }

    public MarketplaceSettings withCommerce(CommerceSettings other) {
        return new MarketplaceSettings(clock, fastTrack, licenceGrace, maxJarBytes, other);
    }

    public MarketplaceSettings withLicenceGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the licence grace period must not be negative");
        }
        return new MarketplaceSettings(clock, fastTrack, grace, maxJarBytes, commerce);
    }
}
