package io.voicecore.kernel.identity;

import java.time.Instant;
import java.util.UUID;

import io.voicecore.kernel.access.Role;

/**
 * A person who logs in to one tenant with email and password. Its password hash and TOTP seed are
 * not part of this record: they stay in {@link UserRepository.StoredCredentials}, which never leaves the server.
 *
 * @param status     {@code active} or {@code disabled}
 * @param mfaEnabled whether login needs a TOTP code (or a recovery code)
 */
public record User(UUID id, UUID tenantId, String email, String displayName, Role role, String status, boolean mfaEnabled,
                   Instant createdAt) {
    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** The actor id audit records and principals use for this user. */
    public String actorId() {
        return SessionService.USER_ACTOR_PREFIX + id;
    }

    public User with(Role newRole, String newStatus, String newDisplayName) {
        return new User(id, tenantId, email, newDisplayName, newRole, newStatus, mfaEnabled, createdAt);
    }
}
