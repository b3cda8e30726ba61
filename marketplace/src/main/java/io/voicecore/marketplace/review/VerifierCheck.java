package io.voicecore.marketplace.review;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.sandbox.PlatformLibrary;
import io.voicecore.kernel.plugins.sandbox.PluginClassPolicy;
import io.voicecore.kernel.plugins.verify.Category;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.verify.VerificationReport;
import io.voicecore.kernel.plugins.verify.Violation;

/**
 * Section {@code verifier}: the kernel's install-time bytecode verification, as an install would run it. The plugin may
 * reference the service packages of the plugins it requires and the packages of the platform libraries it names.
 */
final class VerifierCheck {
    static final String NAME = "verifier";

    private VerifierCheck() {
    }

    static ReviewSection check(byte[] jar, PluginManifest manifest, PluginVerifier verifier) {
        VerificationReport report = verifier.verify(jar, allowedPackages(manifest));
        if (report.passed()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, "no violations", List.of());
        }
        Map<Category, Long> byCategory = report.violations().stream()
                .collect(Collectors.groupingBy(Violation::category, () -> new TreeMap<>(), Collectors.counting()));
        String summary = report.violations().size() + " violation(s): " + byCategory.entrySet().stream()
                .map(e -> e.getKey().label() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
        return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, summary, report.violations().stream().map(VerifierCheck::finding).toList());
    }

    /** A violation as a finding: class, method, API, reason and category, as the kernel reports it. */
    static Map<String, Object> finding(Violation violation) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("class", violation.className());
        finding.put("method", violation.methodName());
        finding.put("api", violation.api());
        finding.put("reason", violation.reason());
        finding.put("category", code(violation.category()));
        return finding;
    }

    /** A category's name in the JSON form, e.g. {@code file-system}. */
    static String code(Category category) {
        return category.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The exported service packages of the plugins it requires, and the packages of the platform libraries it names. */
    static Set<String> allowedPackages(PluginManifest manifest) {
        Set<String> packages = new HashSet<>();
        manifest.requires().forEach(requirement -> packages.add(PluginClassPolicy.packageOf(requirement.service())));
        manifest.libraries().stream().filter(PlatformLibrary.knownNames()::contains)
                .forEach(library -> packages.addAll(PlatformLibrary.named(library).packages()));
        return packages;
    }
}
