package io.voicecore.marketplace.review;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;

/**
 * Section {@code permissions}: the permissions the submission asks for, against those of the last published version.
 * A permission it adds must be granted by every tenant again before they move to it, so added permissions are a
 * {@code warning} for a human to weigh with the reason the manifest gives; for a first version every permission is
 * added. Removed permissions, or none added, pass. A route that became public ({@code public: true}: served without
 * credentials, its handler authenticating callers itself) is a warning too: a reviewer checks that the plugin verifies
 * who calls it.
 */
final class PermissionDiff {
    static final String NAME = "permissions";

    private PermissionDiff() {
    }

    static ReviewSection check(PluginManifest manifest, Optional<PluginManifest> lastPublished) {
        Map<String, Permission> now = byName(manifest);
        Map<String, Permission> before = lastPublished.map(PermissionDiff::byName).orElse(Map.of());
        List<Map<String, Object>> findings = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        now.values().stream().filter(p -> !before.containsKey(p.name())).forEach(p -> {
            added.add(p.name());
            findings.add(finding("added", p));
        });
        before.values().stream().filter(p -> !now.containsKey(p.name())).forEach(p -> {
            removed.add(p.name());
            findings.add(finding("removed", p));
        });
        List<String> publicBefore = lastPublished.map(PluginManifest::publicEndpoints).orElse(List.of());
        List<String> newlyPublic = manifest.publicEndpoints().stream().filter(route -> !publicBefore.contains(route)).toList();
        newlyPublic.forEach(route -> {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("change", "public-route-added");
            finding.put("route", route);
            findings.add(finding);
        });
        String summary;
        if (lastPublished.isEmpty()) {
            summary = added.isEmpty() ? "first version, asks for no permission" : "first version, asks for " + String.join(", ", added);
        } else {
            String since = " since " + lastPublished.get().version();
            summary = added.isEmpty() && removed.isEmpty() ? "the same permissions as " + lastPublished.get().version()
                    : (added.isEmpty() ? "no new permission" : "asks for " + String.join(", ", added) + " in addition")
                      + (removed.isEmpty() ? "" : ", no longer for " + String.join(", ", removed)) + since;
        }
        if (!newlyPublic.isEmpty()) {
            summary += "; serves " + String.join(", ", newlyPublic) + " without credentials (public routes and streams)";
        }
        return ReviewSection.of(NAME, added.isEmpty() && newlyPublic.isEmpty() ? ReviewSection.Outcome.PASSED : ReviewSection.Outcome.WARNING,
                                summary, findings);
    }

    private static Map<String, Permission> byName(PluginManifest manifest) {
        return manifest.permissions().stream().collect(Collectors.toMap(Permission::name, Function.identity(), (a, b) -> a,
                                                                        LinkedHashMap::new));
    }

    private static Map<String, Object> finding(String change, Permission permission) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("change", change);
        finding.put("permission", permission.name());
        finding.put("reason", permission.reason());
        return finding;
    }
}
