package io.voicecore.marketplace.listings.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the publisher of a listing decides about it: its category, its description and its plans. */
public record ListingSettings(String pluginId, String name, Category category, String description, List<Plan> plans,
                              Instant updatedAt) {

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", pluginId);
        view.put("name", name);
        view.put("category", category.wireName());
        view.put("description", description);
        view.put("plans", plans.stream().map(Plan::view).toList());
        view.put("updatedAt", updatedAt);
        return view;
    }
}
