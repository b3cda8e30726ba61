package io.voicecore.marketplace.publishers;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A certificate a publisher registered to sign its jars with; a revoked one signs nothing any more. */
public record SigningKey(UUID id, UUID publisherId, String fingerprint, String algorithm, String subject, Instant notAfter,
                         String certificatePem, Instant createdAt, Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("fingerprint", fingerprint);
        view.put("algorithm", algorithm);
        view.put("subject", subject);
        view.put("notAfter", notAfter);
        view.put("createdAt", createdAt);
        view.put("revoked", revoked());
        view.put("revokedAt", revokedAt);
        return view;
    }
}
