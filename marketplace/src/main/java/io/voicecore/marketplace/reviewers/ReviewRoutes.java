package io.voicecore.marketplace.reviewers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.submissions.Submission;
import io.voicecore.marketplace.submissions.SubmissionRoutes;
import io.voicecore.marketplace.submissions.Submissions;
import io.voicecore.marketplace.web.PathIds;

/** {@code /api/v1/marketplace/reviewers} and {@code /api/v1/marketplace/reviews}: the reviewers' queue and decisions. */
public final class ReviewRoutes {
    private static final Map<String, String> STATES = Map.of("pending", Submission.IN_REVIEW, "automated", Submission.AUTOMATED_REVIEW,
                                                             "published", Submission.PUBLISHED, "rejected", Submission.REJECTED);

    private final Reviewers reviewers;
    private final Submissions submissions;

    public ReviewRoutes(Reviewers reviewers, Submissions submissions) {
        this.reviewers = reviewers;
        this.submissions = submissions;
    }

    public void register(ApiRoutes api) {
        api.post("/api/v1/marketplace/reviewers", Access.AUTHENTICATED, request -> {
            JsonFields body = request.jsonObject().allowOnly(Set.of("name"));
            String name = body.requiredString("name");
            body.validate();
            return ApiReply.created(reviewers.create(name, request.principal()));
        });
        api.get("/api/v1/marketplace/reviewers", Access.AUTHENTICATED, request ->
                ApiReply.ok(Map.of("items", reviewers.list(request.principal()))));
        api.delete("/api/v1/marketplace/reviewers/{reviewer}", Access.AUTHENTICATED, request -> {
            reviewers.revoke(PathIds.uuid(request, "reviewer", "reviewer-not-found", "reviewer"), request.principal());
            return ApiReply.noContent();
        });
        api.get("/api/v1/marketplace/reviews", Access.AUTHENTICATED, this::queue);
        api.get("/api/v1/marketplace/reviews/{submission}", Access.AUTHENTICATED, request -> {
            Actors.requireReviewer(request.principal());
            return ApiReply.ok(submissions.find(SubmissionRoutes.id(request.pathParam("submission")))
                    .orElseThrow(() -> new ApiException.NotFound("submission-not-found", "No submission "
                            + request.pathParam("submission") + ".")).view());
        });
        api.post("/api/v1/marketplace/reviews/{submission}/decision", Access.AUTHENTICATED, this::decide);
    }

    private ApiReply queue(ApiRequest request) {
        Actors.requireReviewer(request.principal());
        String state = request.query("state").orElse("pending");
        String stored = STATES.get(state);
        if (stored == null) {
            throw new ApiException.Validation("state", "must be one of " + STATES.keySet().stream().sorted().toList());
        }
        List<Map<String, Object>> items = submissions.inState(stored, Cursor.limit(request)).stream().map(s -> {
            Map<String, Object> item = new LinkedHashMap<>(s.view());
            item.remove("report");
            item.put("reportOutcome", s.report() == null ? null : s.report().path("outcome").asText(null));
            return item;
        }).toList();
        return ApiReply.ok(Map.of("items", items));
    }

    private ApiReply decide(ApiRequest request) {
        Actors.requireReviewer(request.principal());
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("decision", "reasons", "checklist"));
        String decision = body.requiredString("decision", java.util.regex.Pattern.compile("approve|reject"), "must be 'approve' or 'reject'");
        List<String> reasons = new ArrayList<>();
        JsonNode given = json.path("reasons");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isArray()) {
                body.reject("reasons", "must be an array of strings");
            } else {
                for (JsonNode reason : given) {
                    if (!reason.isTextual() || reason.asText().isBlank() || reason.asText().length() > 2000) {
                        body.reject("reasons", "each reason must be a non-blank string of at most 2000 characters");
                    } else {
                        reasons.add(reason.asText().strip());
                    }
                }
            }
        }
        if ("reject".equals(decision) && reasons.isEmpty()) {
            body.reject("reasons", "a rejection needs at least one reason the publisher can act on");
        }
        Map<String, Boolean> checklist = new LinkedHashMap<>();
        JsonNode items = json.path("checklist");
        if (!items.isMissingNode() && !items.isNull()) {
            if (!items.isObject()) {
                body.reject("checklist", "must be an object of item: true|false");
            } else {
                items.fields().forEachRemaining(item -> {
                    if (!Submissions.CHECKLIST.contains(item.getKey()) || !item.getValue().isBoolean()) {
                        body.reject("checklist." + item.getKey(), "must be one of " + Submissions.CHECKLIST + " with true or false");
                    } else {
                        checklist.put(item.getKey(), item.getValue().booleanValue());
                    }
                });
            }
        }
        body.validate();
        Submission decided = submissions.decide(SubmissionRoutes.id(request.pathParam("submission")), decision, reasons, checklist,
                                                request.principal());
        return ApiReply.ok(decided.view());
    }
}
