package io.voicecore.marketplace.submissions;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A signed jar a publisher submitted, and where it stands.
 *
 * @param state     {@code automated-review}, {@code in-review}, {@code published} or {@code rejected}
 * @param report    the automated review's report, once it ran (null before)
 * @param decision  {@code approve} or {@code reject} once decided (by a reviewer, or by fast track or the automated
 *                  review), else null
 */
public record Submission(UUID id, UUID publisherId, String pluginId, String version, String manifestYaml, String jarSha256,
                         String signer, String state, JsonNode report, boolean fastTracked, String decision, List<String> reasons,
                         Map<String, Boolean> checklist, String decidedBy, Instant decidedAt, Instant submittedAt) {
    public static final String AUTOMATED_REVIEW = "automated-review";
    public static final String IN_REVIEW = "in-review";
    public static final String PUBLISHED = "published";
    public static final String REJECTED = "rejected";

    /** What the publisher and reviewers see. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("plugin", pluginId);
        view.put("version", version);
        view.put("state", state);
        view.put("signer", signer);
        view.put("jarSha256", jarSha256);
        view.put("submittedAt", submittedAt);
        view.put("fastTracked", fastTracked);
        view.put("report", report);
        if (decision != null) {
            Map<String, Object> decided = new LinkedHashMap<>();
            decided.put("decision", decision);
            decided.put("reasons", reasons);
            decided.put("checklist", checklist);
            decided.put("by", decidedBy);
            decided.put("at", decidedAt);
            view.put("decision", decided);
        } else {
            view.put("decision", null);
        }
        return view;
    }
}
