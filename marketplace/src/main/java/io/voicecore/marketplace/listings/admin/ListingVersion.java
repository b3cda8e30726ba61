package io.voicecore.marketplace.listings.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One published version of a listing; a yanked version is offered to no new install, and keeps serving its tenants. */
public record ListingVersion(String pluginId, String version, String channel, Instant publishedAt, Instant yankedAt,
                             String yankReason) {

    public boolean yanked() {
        return yankedAt != null;
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("listing", pluginId);
        view.put("version", version);
        view.put("channel", channel);
        view.put("publishedAt", publishedAt);
        view.put("yanked", yanked());
        view.put("yankedAt", yankedAt);
        view.put("yankReason", yankReason);
        return view;
    }
}
