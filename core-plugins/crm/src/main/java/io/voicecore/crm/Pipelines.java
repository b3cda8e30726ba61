package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;

/**
 * The {@code pipelines} and {@code pipeline_stages} tables. Row-level security limits every statement to the current
 * tenant. The default pipeline ({@link Pipeline#DEFAULT_NAME} with {@link Pipeline#DEFAULT_STAGES}) is created the
 * first time a tenant lists pipelines, creates one or a deal, or names the pipeline {@code default}.
 */
final class Pipelines {
    /** What a path or filter may say instead of the default pipeline's id. */
    static final String DEFAULT_ALIAS = "default";

    private static final String COLUMNS = "id, name, is_default, created_at, updated_at";

    private Pipelines() {
    }

    /** The row lock a read takes: none, one that keeps stage edits out while deals are written, or an exclusive one. */
    enum Lock {
        NONE(""), SHARE(" FOR SHARE"), UPDATE(" FOR UPDATE");

        private final String sql;

        Lock(String sql) {
            this.sql = sql;
        }
    }

    static Optional<Pipeline> find(Storage storage, UUID id, Lock lock) {
        return storage.queryOne("SELECT " + COLUMNS + " FROM pipelines WHERE id = ?" + lock.sql, id)
                .map(row -> fromRow(row, stages(storage, id)));
    }

    /**
     * @param text a pipeline id, or {@code default}
     * @return the pipeline @throws PluginProblem 404 when there is no such pipeline in this tenant
     */
    static Pipeline require(Storage storage, String text, Lock lock) {
        if (text.equals(DEFAULT_ALIAS)) {
            UUID id = defaultPipeline(storage).id();
            return find(storage, id, lock).orElseThrow();
        }
        return find(storage, parseId(text), lock).orElseThrow(() -> notFound(text));
    }

    static PluginProblem notFound(String id) {
        return new PluginProblem(404, "pipeline-not-found", "There is no pipeline with id '" + id + "' in this tenant; "
                                                            + "list them with GET /pipelines.");
    }

    /** @return the id of a path parameter @throws PluginProblem 404 when it is not a UUID (so no such pipeline) */
    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    /** @return the tenant's default pipeline, created now when the tenant has none yet */
    static Pipeline defaultPipeline(Storage storage) {
        Optional<Pipeline> existing = findDefault(storage);
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant now = CrmPlugin.now();
        Pipeline created = new Pipeline(UUID.randomUUID(), Pipeline.DEFAULT_NAME, true, Pipeline.DEFAULT_STAGES, now, now);
        // A concurrent first use inserts it too: the unique index on the default lets exactly one insert win.
        if (insert(storage, created)) {
            return created;
        }
        return findDefault(storage).orElseThrow(() -> new PluginProblem(409, "pipeline-exists",
                "The default pipeline could not be created: a pipeline named '" + Pipeline.DEFAULT_NAME + "' exists already."));
    }

    private static Optional<Pipeline> findDefault(Storage storage) {
        return storage.queryOne("SELECT " + COLUMNS + " FROM pipelines WHERE is_default").map(row -> {
            UUID id = row.uuid("id").orElseThrow();
            return fromRow(row, stages(storage, id));
        });
    }

    /** Every pipeline of the tenant with its stages, oldest first (so the default one first). */
    static List<Pipeline> all(Storage storage) {
        Map<UUID, List<Pipeline.Stage>> stages = new LinkedHashMap<>();
        for (Row row : storage.query("SELECT pipeline_id, key, name, position, kind FROM pipeline_stages ORDER BY pipeline_id, position")) {
            stages.computeIfAbsent(row.uuid("pipeline_id").orElseThrow(), id -> new ArrayList<>()).add(stageFromRow(row));
        }
        List<Pipeline> pipelines = new ArrayList<>();
        for (Row row : storage.query("SELECT " + COLUMNS + " FROM pipelines ORDER BY created_at, id")) {
            pipelines.add(fromRow(row, stages.getOrDefault(row.uuid("id").orElseThrow(), List.of())));
        }
        return pipelines;
    }

    /** @return whether another pipeline than {@code except} has this name, in any case */
    static boolean nameTaken(Storage storage, String name, Optional<UUID> except) {
        return storage.queryOne("SELECT id FROM pipelines WHERE lower(name) = lower(?) AND id IS DISTINCT FROM ?::uuid", name,
                                except.orElse(null)).isPresent();
    }

    /** @return whether it was stored; false when its name (or, for the default, the default) exists already */
    static boolean insert(Storage storage, Pipeline pipeline) {
        if (storage.update("INSERT INTO pipelines (id, tenant_id, name, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                           + "ON CONFLICT DO NOTHING", pipeline.id(), Storage.TENANT, pipeline.name(), pipeline.isDefault(),
                           pipeline.createdAt(), pipeline.updatedAt()) == 0) {
            return false;
        }
        for (Pipeline.Stage stage : pipeline.stages()) {
            insertStage(storage, pipeline.id(), stage);
        }
        return true;
    }

    /**
     * Stores a pipeline's new name and stages: stages missing from {@code changed} are deleted (the caller checked
     * that they hold no deals), the others updated or inserted.
     */
    static void update(Storage storage, Pipeline current, Pipeline changed) {
        storage.update("UPDATE pipelines SET name = ?, updated_at = ? WHERE id = ?", changed.name(), changed.updatedAt(), changed.id());
        for (Pipeline.Stage old : current.stages()) {
            if (changed.stage(old.key()).isEmpty()) {
                storage.update("DELETE FROM pipeline_stages WHERE pipeline_id = ? AND key = ?", current.id(), old.key());
            }
        }
        for (Pipeline.Stage stage : changed.stages()) {
            Optional<Pipeline.Stage> old = current.stage(stage.key());
            if (old.isEmpty()) {
                insertStage(storage, changed.id(), stage);
            } else if (!old.get().equals(stage)) {
                storage.update("UPDATE pipeline_stages SET name = ?, position = ?, kind = ? WHERE pipeline_id = ? AND key = ?",
                               stage.name(), stage.position(), stage.kind(), changed.id(), stage.key());
            }
        }
    }

    private static void insertStage(Storage storage, UUID pipelineId, Pipeline.Stage stage) {
        storage.update("INSERT INTO pipeline_stages (tenant_id, pipeline_id, key, name, position, kind) VALUES (?, ?, ?, ?, ?, ?)",
                       Storage.TENANT, pipelineId, stage.key(), stage.name(), stage.position(), stage.kind());
    }

    private static List<Pipeline.Stage> stages(Storage storage, UUID pipelineId) {
        List<Pipeline.Stage> stages = new ArrayList<>();
        for (Row row : storage.query("SELECT key, name, position, kind FROM pipeline_stages WHERE pipeline_id = ? ORDER BY position",
                                     pipelineId)) {
            stages.add(stageFromRow(row));
        }
        return stages;
    }

    private static Pipeline.Stage stageFromRow(Row row) {
        return new Pipeline.Stage(row.string("key").orElseThrow(), row.string("name").orElseThrow(),
                                  Math.toIntExact(row.number("position").orElseThrow()), row.string("kind").orElseThrow());
    }

    private static Pipeline fromRow(Row row, List<Pipeline.Stage> stages) {
        return new Pipeline(row.uuid("id").orElseThrow(), row.string("name").orElseThrow(), row.bool("is_default").orElse(false), stages,
                            row.instant("created_at").orElseThrow(), row.instant("updated_at").orElseThrow());
    }
}
