package io.voicecore.marketplace.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import org.junit.jupiter.api.Test;

/** A route served without credentials is for a reviewer to look at, like a new permission. */
class PublicRouteReviewTest {

    private static PluginManifest manifest(String version, String routes) {
        return new io.voicecore.kernel.plugins.manifest.ManifestParser().parse(TestPlugins.manifest("hooked", version, List.of(), List.of(), routes));
    }

    @Test
    void aRouteThatBecomesPublicWaitsForAReviewer() {
        PluginManifest closed = manifest("1.0.0", "routes:\n  - POST /hooks/incoming\n");
        PluginManifest opened = manifest("1.1.0", "routes:\n  - {route: POST /hooks/incoming, public: true}\n");

        ReviewSection first = PermissionDiff.check(opened, Optional.empty());
        assertEquals(ReviewSection.Outcome.WARNING, first.outcome());
        assertEquals(List.of(Map.of("change", "public-route-added", "route", "POST /hooks/incoming")), first.findings());
        assertTrue(first.summary().contains("serves POST /hooks/incoming without credentials"), first.summary());

        assertEquals(ReviewSection.Outcome.WARNING, PermissionDiff.check(opened, Optional.of(closed)).outcome());
        assertEquals(ReviewSection.Outcome.PASSED, PermissionDiff.check(manifest("1.2.0", "routes:\n  - {route: POST /hooks/incoming, public: true}\n"),
                                                                        Optional.of(opened)).outcome(), "still public: nothing new");
        assertEquals(ReviewSection.Outcome.PASSED, PermissionDiff.check(closed, Optional.of(opened)).outcome(), "no longer public");
    }
}
