package io.voicecore.marketplace.submissions;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.Json;
import io.voicecore.marketplace.review.AutomatedReview;
import io.voicecore.marketplace.review.ReviewReport;
import io.voicecore.marketplace.review.ReviewSection;

/** The marketplace's automated review ({@link AutomatedReview}) as the check submissions go through. */
public final class AutomatedReviews {
    private AutomatedReviews() {
    }

    /** The automated review on this kernel's verifier and containment. */
    public static AutomatedCheck of(KernelServices kernel) {
        AutomatedReview review = AutomatedReview.on(kernel);
        return (jar, certificates, lastPublished) -> {
            ReviewReport report = review.review(new io.voicecore.marketplace.review.Submission(jar, certificates, lastPublished));
            AutomatedCheck.Outcome outcome = switch (report.verdict()) {
                case CLEAN -> AutomatedCheck.Outcome.CLEAN;
                case NEEDS_REVIEW -> AutomatedCheck.Outcome.NEEDS_REVIEW;
                case REJECTED -> AutomatedCheck.Outcome.REJECTED;
            };
            List<String> failures = report.sections().stream().filter(s -> s.outcome() == ReviewSection.Outcome.FAILED)
                    .map(s -> s.name() + ": " + s.summary()).toList();
            Set<String> added = new TreeSet<>();
            report.section("permissions").ifPresent(section -> section.findings().stream()
                    .filter(finding -> "added".equals(finding.get("change")))
                    .forEach(finding -> added.add(String.valueOf(finding.get("permission")))));
            @SuppressWarnings("unchecked")
            Map<String, Object> json = Json.MAPPER.convertValue(report.toJson(), Map.class);
            return new AutomatedCheck.Report(outcome, json, failures, added);
        };
    }
}
