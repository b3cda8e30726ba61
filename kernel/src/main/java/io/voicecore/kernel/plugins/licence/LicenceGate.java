package io.voicecore.kernel.plugins.licence;

import java.util.Optional;
import java.util.UUID;

/**
 * Judges whether a tenant's licence lets a plugin serve it. The kernel knows nothing of how licences are made or
 * signed: whatever sells plugins (the marketplace) plugs its gate in at start-up with
 * {@code TenantEnablement.useLicenceGate}, and the kernel asks it on every call.
 *
 * <p><b>On the call path.</b> {@link #standing} is called on every plugin call (each route request, each event
 * delivery call, each job run, each stream message) after the tenant's enablement and quarantine were checked, so it
 * must be cheap and must not touch the database or the network: verify the token offline and cache what is costly
 * (a signature check), never the verdict, which depends on the clock. The standing is recomputed per call, so a
 * licence stops serving at the instant it expires, without any event. It must not throw; whatever is wrong with a
 * token is a refused standing ({@link LicenceStanding.Kind#INVALID}).
 *
 * <p>Thread-safe: called concurrently from every call.
 */
@FunctionalInterface
public interface LicenceGate {

    /** Serves every plugin for every tenant, with no licence view: the kernel's gate until another is plugged in. */
    LicenceGate OPEN = (tenantId, pluginId, token) -> LicenceStanding.unlicensed();

    /**
     * The standing of a tenant's licence of a plugin, now.
     *
     * @param tenantId the tenant the call is for
     * @param pluginId the plugin called
     * @param token    the licence token attached to the tenant's enablement of the plugin, if any
     * @return the standing; {@link LicenceStanding#serves()} decides whether the call goes ahead
     */
    LicenceStanding standing(UUID tenantId, String pluginId, Optional<String> token);
}
