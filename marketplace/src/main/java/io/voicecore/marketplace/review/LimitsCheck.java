package io.voicecore.marketplace.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Limits;

/**
 * Section {@code limits}: the jar's size and number of entries within the marketplace's {@link ReviewLimits}, and the
 * per-call limits its manifest asks for within the kernel's maxima. Every limit is a finding with its value and maximum.
 */
final class LimitsCheck {
    static final String NAME = "limits";

    private LimitsCheck() {
    }

    static ReviewSection check(byte[] jar, PluginManifest manifest, ReviewLimits limits) {
        List<Map<String, Object>> findings = new ArrayList<>();
        List<String> exceeded = new ArrayList<>();
        measure(findings, exceeded, "jarBytes", jar.length, limits.maxJarBytes());
        long entries = entries(jar);
        measure(findings, exceeded, "entries", entries, limits.maxEntries());
        measure(findings, exceeded, "limits.timeoutMillis", manifest.limits().timeoutMillis(), Limits.MAX_TIMEOUT_MILLIS);
        measure(findings, exceeded, "limits.concurrency", manifest.limits().concurrency(), Limits.MAX_CONCURRENCY);
        for (PluginManifest.Route route : manifest.routes()) {
            route.timeoutMillis().ifPresent(millis -> measure(findings, exceeded, "routes[" + route.text() + "].timeoutMillis", millis,
                                                               Limits.MAX_STREAM_TIMEOUT_MILLIS));
        }
        if (!exceeded.isEmpty()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, "over the limit: " + String.join("; ", exceeded), findings);
        }
        return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, String.format(Locale.ROOT, "%,d of %,d bytes, %,d of %,d entries; its call limits are"
                + " within the kernel's", jar.length, limits.maxJarBytes(), entries, limits.maxEntries()), findings);
    }

    private static void measure(List<Map<String, Object>> findings, List<String> exceeded, String limit, long value, long maximum) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("limit", limit);
        finding.put("value", value);
        finding.put("maximum", maximum);
        findings.add(finding);
        if (value > maximum) {
            exceeded.add(String.format(Locale.ROOT, "%s is %,d, more than %,d", limit, value, maximum));
        }
    }

    /** Entries in the jar's central directory (what a class loader sees), read without expanding any. */
    private static long entries(byte[] jar) {
        Path file = null;
        try {
            file = Files.createTempFile("review-", ".jar");
            Files.write(file, jar);
            try (ZipFile zip = new ZipFile(file.toFile())) {
                return zip.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the jar's entries cannot be counted", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind changes nothing
                }
            }
        }
    }
}
