package io.voicecore.crm;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.json.Json;

/**
 * A deal as stored.
 *
 * @param amount     whole minor units of {@code currency} (cents, yen), never negative
 * @param currency   an ISO 4217 code, e.g. EUR
 * @param stage      the key of a stage of the pipeline
 * @param status     the kind of that stage: {@code open}, {@code won} or {@code lost}
 * @param lostReason present exactly when the status is {@code lost}
 * @param closedAt   when the deal was won or lost; empty while it is open
 */
record Deal(UUID id, UUID contactId, String title, long amount, String currency, UUID pipelineId, String stage, String status,
            Optional<LocalDate> expectedCloseDate, Optional<String> owner, Optional<String> lostReason, Optional<Instant> closedAt,
            Instant createdAt, Instant updatedAt) {

    /** The columns {@link #fromRow(Row)} reads. */
    static final String COLUMNS = "id, contact_id, title, amount, currency, pipeline_id, stage_key, status, expected_close_date, owner, "
                                  + "lost_reason, closed_at, created_at, updated_at";

    static Deal fromRow(Row row) {
        return new Deal(row.uuid("id").orElseThrow(), row.uuid("contact_id").orElseThrow(), row.string("title").orElseThrow(),
                        row.number("amount").orElseThrow(), row.string("currency").orElseThrow(), row.uuid("pipeline_id").orElseThrow(),
                        row.string("stage_key").orElseThrow(), row.string("status").orElseThrow(),
                        row.string("expected_close_date").map(LocalDate::parse), row.string("owner"), row.string("lost_reason"),
                        row.instant("closed_at"), row.instant("created_at").orElseThrow(), row.instant("updated_at").orElseThrow());
    }

    Json toJson() {
        return Json.object()
                .put("id", id)
                .put("contactId", contactId)
                .put("title", title)
                .put("amount", amount)
                .put("currency", currency)
                .put("pipelineId", pipelineId)
                .put("stage", stage)
                .put("status", status)
                .put("expectedCloseDate", expectedCloseDate.orElse(null))
                .put("owner", owner.orElse(null))
                .put("lostReason", lostReason.orElse(null))
                .put("closedAt", closedAt.orElse(null))
                .put("createdAt", createdAt)
                .put("updatedAt", updatedAt)
                .build();
    }
}
