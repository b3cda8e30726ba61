package io.voicecore.marketplace.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.install.JarPluginInspector;
import io.voicecore.kernel.plugins.install.PluginRejectedException;
import io.voicecore.kernel.plugins.manifest.ManifestException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;

/** Section {@code manifest}: the jar's {@code plugin.yaml} parses with the kernel's {@link ManifestParser}. */
final class ManifestCheck {
    static final String NAME = "manifest";

    /** The section, and the manifest when it parsed. */
    record Read(ReviewSection section, Optional<PluginManifest> manifest) {
    }

    private ManifestCheck() {
    }

    static Read check(byte[] jar, ManifestParser parser) {
        try {
            PluginManifest manifest = parser.parse(JarPluginInspector.manifestText(jar));
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("id", manifest.id());
            finding.put("version", manifest.version());
            finding.put("kernel", manifest.kernel());
            finding.put("main", manifest.main());
            return new Read(ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, manifest.id() + " " + manifest.version(),
                                             List.of(finding)), Optional.of(manifest));
        } catch (ManifestException e) {
            List<Map<String, Object>> findings = e.errors().stream()
                    .map(error -> Map.<String, Object>of("field", error.field(), "reason", error.problem())).toList();
            return failed(e.getMessage(), findings);
        } catch (PluginRejectedException e) {
            return failed(e.getMessage(), e.findings());
        }
    }

    private static Read failed(String message, List<Map<String, Object>> findings) {
        return new Read(ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, message, findings), Optional.empty());
    }
}
