package io.voicecore.crm;

import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;

/**
 * The deal routes: {@code POST/GET /deals}, {@code GET/PATCH/DELETE /deals/{id}}. A change of stage publishes
 * {@value #STAGE_CHANGED} inside the write's storage transaction, so the event exists exactly when the change does.
 */
final class DealRoutes {
    static final String STAGE_CHANGED = "crm.deal.stage_changed";

    private DealRoutes() {
    }

    static Response create(Request request, PluginContext context) {
        Json body = request.json();
        Deal created = context.storage().transaction(storage -> {
            FieldErrors errors = new FieldErrors();
            Deal deal = new DealChanges(storage, CrmPlugin.now()).create(body, errors);
            errors.throwIfAny();
            Deals.insert(storage, deal);
            return deal;
        });
        return Response.created(created.toJson()).withHeader("Location", "deals/" + created.id());
    }

    static Response read(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        return Response.ok(Deals.find(context.storage(), Deals.parseId(id)).orElseThrow(() -> Deals.notFound(id)).toJson());
    }

    static Response update(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID dealId = Deals.parseId(id);
        Json body = request.json();
        Deal updated = context.storage().transaction(storage -> {
            Deal current = Deals.lock(storage, dealId).orElseThrow(() -> Deals.notFound(id));
            FieldErrors errors = new FieldErrors();
            Deal changed = new DealChanges(storage, CrmPlugin.now()).update(current, body, errors);
            errors.throwIfAny();
            Deals.update(storage, changed);
            if (!changed.stage().equals(current.stage())) {
                context.events().publish(STAGE_CHANGED, stageChanged(current, changed));
            }
            return changed;
        });
        return Response.ok(updated.toJson());
    }

    /** The payload of {@value #STAGE_CHANGED}: small facts, no contact details. */
    static Json stageChanged(Deal before, Deal after) {
        Json.ObjectBuilder payload = Json.object().put("dealId", after.id()).put("contactId", after.contactId())
                .put("pipelineId", after.pipelineId()).put("fromStage", before.stage()).put("toStage", after.stage())
                .put("status", after.status()).put("amount", after.amount()).put("currency", after.currency());
        after.lostReason().ifPresent(reason -> payload.put("lostReason", reason));
        return payload.put("changedAt", after.updatedAt()).build();
    }

    static Response delete(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        if (!Deals.delete(context.storage(), Deals.parseId(id))) {
            throw Deals.notFound(id);
        }
        return Response.noContent();
    }

    static Response list(Request request, PluginContext context) {
        int limit = request.query("limit").map(CrmPlugin::pageSize).orElse(Contacts.DEFAULT_PAGE);
        Optional<String> pipeline = CrmPlugin.nonBlank(request.query("pipeline"));
        Optional<String> status = CrmPlugin.nonBlank(request.query("status"));
        if (status.isPresent() && !Pipeline.KINDS.contains(status.get())) {
            throw invalidFilter("status must be open, won or lost; got '" + status.get() + "'.");
        }
        Optional<UUID> contact = CrmPlugin.nonBlank(request.query("contact"))
                .map(text -> DealChanges.uuid(text).orElseThrow(() -> invalidFilter("contact must be a contact id; got '" + text + "'.")));
        Optional<Contacts.Position> after = CrmPlugin.nonBlank(request.query("cursor")).map(Contacts.Position::decode);
        Deals.Page page = context.storage().transaction(storage -> {
            Optional<UUID> pipelineId = pipeline.map(text -> text.equals(Pipelines.DEFAULT_ALIAS) ? Pipelines.defaultPipeline(storage).id()
                    : DealChanges.uuid(text).orElseThrow(() -> invalidFilter("pipeline must be a pipeline id or default; got '" + text + "'.")));
            return Deals.page(storage, new Deals.Query(pipelineId, CrmPlugin.nonBlank(request.query("stage")), status, contact,
                                                       CrmPlugin.nonBlank(request.query("owner")), limit, after));
        });
        return Response.ok(Json.object()
                                   .put("items", page.items().stream().map(Deal::toJson).toList())
                                   .put("next", page.next().orElse(null))
                                   .build());
    }

    private static PluginProblem invalidFilter(String detail) {
        return new PluginProblem(400, "invalid-filter", detail);
    }
}
