package io.voicecore.crm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;

/** The {@code deals} table. Row-level security limits every statement to the current tenant. */
final class Deals {
    private Deals() {
    }

    static void insert(Storage storage, Deal d) {
        storage.update("INSERT INTO deals (id, tenant_id, contact_id, title, amount, currency, pipeline_id, stage_key, status, "
                       + "expected_close_date, owner, lost_reason, closed_at, created_at, updated_at) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       d.id(), Storage.TENANT, d.contactId(), d.title(), d.amount(), d.currency(), d.pipelineId(), d.stage(), d.status(),
                       d.expectedCloseDate().orElse(null), d.owner().orElse(null), d.lostReason().orElse(null), d.closedAt().orElse(null),
                       d.createdAt(), d.updatedAt());
    }

    static void update(Storage storage, Deal d) {
        storage.update("UPDATE deals SET contact_id = ?, title = ?, amount = ?, currency = ?, stage_key = ?, status = ?, "
                       + "expected_close_date = ?, owner = ?, lost_reason = ?, closed_at = ?, updated_at = ? WHERE id = ?",
                       d.contactId(), d.title(), d.amount(), d.currency(), d.stage(), d.status(), d.expectedCloseDate().orElse(null),
                       d.owner().orElse(null), d.lostReason().orElse(null), d.closedAt().orElse(null), d.updatedAt(), d.id());
    }

    static Optional<Deal> find(Storage storage, UUID id) {
        return storage.queryOne("SELECT " + Deal.COLUMNS + " FROM deals WHERE id = ?", id).map(Deal::fromRow);
    }

    /** Reads the deal and locks its row until the transaction ends, so concurrent changes apply one after the other. */
    static Optional<Deal> lock(Storage storage, UUID id) {
        return storage.queryOne("SELECT " + Deal.COLUMNS + " FROM deals WHERE id = ? FOR UPDATE", id).map(Deal::fromRow);
    }

    static boolean delete(Storage storage, UUID id) {
        return storage.update("DELETE FROM deals WHERE id = ?", id) == 1;
    }

    static PluginProblem notFound(String id) {
        return new PluginProblem(404, "deal-not-found", "There is no deal with id '" + id + "' in this tenant.");
    }

    /** @return the deal id of a path parameter @throws PluginProblem 404 when it is not a UUID (so no such deal) */
    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    /** @return how many deals each stage of the pipeline holds; stages without deals are absent */
    static Map<String, Long> perStage(Storage storage, UUID pipelineId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Row row : storage.query("SELECT stage_key, count(*) AS deals FROM deals WHERE pipeline_id = ? GROUP BY stage_key", pipelineId)) {
            counts.put(row.string("stage_key").orElseThrow(), row.number("deals").orElseThrow());
        }
        return counts;
    }

    /** Gives every deal of one contact to another (a merge). @return how many moved */
    static int moveToContact(Storage storage, UUID from, UUID to) {
        return storage.update("UPDATE deals SET contact_id = ? WHERE contact_id = ?", to, from);
    }

    /**
     * Deletes a contact that has no deals. Deals are money a business tracks: deleting them with their contact, or
     * leaving them without one, would lose that silently, so the caller must first delete the deals or merge the
     * contact into another (which moves them).
     *
     * @return whether the contact existed and was deleted
     * @throws PluginProblem 409 {@code contact-has-deals} when deals refer to the contact
     */
    static boolean deleteContact(Storage storage, UUID contactId) {
        // The row lock keeps a concurrent deal insert (whose reference check needs the row) out until we finish.
        if (Contacts.lock(storage, contactId).isEmpty()) {
            return false;
        }
        long deals = storage.queryOne("SELECT count(*) AS deals FROM deals WHERE contact_id = ?", contactId)
                .flatMap(row -> row.number("deals")).orElse(0L);
        if (deals > 0) {
            throw new PluginProblem(409, "contact-has-deals", "Contact '" + contactId + "' has " + deals + " deal(s). Delete them "
                                                              + "(GET /deals?contact=" + contactId + ", then DELETE /deals/{id}) or merge "
                                                              + "the contact into another one, which moves its deals, before deleting it.");
        }
        return Contacts.delete(storage, contactId);
    }

    /**
     * The filters of {@code GET /deals}.
     *
     * @param after the cursor: the page starts after this position
     */
    record Query(Optional<UUID> pipelineId, Optional<String> stage, Optional<String> status, Optional<UUID> contactId,
                 Optional<String> owner, int limit, Optional<Contacts.Position> after) {
    }

    /** One page, oldest first, and the cursor of the next page when there is one. */
    record Page(List<Deal> items, Optional<String> next) {
    }

    static Page page(Storage storage, Query query) {
        StringBuilder sql = new StringBuilder("SELECT " + Deal.COLUMNS + " FROM deals WHERE true");
        List<Object> params = new ArrayList<>();
        query.pipelineId().ifPresent(id -> {
            sql.append(" AND pipeline_id = ?");
            params.add(id);
        });
        query.stage().ifPresent(stage -> {
            sql.append(" AND stage_key = ?");
            params.add(stage);
        });
        query.status().ifPresent(status -> {
            sql.append(" AND status = ?");
            params.add(status);
        });
        query.contactId().ifPresent(id -> {
            sql.append(" AND contact_id = ?");
            params.add(id);
        });
        query.owner().ifPresent(owner -> {
            sql.append(" AND owner = ?");
            params.add(owner);
        });
        Contacts.KeysetPage<Deal> page = Contacts.Position.fetch(storage, sql, params, query.after(), query.limit(), Deal::fromRow,
                                                                 deal -> new Contacts.Position(deal.createdAt(), deal.id()));
        return new Page(page.items(), page.next());
    }
}
