package io.voicecore.marketplace.review;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.VersionRange;
import io.voicecore.kernel.plugins.sandbox.PlatformLibrary;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.verify.Violation;

/**
 * Section {@code compatibility}: every reference the jar makes into the SDK links against each SDK version that a
 * kernel its manifest's {@code kernel} range admits ships (the verifier's own scan, {@link PluginVerifier#sdkLinkage},
 * against each version's API from the {@link SdkHistory}), and every platform library it names is one the kernel has.
 * Only released kernel versions are known: a range open to later ones is checked against those released so far.
 */
final class CompatibilityCheck {
    static final String NAME = "compatibility";

    private final SdkHistory history;
    private final PluginVerifier verifier;

    CompatibilityCheck(SdkHistory history, PluginVerifier verifier) {
        this.history = history;
        this.verifier = verifier;
    }

    ReviewSection check(byte[] jar, PluginManifest manifest) {
        VersionRange range = VersionRange.parse(manifest.kernel());
        Map<String, List<String>> kernelsBySdk = new LinkedHashMap<>();
        history.sdkByKernel().forEach((kernel, sdk) -> {
            if (range.includes(kernel)) {
                kernelsBySdk.computeIfAbsent(sdk, s -> new ArrayList<>()).add(kernel);
            }
        });
        List<Map<String, Object>> findings = new ArrayList<>();
        for (String library : manifest.libraries()) {
            if (!PlatformLibrary.knownNames().contains(library)) {
                findings.add(Map.of("library", library, "reason", "'" + library + "' is not a platform library of VoiceCore; known: "
                                                                  + String.join(", ", PlatformLibrary.knownNames())));
            }
        }
        if (kernelsBySdk.isEmpty()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, "the kernel range '" + manifest.kernel()
                    + "' admits no released kernel version (released: " + String.join(", ", history.sdkByKernel().keySet()) + ")", findings);
        }
        List<String> broken = new ArrayList<>();
        kernelsBySdk.forEach((sdk, kernels) -> {
            List<Violation> mismatches = verifier.sdkLinkage(jar, history.api(sdk)).violations();
            if (!mismatches.isEmpty()) {
                broken.add("SDK " + sdk + " (" + mismatches.size() + ")");
            }
            for (Violation mismatch : mismatches) {
                Map<String, Object> finding = new LinkedHashMap<>();
                finding.put("sdk", sdk);
                finding.put("kernels", List.copyOf(kernels));
                finding.putAll(VerifierCheck.finding(mismatch));
                findings.add(finding);
            }
        });
        String checked = kernelsBySdk.entrySet().stream()
                .map(e -> "SDK " + e.getKey() + " (kernel " + String.join(", ", e.getValue()) + ")").collect(Collectors.joining(", "));
        if (findings.isEmpty()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, "links against " + checked, findings);
        }
        String summary = broken.isEmpty() ? "names a platform library VoiceCore does not have"
                : "references that do not link against " + String.join(", ", broken) + "; checked " + checked;
        return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, summary, findings);
    }
}
