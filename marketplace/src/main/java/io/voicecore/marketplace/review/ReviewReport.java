package io.voicecore.marketplace.review;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the {@link AutomatedReview} of one submission found: a section per check, in the order they ran.
 *
 * @param sections the checks' results
 * @param duration how long the whole review took
 */
public record ReviewReport(List<ReviewSection> sections, Duration duration) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The verdict of a review as a whole. */
    public enum Verdict {
        /** Every check passed: the submission may be published without a human look. */
        CLEAN,
        /** No check failed, but some warned: a human reviewer decides. */
        NEEDS_REVIEW,
        /** A check failed: the submission is refused, the failed sections say why. */
        REJECTED;

        /** The name in the JSON form, e.g. {@code needs-review}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The verdict of sections with these outcomes. */
        static Verdict of(Collection<ReviewSection.Outcome> outcomes) {
            if (outcomes.stream().anyMatch(o -> o == ReviewSection.Outcome.FAILED || o == ReviewSection.Outcome.SKIPPED)) {
                return REJECTED; // a check is skipped only after one failed
            }
            return outcomes.contains(ReviewSection.Outcome.WARNING) ? NEEDS_REVIEW : CLEAN;
        }
    }

    public ReviewReport {
        sections = List.copyOf(sections);
    }

    /** {@code clean} when every section passed, {@code needs-review} when some only warned, {@code rejected} otherwise. */
    public Verdict verdict() {
        return Verdict.of(sections.stream().map(ReviewSection::outcome).toList());
    }

    /** The section of this name, if the review has one. */
    public Optional<ReviewSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The report as the marketplace's API returns it:
     * <pre>{@code
     * {"outcome": "needs-review", "durationMillis": 812,
     *  "sections": [{"name": "signature", "outcome": "passed", "summary": "...", "durationMillis": 9,
     *                "findings": [{"fingerprint": "6B:3E:...", ...}]}, ...]}
     * }</pre>
     */
    public ObjectNode toJson() {
        ObjectNode report = JSON.createObjectNode();
        report.put("outcome", verdict().text());
        report.put("durationMillis", duration.toMillis());
        ArrayNode list = report.putArray("sections");
        for (ReviewSection section : sections) {
            ObjectNode node = list.addObject();
            node.put("name", section.name());
            node.put("outcome", section.outcome().text());
            node.put("summary", section.summary());
            node.put("durationMillis", section.duration().toMillis());
            ArrayNode findings = node.putArray("findings");
            for (Map<String, Object> finding : section.findings()) {
                findings.add(JSON.valueToTree(finding));
            }
        }
        return report;
    }
}
