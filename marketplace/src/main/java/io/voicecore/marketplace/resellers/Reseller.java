package io.voicecore.marketplace.resellers;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** An agency or telecom that sells receptionists under its own brand to the tenants it owns (its sub-tenants). */
public record Reseller(UUID id, String slug, String name, UUID apiKeyId, Instant createdAt) {

    /** What the reseller itself and the platform admin see. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("slug", slug);
        view.put("name", name);
        view.put("createdAt", createdAt);
        return view;
    }
}
