package io.voicecore.kernel.plugins.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;

/** Lists dead-lettered deliveries and puts them back in the queue. */
final class DeadLetters {
    private static final String SELECT = "SELECT d.event_id, d.subscriber, d.tenant_id, d.attempts, d.last_error, d.last_attempt_at, "
                                         + "e.topic, e.publisher, e.payload, e.occurred_at "
                                         + "FROM kernel.event_deliveries d JOIN kernel.event_outbox e ON e.id = d.event_id "
                                         + "WHERE d.status = 'dead'";

    private final Database database;
    private final AuditLog audit;
    private final EventBus bus;

    DeadLetters(Database database, AuditLog audit, EventBus bus) {
        this.database = database;
        this.audit = audit;
        this.bus = bus;
    }

    /** One page in the order they died; of one tenant, or (empty) of every tenant the scope sees. */
    List<DeadLetter> page(TenantScope scope, Optional<UUID> tenantId, Optional<DeadLetterCursor> after, int limit) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> params = new ArrayList<>();
        tenantId.ifPresent(id -> {
            sql.append(" AND d.tenant_id = ?");
            params.add(id);
        });
        after.ifPresent(cursor -> {
            sql.append(" AND (d.last_attempt_at, d.event_id, d.subscriber) > (?, ?, ?)");
            params.add(Database.timestamp(cursor.lastAttemptAt()));
            params.add(cursor.eventId());
            params.add(cursor.subscriber());
        });
        sql.append(" ORDER BY d.last_attempt_at, d.event_id, d.subscriber LIMIT ?");
        params.add(limit);
        return database.inScope(scope, tx -> Database.list(tx, DeadLetters::map, sql.toString(), params.toArray()));
    }

    /**
     * Makes a dead letter pending again with its attempts reset, so the dispatchers retry it from the start.
     * Audited in the same transaction.
     *
     * @throws ApiException.NotFound when the tenant has no such dead letter (unknown, or not dead)
     */
    DeadLetter replay(UUID tenantId, UUID eventId, String subscriber, Principal actor) {
        DeadLetter replayed = database.inTenant(tenantId, tx -> {
            DeadLetter letter = find(tx, tenantId, eventId, subscriber).orElseThrow(() -> new ApiException.NotFound(
                    "dead-letter-not-found", "Event " + eventId + " has no dead-lettered delivery to '" + subscriber
                                             + "' in this tenant; list them at GET .../events/dead-letters."));
            tx.dml("UPDATE kernel.event_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL "
                   + "WHERE event_id = ? AND subscriber = ? AND status = 'dead'", eventId, subscriber);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "event.dead-letter.replay",
                                                "event:" + eventId + "/" + subscriber,
                                                Map.of("topic", letter.topic(), "subscriber", subscriber, "attempts", letter.attempts())));
            return letter;
        });
        bus.wakeDispatchers();
        return replayed;
    }

    private static Optional<DeadLetter> find(DbExecute tx, UUID tenantId, UUID eventId, String subscriber) {
        return Database.first(tx, DeadLetters::map, SELECT + " AND d.tenant_id = ? AND d.event_id = ? AND d.subscriber = ? FOR UPDATE OF d",
                              tenantId, eventId, subscriber);
    }

    private static DeadLetter map(DbRow row) {
        return new DeadLetter(Database.uuid(row, "event_id"), Database.text(row, "subscriber"), Database.uuid(row, "tenant_id"),
                              Database.text(row, "topic"), Database.text(row, "publisher"), row.column("attempts").get(Integer.class),
                              Database.text(row, "last_error"), Database.instant(row, "last_attempt_at"),
                              Database.instant(row, "occurred_at"), Database.text(row, "payload"));
    }
}
