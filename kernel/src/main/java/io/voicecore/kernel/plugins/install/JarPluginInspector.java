package io.voicecore.kernel.plugins.install;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.ManifestException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.verify.VerificationReport;

/**
 * Reads {@code plugin.yaml} from a jar with {@link ManifestParser} and checks the OpenAPI document it names
 * ({@link PluginApiDocument}), then runs {@link PluginVerifier} over every class;
 * for an installed jar ({@link #reinspect}) the verification is skipped when the caller vouches for its fingerprint.
 */
public final class JarPluginInspector implements PluginInspector {
    private static final int MAX_MANIFEST_BYTES = 256 * 1024;

    private final ManifestParser manifests;
    private final PluginVerifier verifier;

    public JarPluginInspector(ManifestParser manifests, PluginVerifier verifier) {
        this.manifests = manifests;
        this.verifier = verifier;
    }

    @Override
    public Inspected inspect(byte[] jar, Function<PluginManifest, Set<String>> allowedPackages) {
        String yaml = manifestText(jar);
        PluginManifest manifest = parseInstalled(yaml);
        PluginApiDocument.read(manifest, jar); // refuses a document the kernel could not serve
        Set<String> allowed = allowedPackages.apply(manifest);
        verify(jar, manifest, allowed);
        return new Inspected(manifest, yaml, verifier.fingerprint(allowed), true);
    }

    @Override
    public PluginManifest parseInstalled(String manifestYaml) {
        try {
            return manifests.parse(manifestYaml);
        } catch (ManifestException e) {
            throw new PluginRejectedException("manifest", e.getMessage(),
                    e.errors().stream().map(error -> Map.<String, Object>of("field", error.field(), "reason", error.problem())).toList());
        }
    }

    @Override
    public Inspected reinspect(byte[] jar, PluginManifest manifest, String manifestYaml, Set<String> allowedPackages,
                               Predicate<String> verifiedBefore) {
        if (!manifestText(jar).equals(manifestYaml)) {
            throw rejected("The jar's plugin.yaml is not the one stored when plugin '" + manifest.id() + "' " + manifest.version()
                           + " was installed.");
        }
        String fingerprint = verifier.fingerprint(allowedPackages);
        if (verifiedBefore.test(fingerprint)) {
            return new Inspected(manifest, manifestYaml, fingerprint, false);
        }
        verify(jar, manifest, allowedPackages);
        return new Inspected(manifest, manifestYaml, fingerprint, true);
    }

    private void verify(byte[] jar, PluginManifest manifest, Set<String> allowedPackages) {
        VerificationReport report = verifier.verify(jar, allowedPackages);
        if (!report.passed()) {
            throw new PluginRejectedException("verification", "Plugin '" + manifest.id() + "' uses APIs that bypass the kernel's "
                    + "capabilities: " + report.summary(),
                    report.violations().stream().map(v -> {
                        Map<String, Object> finding = new LinkedHashMap<>();
                        finding.put("class", v.className());
                        finding.put("method", v.methodName());
                        finding.put("api", v.api());
                        finding.put("reason", v.reason());
                        return finding;
                    }).toList());
        }
    }

    /**
     * The text of a jar's {@code plugin.yaml}, read from its root as an install reads it.
     *
     * @throws PluginRejectedException (kind {@code manifest}) when the jar is unreadable, has no {@code plugin.yaml} or
     *                                 one larger than 256 KiB
     */
    public static String manifestText(byte[] jar) {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals("plugin.yaml")) {
                    byte[] text = zip.readNBytes(MAX_MANIFEST_BYTES + 1);
                    if (text.length > MAX_MANIFEST_BYTES) {
                        throw rejected("plugin.yaml is larger than " + MAX_MANIFEST_BYTES + " bytes.");
                    }
                    return new String(text, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw rejected("The upload is not a readable jar: " + e.getMessage());
        }
        throw rejected("The jar has no plugin.yaml at its root; every plugin declares itself there (docs/plugin-manifest.md).");
    }

    private static PluginRejectedException rejected(String detail) {
        return new PluginRejectedException("manifest", detail, List.of(Map.of("field", "plugin.yaml", "reason", detail)));
    }
}
