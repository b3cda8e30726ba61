package io.voicecore.crm;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/** The {@code interactions} table: each contact's timeline, newest first. */
final class Interactions {
    static final Set<String> TYPES = Set.of("call", "chat", "note", "email");
    static final int MAX_SUMMARY = 10_000;

    /** One entry of a timeline. */
    record Interaction(UUID id, UUID contactId, String type, Instant occurredAt, String summary, Json details) {
        Json toJson() {
            return Json.object().put("id", id).put("contactId", contactId).put("type", type).put("occurredAt", occurredAt)
                    .put("summary", summary).put("details", details).build();
        }

        static Interaction fromRow(Row row) {
            return new Interaction(row.uuid("id").orElseThrow(), row.uuid("contact_id").orElseThrow(), row.string("type").orElseThrow(),
                                   row.instant("occurred_at").orElseThrow(), row.string("summary").orElse(""),
                                   row.json("details").orElse(Json.object().build()));
        }
    }

    /** A page of a timeline and the cursor of the next, older page. */
    record Page(List<Interaction> items, Optional<String> next) {
    }

    private Interactions() {
    }

    /** @return the interaction of a {@code POST /contacts/{id}/interactions} body */
    static Interaction parse(UUID contactId, Json body, Instant now, FieldErrors errors) {
        if (!(body instanceof Json.Obj object)) {
            throw new PluginProblem(422, "invalid-fields", "Send a JSON object with type, summary and optionally occurredAt and details.");
        }
        for (String key : object.members().keySet()) {
            if (!Set.of("type", "occurredAt", "summary", "details").contains(key)) {
                errors.add(key, "is not an interaction field; use type, occurredAt, summary, details");
            }
        }
        String type = body.get("type") instanceof Json.Str s && TYPES.contains(s.value()) ? s.value() : "note";
        if (!(body.get("type") instanceof Json.Str s && TYPES.contains(s.value()))) {
            errors.add("type", "must be one of call, chat, email, note");
        }
        Instant occurredAt = now;
        if (body.has("occurredAt") && !body.get("occurredAt").isNull()) {
            Optional<Instant> parsed = body.get("occurredAt") instanceof Json.Str s ? instant(s.value()) : Optional.empty();
            if (parsed.isPresent()) {
                occurredAt = parsed.get();
            } else {
                errors.add("occurredAt", "must be an ISO-8601 instant like 2025-01-31T14:05:00Z");
            }
        }
        String summary = "";
        if (body.has("summary") && !body.get("summary").isNull()) {
            if (body.get("summary") instanceof Json.Str s && s.value().length() <= MAX_SUMMARY) {
                summary = s.value().strip();
            } else {
                errors.add("summary", "must be a text of at most " + MAX_SUMMARY + " characters");
            }
        }
        Json details = Json.object().build();
        if (body.has("details") && !body.get("details").isNull()) {
            if (body.get("details") instanceof Json.Obj) {
                details = body.get("details");
            } else {
                errors.add("details", "must be a JSON object");
            }
        }
        return new Interaction(UUID.randomUUID(), contactId, type, occurredAt, summary, details);
    }

    static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static void insert(Storage storage, Interaction interaction, Optional<String> sourceEventId) {
        storage.update("INSERT INTO interactions (id, tenant_id, contact_id, type, occurred_at, summary, details, source_event_id, created_at) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       interaction.id(), Storage.TENANT, interaction.contactId(), interaction.type(), interaction.occurredAt(),
                       interaction.summary(), interaction.details(), sourceEventId.orElse(null), CrmPlugin.now());
    }

    /** A contact's interactions, newest first, starting after {@code after}. */
    static Page timeline(Storage storage, UUID contactId, int limit, Optional<Contacts.Position> after) {
        List<Object> params = new ArrayList<>(List.of(contactId));
        String page = "";
        if (after.isPresent()) {
            page = " AND (occurred_at, id) < (?, ?)";
            params.add(after.get().createdAt());
            params.add(after.get().id());
        }
        params.add(limit + 1);
        List<Interaction> rows = new ArrayList<>();
        for (Row row : storage.query("SELECT id, contact_id, type, occurred_at, summary, details FROM interactions WHERE contact_id = ?"
                                     + page + " ORDER BY occurred_at DESC, id DESC LIMIT ?", params.toArray())) {
            rows.add(Interaction.fromRow(row));
        }
        if (rows.size() <= limit) {
            return new Page(rows, Optional.empty());
        }
        Interaction last = rows.get(limit - 1);
        return new Page(List.copyOf(rows.subList(0, limit)), Optional.of(new Contacts.Position(last.occurredAt(), last.id()).encode()));
    }

    /** Every interaction of a contact (at most the storage's row limit), for scoring. */
    static List<Interaction> all(Storage storage, UUID contactId) {
        List<Interaction> all = new ArrayList<>();
        for (Row row : storage.query("SELECT id, contact_id, type, occurred_at, summary, details FROM interactions WHERE contact_id = ? "
                                     + "ORDER BY occurred_at, id", contactId)) {
            all.add(Interaction.fromRow(row));
        }
        return all;
    }

    /** Moves every interaction of one contact to another. @return how many moved */
    static int move(Storage storage, UUID from, UUID to) {
        return storage.update("UPDATE interactions SET contact_id = ? WHERE contact_id = ?", to, from);
    }
}
