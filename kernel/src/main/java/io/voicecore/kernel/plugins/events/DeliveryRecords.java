package io.voicecore.kernel.plugins.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.storage.Database;

/**
 * The statements that record what became of leased events, for the {@link EventDispatcher}: settling an event in the
 * outbox once each of its subscribers was served, giving a lease back, and the rows of {@code kernel.event_deliveries}
 * written only for what must be remembered (failures, hand-backs, holds, the delivered marks of events with several
 * subscribers). Every statement goes by primary key ({@code id = ANY (?::uuid[])}), so its cost does not grow with the
 * outbox, which keeps delivered events until retention removes them.
 */
final class DeliveryRecords {

    /**
     * An event this node leased.
     *
     * @param leaseAttempt its {@code lease_attempts} under this node's lease: statements that settle or release it take
     *                     effect only if no other node leased it since
     * @param hasRows      whether it has rows in {@code kernel.event_deliveries}
     */
    record LeasedEvent(UUID eventId, int leaseAttempt, boolean hasRows) {
    }

    /** A delivery row to create: its event, tenant and attempts so far. */
    record NewRow(UUID eventId, UUID tenantId, int attempts) {
    }

    private DeliveryRecords() {
    }

    /** The (event, subscriber) pairs of these events that have a row in {@code kernel.event_deliveries}. */
    static Set<Map.Entry<UUID, String>> recorded(DbExecute tx, List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(Database.list(tx, row -> Map.entry(Database.uuid(row, "event_id"), Database.text(row, "subscriber")),
                                        "SELECT event_id, subscriber FROM kernel.event_deliveries WHERE event_id = ANY (?::uuid[])",
                                        uuidArray(eventIds)));
    }

    /**
     * Marks leased events fanned out: each of their subscribers received them or has a row of its own. Those without any
     * row are delivered as well; for the others {@link #markEventsDelivered} decides, in a second statement whose
     * snapshot sees a retry that committed while the first waited for the event's row.
     */
    static void settle(DbExecute tx, List<LeasedEvent> events) {
        Map<Boolean, Map<Integer, List<UUID>>> byRows = new HashMap<>();
        for (LeasedEvent event : events) {
            byRows.computeIfAbsent(event.hasRows(), r -> new HashMap<>())
                    .computeIfAbsent(event.leaseAttempt(), a -> new ArrayList<>()).add(event.eventId());
        }
        byRows.getOrDefault(false, Map.of()).forEach((attempt, ids) -> tx.dml(
                "UPDATE kernel.event_outbox SET fanned_out_at = now(), delivered_at = now(), leased_until = NULL "
                + "WHERE id = ANY (?::uuid[]) AND lease_attempts = ? AND fanned_out_at IS NULL", uuidArray(ids), attempt));
        byRows.getOrDefault(true, Map.of()).forEach((attempt, ids) -> {
            tx.dml("UPDATE kernel.event_outbox SET fanned_out_at = now(), leased_until = NULL "
                   + "WHERE id = ANY (?::uuid[]) AND lease_attempts = ? AND fanned_out_at IS NULL", uuidArray(ids), attempt);
            markEventsDelivered(tx, ids);
        });
    }

    /** Sets {@code delivered_at} of those fanned-out events none of whose delivery rows is pending or dead. */
    static void markEventsDelivered(DbExecute tx, List<UUID> eventIds) {
        tx.dml("UPDATE kernel.event_outbox o SET delivered_at = now() WHERE o.id = ANY (?::uuid[]) AND o.delivered_at IS NULL "
               + "AND o.fanned_out_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM kernel.event_deliveries d "
               + "WHERE d.event_id = o.id AND d.status <> 'delivered')", uuidArray(eventIds));
    }

    /** Gives leases back untouched (no delivery started): the lease does not count, and the events are due at once. */
    static void releaseLeases(DbExecute tx, List<LeasedEvent> events) {
        Map<Integer, List<UUID>> byAttempt = new HashMap<>();
        events.forEach(event -> byAttempt.computeIfAbsent(event.leaseAttempt(), a -> new ArrayList<>()).add(event.eventId()));
        byAttempt.forEach((attempt, ids) -> tx.dml("UPDATE kernel.event_outbox SET lease_attempts = lease_attempts - 1, leased_until = NULL "
                + "WHERE id = ANY (?::uuid[]) AND lease_attempts = ? AND fanned_out_at IS NULL", uuidArray(ids), attempt));
    }

    /**
     * Writes delivery rows of one subscriber for leased events, which had none, due after {@code due}. A row that exists
     * already (another node's, after this node's lease lapsed) is left as it is.
     */
    static void insert(DbExecute tx, String subscriber, List<NewRow> rows, String status, Duration due, String error, boolean held) {
        ArrayNode values = io.voicecore.kernel.http.Json.MAPPER.createArrayNode();
        rows.forEach(row -> values.addObject().put("event_id", row.eventId().toString()).put("tenant_id", row.tenantId().toString())
                .put("attempts", row.attempts()));
        tx.dml("INSERT INTO kernel.event_deliveries (event_id, subscriber, tenant_id, status, attempts, next_attempt_at, last_error, "
               + "last_attempt_at, delivered_at, held) SELECT v.event_id, ?, v.tenant_id, ?, v.attempts, "
               + "now() + ?::bigint * interval '1 millisecond', ?, now(), CASE WHEN ? THEN now() END, ? "
               + "FROM jsonb_to_recordset(?::jsonb) AS v(event_id uuid, tenant_id uuid, attempts integer) ON CONFLICT DO NOTHING",
               subscriber, status, due.toMillis(), error, "delivered".equals(status), held, values.toString());
    }

    /** A PostgreSQL array literal of the ids, bound as text and cast to {@code uuid[]}. */
    static String uuidArray(List<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }
}
