package io.voicecore.kernel.tenancy;

import java.time.Instant;
import java.util.UUID;

/** A business using VoiceCore. Its {@code slug} is unique and may stand for its id in every URL. */
public record Tenant(UUID id, String slug, String name, String planTier, String status, boolean mfaRequired,
                     Instant createdAt) {

    public boolean active() {
        return "active".equals(status);
    }
}
