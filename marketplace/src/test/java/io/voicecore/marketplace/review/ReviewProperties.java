package io.voicecore.marketplace.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.marketplace.review.ReviewReport.Verdict;
import io.voicecore.marketplace.review.ReviewSection.Outcome;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What holds for every report and every permission change, whatever the sections and permissions. */
class ReviewProperties {

    @Property(tries = 200)
    void theVerdictIsRejectedOnAFailureNeedsReviewOnAWarningAndCleanOtherwise(@ForAll("outcomes") List<Outcome> outcomes) {
        List<ReviewSection> sections = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            sections.add(ReviewSection.of("check-" + i, outcomes.get(i), "summary " + i, List.of(Map.of("index", i))));
        }
        ReviewReport report = new ReviewReport(sections, Duration.ofMillis(outcomes.size()));

        Verdict expected = outcomes.contains(Outcome.FAILED) || outcomes.contains(Outcome.SKIPPED) ? Verdict.REJECTED
                : outcomes.contains(Outcome.WARNING) ? Verdict.NEEDS_REVIEW : Verdict.CLEAN;
        assertEquals(expected, report.verdict());
        JsonNode json = report.toJson();
        assertEquals(expected.text(), json.get("outcome").asText());
        assertEquals(outcomes.size(), json.get("sections").size());
        for (int i = 0; i < outcomes.size(); i++) {
            JsonNode section = json.get("sections").get(i);
            assertEquals("check-" + i, section.get("name").asText());
            assertEquals(outcomes.get(i).text(), section.get("outcome").asText());
            assertEquals(i, section.get("findings").get(0).get("index").asInt());
        }
    }

    @Property(tries = 150)
    void thePermissionDiffAddsWhatIsNewRemovesWhatIsGoneAndWarnsExactlyOnAdditions(
            @ForAll("permissions") Set<String> before, @ForAll("permissions") Set<String> after, @ForAll boolean firstVersion) {
        PluginManifest previous = ReviewFixture.manifest("diffed", "1.0.0", List.copyOf(before));
        PluginManifest next = ReviewFixture.manifest("diffed", "1.1.0", List.copyOf(after));

        ReviewSection section = PermissionDiff.check(next, firstVersion ? Optional.empty() : Optional.of(previous));

        Set<String> was = firstVersion ? Set.of() : before;
        Set<String> added = new HashSet<>(after);
        added.removeAll(was);
        Set<String> removed = new HashSet<>(was);
        removed.removeAll(after);
        assertEquals(added, changed(section, "added"));
        assertEquals(removed, changed(section, "removed"));
        assertEquals(added.size() + removed.size(), section.findings().size());
        assertEquals(added.isEmpty() ? Outcome.PASSED : Outcome.WARNING, section.outcome());
    }

    private static Set<String> changed(ReviewSection section, String change) {
        Set<String> names = new HashSet<>();
        section.findings().stream().filter(f -> f.get("change").equals(change)).forEach(f -> names.add((String) f.get("permission")));
        return names;
    }

    @Provide
    Arbitrary<List<Outcome>> outcomes() {
        return Arbitraries.of(Outcome.class).list().ofMinSize(1).ofMaxSize(9);
    }

    @Provide
    Arbitrary<Set<String>> permissions() {
        return Arbitraries.of(PluginManifest.KNOWN_PERMISSIONS).set();
    }
}
