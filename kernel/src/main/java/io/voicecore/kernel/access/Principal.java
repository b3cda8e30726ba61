package io.voicecore.kernel.access;

import java.util.Optional;
import java.util.UUID;

/**
 * Who is calling, as established from one credential.
 *
 * @param actorId      stable id of the actor for audit: a user id, an API key id or {@code "platform-admin"}
 * @param role         what the principal may do
 * @param tenantId     the tenant it belongs to, empty for platform-level principals
 * @param credentialId id of the credential used, the unit of rate limiting
 * @param mfaPending   true when the tenant requires MFA and the user has not enrolled yet:
 *                     such a session may only enroll
 */
public record Principal(String actorId, Role role, Optional<UUID> tenantId, String credentialId, boolean mfaPending) {

    public boolean isPlatformAdmin() {
        return role == Role.PLATFORM_ADMIN;
    }

    /** Whether this principal may act inside the given tenant at all. */
    public boolean belongsTo(UUID tenant) {
        return isPlatformAdmin() || tenantId.map(tenant::equals).orElse(false);
    }
}
