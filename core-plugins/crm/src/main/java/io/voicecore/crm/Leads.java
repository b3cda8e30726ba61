package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * Contacts followed as leads. A lead's score is computed on every read from its contact's interactions with the
 * tenant's {@link LeadRules}; its status is the stored outcome ({@code won}, {@code lost}) when there is one,
 * else {@code qualified} from {@code leadQualifiedScore} on, {@code engaged} above 0, and {@code new}.
 */
final class Leads {
    /** A stored lead. */
    record Lead(UUID id, UUID contactId, Optional<String> outcome, Instant createdAt, Instant updatedAt) {
        static Lead fromRow(Row row) {
            return new Lead(row.uuid("id").orElseThrow(), row.uuid("contact_id").orElseThrow(), row.string("outcome"),
                            row.instant("created_at").orElseThrow(), row.instant("updated_at").orElseThrow());
        }
    }

    /** How the tenant scores leads. */
    record Scoring(LeadRules rules, long qualifiedScore) {
        static Scoring of(PluginContext context) {
            String text = context.config().string("leadRules").orElse(LeadRules.DEFAULT);
            try {
                return new Scoring(LeadRules.parse(text), context.config().number("leadQualifiedScore").orElse(20L));
            } catch (IllegalArgumentException e) {
                throw new PluginProblem(409, "invalid-lead-rules", "The tenant's leadRules configuration is invalid: " + e.getMessage()
                                                                   + ". Correct it in the CRM plugin's configuration.");
            }
        }

        String status(long score) {
            return score >= qualifiedScore ? "qualified" : score > 0 ? "engaged" : "new";
        }
    }

    private static final String COLUMNS = "id, contact_id, outcome, created_at, updated_at";

    private Leads() {
    }

    static PluginProblem notFound(String id) {
        return new PluginProblem(404, "lead-not-found", "There is no lead with id '" + id + "' in this tenant.");
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    /** @return whether it was stored; false when the contact is a lead already */
    static boolean insert(Storage storage, Lead lead) {
        return storage.update("INSERT INTO leads (id, tenant_id, contact_id, outcome, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                              + "ON CONFLICT (contact_id) DO NOTHING", lead.id(), Storage.TENANT, lead.contactId(),
                              lead.outcome().orElse(null), lead.createdAt(), lead.updatedAt()) == 1;
    }

    static Optional<Lead> find(Storage storage, UUID id) {
        return storage.queryOne("SELECT " + COLUMNS + " FROM leads WHERE id = ?", id).map(Lead::fromRow);
    }

    static void setOutcome(Storage storage, UUID id, Optional<String> outcome, Instant now) {
        storage.update("UPDATE leads SET outcome = ?, updated_at = ? WHERE id = ?", outcome.orElse(null), now, id);
    }

    /** A page of leads, oldest first, and the cursor of the next page. */
    record Page(List<Lead> items, Optional<String> next) {
    }

    static Page page(Storage storage, int limit, Optional<Contacts.Position> after) {
        List<Object> params = new ArrayList<>();
        String where = "";
        if (after.isPresent()) {
            where = " WHERE (created_at, id) > (?, ?)";
            params.add(after.get().createdAt());
            params.add(after.get().id());
        }
        params.add(limit + 1);
        List<Lead> rows = new ArrayList<>();
        for (Row row : storage.query("SELECT " + COLUMNS + " FROM leads" + where + " ORDER BY created_at, id LIMIT ?", params.toArray())) {
            rows.add(Lead.fromRow(row));
        }
        if (rows.size() <= limit) {
            return new Page(rows, Optional.empty());
        }
        Lead last = rows.get(limit - 1);
        return new Page(List.copyOf(rows.subList(0, limit)), Optional.of(new Contacts.Position(last.createdAt(), last.id()).encode()));
    }

    /** The lead as answered: its contact's name, score and status computed now. */
    static Json describe(Storage storage, Lead lead, Scoring scoring) {
        List<Interactions.Interaction> interactions = Interactions.all(storage, lead.contactId());
        long score = scoring.rules().score(interactions);
        String name = Contacts.find(storage, lead.contactId()).map(Contact::name).orElse("");
        return Json.object().put("id", lead.id()).put("contactId", lead.contactId()).put("contactName", name)
                .put("status", lead.outcome().orElse(scoring.status(score))).put("score", score)
                .put("outcome", lead.outcome().orElse(null)).put("interactions", interactions.size())
                .put("createdAt", lead.createdAt()).put("updatedAt", lead.updatedAt()).build();
    }
}
