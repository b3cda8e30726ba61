package io.voicecore.marketplace.review;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one check of an {@link AutomatedReview}.
 *
 * @param name     the check: {@code signature}, {@code manifest}, {@code verifier}, {@code compatibility},
 *                 {@code permissions}, {@code limits} or {@code smoke-install}
 * @param outcome  what it found
 * @param summary  one line for the reviewer and the publisher
 * @param findings what it found in detail, each a small record of named values (strings, numbers, booleans and lists
 *                 of them), in a fixed member order; which members depends on the check
 * @param duration how long the check took
 */
public record ReviewSection(String name, Outcome outcome, String summary, List<Map<String, Object>> findings, Duration duration) {

    /** What a check found. */
    public enum Outcome {
        /** Nothing to object to. */
        PASSED,
        /** Something a human reviewer should look at (e.g. new permissions); not a reason to refuse on its own. */
        WARNING,
        /** A reason to refuse the submission. */
        FAILED,
        /** Not run, because an earlier check failed (or what it needs is missing); the summary says why. */
        SKIPPED;

        /** The name in the JSON form, e.g. {@code passed}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Copies the findings, keeping each one's member order; makes the summary one line. */
    public ReviewSection {
        summary = summary.lines().findFirst().orElse("").strip();
        findings = findings.stream().map(finding -> Collections.unmodifiableMap(new LinkedHashMap<>(finding))).toList();
    }

    static ReviewSection of(String name, Outcome outcome, String summary, List<Map<String, Object>> findings) {
        return new ReviewSection(name, outcome, summary, findings, Duration.ZERO);
    }

    static ReviewSection skipped(String name, String why) {
        return of(name, Outcome.SKIPPED, why, List.of());
    }

    ReviewSection took(Duration took) {
        return new ReviewSection(name, outcome, summary, findings, took);
    }
}
