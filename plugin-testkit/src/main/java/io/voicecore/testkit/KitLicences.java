package io.voicecore.testkit;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.sdk.Licence;

/**
 * The kit's licence gate: the licences tests set per tenant and plugin ({@link TestTenant#setLicence}), judged
 * against the current time as the platform judges a marketplace licence. Tokens play no part: the kit sets the
 * licence itself rather than a signed token.
 */
final class KitLicences implements LicenceGate {
    private record Key(UUID tenantId, String pluginId) {
    }

    private final Map<Key, Licence> licences = new ConcurrentHashMap<>();
    private final Clock clock;

    KitLicences(Clock clock) {
        this.clock = clock;
    }

    void set(UUID tenantId, String pluginId, Licence licence) {
        licences.put(new Key(tenantId, pluginId), licence);
    }

    void clear(UUID tenantId, String pluginId) {
        licences.remove(new Key(tenantId, pluginId));
    }

    @Override
    public LicenceStanding standing(UUID tenantId, String pluginId, Optional<String> token) {
        Licence licence = licences.get(new Key(tenantId, pluginId));
        if (licence == null) {
            return LicenceStanding.unlicensed();
        }
        Instant now = clock.instant();
        if (now.isBefore(licence.startsAt())) {
            return LicenceStanding.refused(LicenceStanding.Kind.INVALID, "the licence starts only at " + licence.startsAt());
        }
        boolean expired = licence.expiresAt().map(expiry -> !now.isBefore(expiry)).orElse(false);
        if (licence.inGrace()) {
            return LicenceStanding.inGrace(licence, licence.expiresAt().map(expiry -> "the licence expired at " + expiry)
                    .orElse("the licence is in its grace period") + "; renew it in the marketplace");
        }
        if (expired) {
            return LicenceStanding.refused(LicenceStanding.Kind.EXPIRED, "the licence expired at " + licence.expiresAt().orElseThrow());
        }
        return LicenceStanding.serving(licence);
    }
}
