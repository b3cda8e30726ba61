package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voicecore.sdk.json.Json;

/**
 * Applies a request body to a pipeline: {@code POST /pipelines} ({@code name} and {@code stages} required) and
 * {@code PATCH /pipelines/{id}} (the members sent). {@code stages} is always the complete list in the new order;
 * positions are the list's indexes. A stage is {@code {key, name, kind}}; in a PATCH, a stage whose key exists keeps
 * its name and kind unless they are sent, so {@code [{"key":"b"},{"key":"a"}]} reorders. Every pipeline keeps at
 * least one open stage (new deals start in the first). A stage that holds deals may not be removed nor change its
 * kind: its deals would lose their stage or their status.
 */
final class PipelineChanges {
    static final int MAX_STAGES = 50;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
    private static final Set<String> FIELDS = Set.of("name", "stages");
    private static final Set<String> STAGE_FIELDS = Set.of("key", "name", "kind");

    private PipelineChanges() {
    }

    /** @return a new pipeline from a {@code POST} body */
    static Pipeline create(Json body, Instant now, FieldErrors errors) {
        Pipeline blank = new Pipeline(UUID.randomUUID(), "", false, List.of(), now, now);
        if (body instanceof Json.Obj) {
            if (!body.has("name")) {
                errors.add("name", "is required");
            }
            if (!body.has("stages")) {
                errors.add("stages", "is required: the stages in order, each {key, name, kind: open|won|lost}");
            }
        }
        return apply(blank, body, Map.of(), now, errors);
    }

    /**
     * @param dealsPerStage how many deals each stage of {@code current} holds
     * @return {@code current} changed by the members of a {@code PATCH} body
     */
    static Pipeline apply(Pipeline current, Json body, Map<String, Long> dealsPerStage, Instant now, FieldErrors errors) {
        if (!(body instanceof Json.Obj object)) {
            errors.add("body", "must be a JSON object like {\"name\": \"Renewals\", \"stages\": [...]}");
            return current;
        }
        for (String key : object.members().keySet()) {
            if (!FIELDS.contains(key)) {
                errors.add(key, "is not a pipeline field that can be written; use name, stages");
            }
        }
        String name = current.name();
        if (body.has("name")) {
            name = ContactChanges.requiredText(body.get("name"), "name", errors).orElse(name);
        }
        List<Pipeline.Stage> stages = current.stages();
        if (body.has("stages")) {
            Optional<List<Pipeline.Stage>> parsed = stages(current, body.get("stages"), errors);
            if (parsed.isPresent()) {
                stages = parsed.get();
                checkStagesWithDeals(current, stages, dealsPerStage, errors);
            }
        }
        return new Pipeline(current.id(), name, current.isDefault(), stages, current.createdAt(), now);
    }

    /** A removed stage or a changed kind would leave the stage's deals without their stage or with the wrong status. */
    private static void checkStagesWithDeals(Pipeline current, List<Pipeline.Stage> stages, Map<String, Long> dealsPerStage,
                                             FieldErrors errors) {
        for (Pipeline.Stage old : current.stages()) {
            long deals = dealsPerStage.getOrDefault(old.key(), 0L);
            Optional<Pipeline.Stage> kept = stages.stream().filter(stage -> stage.key().equals(old.key())).findFirst();
            if (deals > 0 && kept.isEmpty()) {
                errors.add("stages", "stage '" + old.key() + "' still holds " + deals + " deal(s) and cannot be removed; "
                                     + "move them to another stage (PATCH /deals/{id} {\"stage\": ...}) or keep the stage");
            } else if (deals > 0 && !kept.get().kind().equals(old.kind())) {
                errors.add("stages[" + kept.get().position() + "].kind", "stage '" + old.key() + "' holds " + deals
                                                                          + " deal(s), whose status is its kind '" + old.kind()
                                                                          + "'; move them out before changing it");
            }
        }
    }

    /** @return the stages of the list, empty (with field errors) when any is invalid */
    private static Optional<List<Pipeline.Stage>> stages(Pipeline current, Json value, FieldErrors errors) {
        if (!(value instanceof Json.Arr array) || array.items().isEmpty() || array.items().size() > MAX_STAGES) {
            errors.add("stages", "must be an array of 1 to " + MAX_STAGES + " stages, each {key, name, kind: open|won|lost}");
            return Optional.empty();
        }
        List<Pipeline.Stage> stages = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < array.items().size(); i++) {
            String field = "stages[" + i + "]";
            Json item = array.items().get(i);
            if (!(item instanceof Json.Obj stageObject)) {
                errors.add(field, "must be an object {key, name, kind}");
                continue;
            }
            for (String key : stageObject.members().keySet()) {
                if (!STAGE_FIELDS.contains(key)) {
                    errors.add(field + "." + key, "is not a stage field; use key, name, kind");
                }
            }
            if (!(item.get("key") instanceof Json.Str keyText) || !KEY.matcher(keyText.value()).matches()) {
                errors.add(field + ".key", "must be 1 to 40 lower-case letters, digits, '-' or '_', starting with a letter, e.g. demo-booked");
                continue;
            }
            String key = keyText.value();
            if (!keys.add(key)) {
                errors.add(field + ".key", "'" + key + "' appears twice; every stage needs its own key");
                continue;
            }
            Optional<Pipeline.Stage> old = current.stage(key);
            Optional<String> name = item.has("name") ? ContactChanges.requiredText(item.get("name"), field + ".name", errors)
                    : old.map(Pipeline.Stage::name);
            Optional<String> kind = item.has("kind") ? kind(item.get("kind"), field + ".kind", errors) : old.map(Pipeline.Stage::kind);
            if (!item.has("name") && old.isEmpty()) {
                errors.add(field + ".name", "is required for a new stage");
            }
            if (!item.has("kind") && old.isEmpty()) {
                errors.add(field + ".kind", "is required for a new stage: open, won or lost");
            }
            if (name.isPresent() && kind.isPresent()) {
                stages.add(new Pipeline.Stage(key, name.get(), i, kind.get()));
            }
        }
        if (stages.size() < array.items().size()) {
            return Optional.empty();
        }
        if (stages.stream().noneMatch(stage -> stage.kind().equals(Pipeline.OPEN))) {
            errors.add("stages", "needs at least one stage of kind open, where new deals start");
            return Optional.empty();
        }
        return Optional.of(stages);
    }

    private static Optional<String> kind(Json value, String field, FieldErrors errors) {
        if (value instanceof Json.Str text && Pipeline.KINDS.contains(text.value())) {
            return Optional.of(text.value());
        }
        errors.add(field, "must be open, won or lost");
        return Optional.empty();
    }
}
