package io.voicecore.marketplace.ratings;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One tenant's rating of a listing, with the publisher's reply. It carries no tenant: nothing built from it can tell
 * other tenants or the publisher who wrote it.
 *
 * @param version   the version the tenant had installed when it last wrote the rating
 * @param reply     the publisher's reply, or null
 * @param repliedAt when the reply was last written, or null
 */
public record Rating(UUID id, String pluginId, String version, int stars, String text, Instant createdAt, Instant updatedAt,
                     String reply, Instant repliedAt) {

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("listing", pluginId);
        view.put("stars", stars);
        view.put("text", text);
        view.put("version", version);
        view.put("createdAt", createdAt);
        view.put("updatedAt", updatedAt);
        if (reply == null) {
            view.put("reply", null);
        } else {
            Map<String, Object> replied = new LinkedHashMap<>();
            replied.put("text", reply);
            replied.put("repliedAt", repliedAt);
            view.put("reply", replied);
        }
        return view;
    }
}
