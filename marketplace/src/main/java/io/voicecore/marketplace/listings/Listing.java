package io.voicecore.marketplace.listings;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.github.zafarkhaja.semver.Version;

/**
 * A published plugin as tenants find it.
 *
 * @param versions each published version, newest first: version, channel, publishedAt, yanked, yankReason, permissions
 * @param plans    the plans a tenant may choose: id, kind, trialDays, seats
 */
public record Listing(String id, String name, String description, String category, PublisherRef publisher,
                      List<Map<String, Object>> versions, List<Map<String, Object>> plans, long installs, Double ratingAverage,
                      long ratingCount) {

    /** The publisher, with its badge. */
    public record PublisherRef(UUID id, String slug, String name, boolean verified) {
    }

    /** The newest version that is not yanked, stable before beta; empty when every version is yanked. */
    public Optional<Map<String, Object>> latest(String channel) {
        return versions.stream().filter(v -> !Boolean.TRUE.equals(v.get("yanked")) && channel.equals(v.get("channel")))
                .max(Comparator.comparing(v -> Version.parse((String) v.get("version"))));
    }

    public Optional<Map<String, Object>> latest() {
        return latest("stable").or(() -> latest("beta"));
    }

    public Optional<Map<String, Object>> version(String version) {
        return versions.stream().filter(v -> version.equals(v.get("version"))).findFirst();
    }

    public Optional<Map<String, Object>> plan(String planId) {
        return plans.stream().filter(p -> planId.equals(p.get("id"))).findFirst();
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("name", name);
        view.put("description", description);
        view.put("category", category);
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("id", publisher.id());
        by.put("slug", publisher.slug());
        by.put("name", publisher.name());
        by.put("verified", publisher.verified());
        view.put("publisher", by);
        Optional<Map<String, Object>> latest = latest();
        view.put("latestVersion", latest.map(v -> v.get("version")).orElse(null));
        view.put("channel", latest.map(v -> v.get("channel")).orElse(null));
        view.put("permissions", latest.map(v -> v.get("permissions")).orElse(List.of()));
        view.put("versions", versions.stream().map(v -> {
            Map<String, Object> shown = new LinkedHashMap<>(v);
            shown.remove("permissions");
            return shown;
        }).toList());
        view.put("plans", plans);
        Map<String, Object> rating = new LinkedHashMap<>();
        rating.put("average", ratingAverage);
        rating.put("count", ratingCount);
        view.put("rating", rating);
        view.put("installs", installs);
        return view;
    }
}
