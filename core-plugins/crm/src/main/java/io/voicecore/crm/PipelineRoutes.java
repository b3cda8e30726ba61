package io.voicecore.crm;

import java.time.Instant;
import java.util.Optional;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;

/**
 * The pipeline routes: {@code POST/GET /pipelines}, {@code GET/PATCH /pipelines/{id}} and
 * {@code GET /pipelines/{id}/summary}. {@code {id}} may be {@code default}, the tenant's default pipeline.
 */
final class PipelineRoutes {
    private PipelineRoutes() {
    }

    static Response create(Request request, PluginContext context) {
        Json body = request.json();
        Pipeline created = context.storage().transaction(storage -> {
            Pipelines.defaultPipeline(storage);
            FieldErrors errors = new FieldErrors();
            Pipeline pipeline = PipelineChanges.create(body, CrmPlugin.now(), errors);
            errors.throwIfAny();
            if (Pipelines.nameTaken(storage, pipeline.name(), Optional.empty()) || !Pipelines.insert(storage, pipeline)) {
                throw nameTaken(pipeline.name());
            }
            return pipeline;
        });
        return Response.created(created.toJson()).withHeader("Location", "pipelines/" + created.id());
    }

    static Response list(Request request, PluginContext context) {
        return Response.ok(context.storage().transaction(storage -> {
            Pipelines.defaultPipeline(storage);
            return Json.object().put("items", Pipelines.all(storage).stream().map(Pipeline::toJson).toList()).build();
        }));
    }

    static Response read(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        return Response.ok(context.storage().transaction(storage -> Pipelines.require(storage, id, Pipelines.Lock.NONE)).toJson());
    }

    static Response update(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        Json body = request.json();
        Pipeline updated = context.storage().transaction(storage -> {
            // Exclusive: deal writes take a share lock on their pipeline, so no deal enters a stage being removed.
            Pipeline current = Pipelines.require(storage, id, Pipelines.Lock.UPDATE);
            FieldErrors errors = new FieldErrors();
            Instant now = CrmPlugin.now();
            Pipeline changed = PipelineChanges.apply(current, body, Deals.perStage(storage, current.id()), now, errors);
            errors.throwIfAny();
            if (Pipelines.nameTaken(storage, changed.name(), Optional.of(current.id()))) {
                throw nameTaken(changed.name());
            }
            Pipelines.update(storage, current, changed);
            return changed;
        });
        return Response.ok(updated.toJson());
    }

    static Response summary(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        // Shared lock: the stages cannot change between reading them and summing their deals.
        return Response.ok(context.storage().transaction(storage -> PipelineSummary.of(
                storage, Pipelines.require(storage, id, Pipelines.Lock.SHARE))));
    }

    private static PluginProblem nameTaken(String name) {
        return new PluginProblem(409, "pipeline-exists", "A pipeline named '" + name + "' exists already; choose another name.");
    }
}
