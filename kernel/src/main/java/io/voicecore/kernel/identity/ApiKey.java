package io.voicecore.kernel.identity;

import java.time.Instant;
import java.util.UUID;

import io.voicecore.kernel.access.Role;

/** A stored API key. The secret itself is never stored or shown again after creation. */
public record ApiKey(UUID id, UUID tenantId, String name, Role role, String prefix, String createdBy,
                     Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
}
