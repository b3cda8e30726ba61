package io.voicecore.crm;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * Applies a request body to a deal: all fields for {@code POST /deals}, the members present for
 * {@code PATCH /deals/{id}}. Every invalid field is reported at once.
 *
 * <p>Fields: {@code contactId} (a contact of this tenant), {@code title}, {@code amount} (whole minor units) and
 * {@code currency} (ISO 4217) are required on create; {@code pipelineId} (or {@code default}, the default when
 * absent; fixed after creation), {@code stage} (a stage key of the pipeline; the first open stage when absent),
 * {@code expectedCloseDate} ({@code YYYY-MM-DD}), {@code owner}, {@code lostReason}.
 *
 * <p>The status is the stage's kind. Moving a deal into a lost stage requires {@code lostReason}; a deal that is
 * not lost has none (sending one is an error, leaving a lost stage clears it). {@code closedAt} is set when the
 * status becomes won or lost, and cleared when the deal is reopened.
 */
final class DealChanges {
    static final int MAX_LOST_REASON = 1000;
    private static final Set<String> FIELDS = Set.of("contactId", "title", "amount", "currency", "pipelineId", "stage",
                                                     "expectedCloseDate", "owner", "lostReason");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private final Storage storage;
    private final Instant now;

    /** @param storage the transaction the deal is written in, to look up its contact and pipeline */
    DealChanges(Storage storage, Instant now) {
        this.storage = storage;
        this.now = now;
    }

    /** @return a new deal from a {@code POST} body; its pipeline is locked against stage edits until the transaction ends */
    Deal create(Json body, FieldErrors errors) {
        if (!(body instanceof Json.Obj)) {
            errors.add("body", "must be a JSON object with contactId, title, amount, currency and optionally pipelineId, stage, "
                               + "expectedCloseDate, owner, lostReason");
            errors.throwIfAny();
        }
        for (String required : new String[] {"contactId", "title", "amount", "currency"}) {
            if (!body.has(required)) {
                errors.add(required, "is required");
            }
        }
        Optional<Pipeline> pipeline;
        if (body.has("pipelineId") && !body.get("pipelineId").isNull()) {
            pipeline = pipeline(body.get("pipelineId"), errors);
        } else {
            UUID defaultId = Pipelines.defaultPipeline(storage).id();
            pipeline = Pipelines.find(storage, defaultId, Pipelines.Lock.SHARE);
        }
        // Placeholders where a required field is missing or invalid: the errors are thrown before the deal is used.
        Deal blank = new Deal(UUID.randomUUID(), new UUID(0, 0), "", 0, "XXX", pipeline.map(Pipeline::id).orElse(new UUID(0, 0)),
                              pipeline.map(p -> p.firstOpenStage().key()).orElse(""), Pipeline.OPEN, Optional.empty(),
                              Optional.empty(), Optional.empty(), Optional.empty(), now, now);
        return apply(blank, pipeline, body, errors);
    }

    /** @return {@code current} changed by the members of a {@code PATCH} body; its pipeline is locked against stage edits */
    Deal update(Deal current, Json body, FieldErrors errors) {
        Pipeline pipeline = Pipelines.find(storage, current.pipelineId(), Pipelines.Lock.SHARE).orElseThrow();
        if (body.has("pipelineId") && !(body.get("pipelineId") instanceof Json.Str text
                                         && (text.value().equals(pipeline.id().toString())
                                             || text.value().equals(Pipelines.DEFAULT_ALIAS) && pipeline.isDefault()))) {
            errors.add("pipelineId", "cannot be changed; a deal stays in the pipeline it was created in");
        }
        return apply(current, Optional.of(pipeline), body, errors);
    }

