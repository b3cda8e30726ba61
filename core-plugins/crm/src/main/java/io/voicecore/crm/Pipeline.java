package io.voicecore.crm;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.json.Json;

/**
 * A sales pipeline: a name and its stages in position order (positions 0, 1, 2, ...).
 *
 * @param isDefault whether this is the tenant's default pipeline, created on first use
 */
record Pipeline(UUID id, String name, boolean isDefault, List<Stage> stages, Instant createdAt, Instant updatedAt) {
    static final String OPEN = "open";
    static final String WON = "won";
    static final String LOST = "lost";
    static final Set<String> KINDS = Set.of(OPEN, WON, LOST);

    /** The default pipeline's name and stages. */
    static final String DEFAULT_NAME = "Sales";
    static final List<Stage> DEFAULT_STAGES = List.of(new Stage("new", "New", 0, OPEN), new Stage("qualified", "Qualified", 1, OPEN),
                                                      new Stage("proposal", "Proposal", 2, OPEN),
                                                      new Stage("negotiation", "Negotiation", 3, OPEN), new Stage("won", "Won", 4, WON),
                                                      new Stage("lost", "Lost", 5, LOST));

    Pipeline {
        stages = List.copyOf(stages);
    }

    /**
     * A stage of a pipeline.
     *
     * @param key  names the stage within its pipeline (deals refer to it); never changes
     * @param kind {@code open}, {@code won} or {@code lost}: the status of the deals in the stage
     */
    record Stage(String key, String name, int position, String kind) {
        Json toJson() {
            return Json.object().put("key", key).put("name", name).put("position", position).put("kind", kind).build();
        }
    }

    Optional<Stage> stage(String key) {
        return stages.stream().filter(stage -> stage.key().equals(key)).findFirst();
    }

    /** @return the first open stage, where new deals start unless they name another (every pipeline has one) */
    Stage firstOpenStage() {
        return stages.stream().filter(stage -> stage.kind().equals(OPEN)).findFirst().orElseThrow();
    }

    Json toJson() {
        return Json.object().put("id", id).put("name", name).put("default", isDefault)
                .put("stages", stages.stream().map(Stage::toJson).toList())
                .put("createdAt", createdAt).put("updatedAt", updatedAt).build();
    }
}