    /** @param pipeline the deal's pipeline; empty only when a new deal names one that does not exist */
    private Deal apply(Deal current, Optional<Pipeline> pipeline, Json body, FieldErrors errors) {
        if (!(body instanceof Json.Obj object)) {
            errors.add("body", "must be a JSON object");
            return current;
        }
        for (String key : object.members().keySet()) {
            if (!FIELDS.contains(key)) {
                errors.add(key, "is not a deal field that can be written; use " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        UUID contactId = body.has("contactId") ? contact(body.get("contactId"), errors).orElse(current.contactId()) : current.contactId();
        String title = body.has("title") ? ContactChanges.requiredText(body.get("title"), "title", errors).orElse(current.title())
                : current.title();
        long amount = body.has("amount") ? Money.amount(body.get("amount"), "amount", errors).orElse(current.amount()) : current.amount();
        String currency = body.has("currency") ? Money.currency(body.get("currency"), "currency", errors).orElse(current.currency())
                : current.currency();
        Optional<LocalDate> expectedCloseDate = body.has("expectedCloseDate") ? date(body.get("expectedCloseDate"), errors)
                : current.expectedCloseDate();
        Optional<String> owner = body.has("owner") ? ContactChanges.optionalText(body.get("owner"), "owner", errors) : current.owner();
        if (pipeline.isEmpty()) {
            return current;
        }
        Pipeline within = pipeline.get();
        Pipeline.Stage stage = within.stage(current.stage()).orElse(within.firstOpenStage());
        if (body.has("stage")) {
            Optional<Pipeline.Stage> named = body.get("stage") instanceof Json.Str key ? within.stage(key.value()) : Optional.empty();
            if (named.isPresent()) {
                stage = named.get();
            } else {
                errors.add("stage", "must be the key of a stage of pipeline '" + within.name() + "': "
                                    + String.join(", ", within.stages().stream().map(Pipeline.Stage::key).toList()));
            }
        }
        String status = stage.kind();
        Optional<String> lostReason = lostReason(current, body, stage, errors);
        Optional<Instant> closedAt = status.equals(Pipeline.OPEN) ? Optional.empty()
                : status.equals(current.status()) ? current.closedAt() : Optional.of(now);
        return new Deal(current.id(), contactId, title, amount, currency, within.id(), stage.key(), status, expectedCloseDate, owner,
                        lostReason, closedAt, current.createdAt(), now);
    }

    /** A lost deal says why: required when it moves into a lost stage, kept while it stays lost, absent otherwise. */
    private static Optional<String> lostReason(Deal current, Json body, Pipeline.Stage stage, FieldErrors errors) {
        boolean sent = body.has("lostReason") && !body.get("lostReason").isNull();
        if (!stage.kind().equals(Pipeline.LOST)) {
            if (sent) {
                errors.add("lostReason", "only a deal in a lost stage has a lost reason; stage '" + stage.key() + "' is "
                                         + stage.kind());
            }
            return Optional.empty();
        }
        if (sent) {
            if (body.get("lostReason") instanceof Json.Str text && !text.value().isBlank() && text.value().strip().length() <= MAX_LOST_REASON) {
                return Optional.of(text.value().strip());
            }
            errors.add("lostReason", "must be a text of 1 to " + MAX_LOST_REASON + " characters saying why the deal was lost");
            return Optional.empty();
        }
        if (current.status().equals(Pipeline.LOST) && !body.has("lostReason")) {
            return current.lostReason();
        }
        errors.add("lostReason", "is required when the deal is in a lost stage ('" + stage.key() + "'): say why it was lost");
        return Optional.empty();
    }

    private Optional<UUID> contact(Json value, FieldErrors errors) {
        Optional<UUID> id = value instanceof Json.Str text ? uuid(text.value()) : Optional.empty();
        if (id.isPresent() && Contacts.find(storage, id.get()).isPresent()) {
            return id;
        }
        errors.add("contactId", "must be the id of a contact of this tenant");
        return Optional.empty();
    }

    /** @return the pipeline a {@code pipelineId} names ({@code default} for the default one), locked against stage edits */
    private Optional<Pipeline> pipeline(Json value, FieldErrors errors) {
        Optional<Pipeline> pipeline = Optional.empty();
        if (value instanceof Json.Str text && text.value().equals(Pipelines.DEFAULT_ALIAS)) {
            pipeline = Pipelines.find(storage, Pipelines.defaultPipeline(storage).id(), Pipelines.Lock.SHARE);
        } else if (value instanceof Json.Str text) {
            pipeline = uuid(text.value()).flatMap(id -> Pipelines.find(storage, id, Pipelines.Lock.SHARE));
        }
        if (pipeline.isEmpty()) {
            errors.add("pipelineId", "must be the id of a pipeline of this tenant (GET /pipelines), or default");
        }
        return pipeline;
    }

    private static Optional<LocalDate> date(Json value, FieldErrors errors) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (value instanceof Json.Str text && DATE.matcher(text.value()).matches()) {
            try {
                return Optional.of(LocalDate.parse(text.value()));
            } catch (DateTimeParseException e) {
                // answered below
            }
        }
        errors.add("expectedCloseDate", "must be a date like 2025-06-30, or null");
        return Optional.empty();
    }

    /** @return the UUID a text spells, if it spells one */
    static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
