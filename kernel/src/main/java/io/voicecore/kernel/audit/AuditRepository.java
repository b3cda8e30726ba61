package io.voicecore.kernel.audit;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.storage.Database;

/** SQL that reads the audit log. Runs in the caller's transaction, whose scope RLS enforces. */
final class AuditRepository {
    private static final String COLUMNS =
            "id, chain, seq, tenant_id, actor, action, target, outcome, request_id, details, occurred_at, prev_hash, hash";

    /**
     * A chain's head row and its highest visible seq, read in one statement so that both come
     * from the same snapshot even while records are being appended.
     */
    record ChainState(Optional<Long> headSeq, Optional<String> headHash, long maxSeq) {
        boolean exists() {
            return headSeq.isPresent() || maxSeq > 0;
        }
    }

    /** One page of matching records in listing order {@code (occurred_at, chain, seq)}, after the cursor. */
    List<AuditRecord> page(DbExecute tx, AuditFilter filter, Optional<AuditCursor> after, int limit) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        filter.tenantId().ifPresent(id -> condition(conditions, params, "tenant_id = ?", id));
        filter.actor().ifPresent(actor -> condition(conditions, params, "actor = ?", actor));
        filter.action().ifPresent(action -> condition(conditions, params, "action = ?", action));
        filter.actionPrefix().ifPresent(prefix -> condition(conditions, params, "starts_with(action, ?)", prefix));
        filter.outcome().ifPresent(outcome -> condition(conditions, params, "outcome = ?", outcome));
        filter.from().ifPresent(from -> condition(conditions, params, "occurred_at >= ?", Database.timestamp(from)));
        filter.to().ifPresent(to -> condition(conditions, params, "occurred_at < ?", Database.timestamp(to)));
        after.ifPresent(cursor -> {
            conditions.add("(occurred_at, chain, seq) > (?, ?, ?)");
            params.add(Database.timestamp(cursor.occurredAt()));
            params.add(cursor.chain());
            params.add(cursor.seq());
        });
        params.add(limit);
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        return Database.list(tx, AuditRepository::map, "SELECT " + COLUMNS + " FROM kernel.audit_log" + where
                                                         + " ORDER BY occurred_at, chain, seq LIMIT ?", params.toArray());
    }

    /** Records of one chain with {@code afterSeq < seq <= upToSeq}, in seq order. */
    List<AuditRecord> segment(DbExecute tx, String chain, long afterSeq, long upToSeq, int limit) {
        return Database.list(tx, AuditRepository::map, "SELECT " + COLUMNS + " FROM kernel.audit_log "
                                                         + "WHERE chain = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                             chain, afterSeq, upToSeq, limit);
    }

    ChainState state(DbExecute tx, String chain) {
        return tx.get("SELECT h.seq AS head_seq, h.hash AS head_hash, "
                      + "(SELECT max(l.seq) FROM kernel.audit_log l WHERE l.chain = c.chain) AS max_seq "
                      + "FROM (SELECT ?::text AS chain) c LEFT JOIN kernel.audit_heads h ON h.chain = c.chain", chain)
                .map(row -> {
                    Long maxSeq = row.column("max_seq").get(Long.class);
                    byte[] headHash = row.column("head_hash").get(byte[].class);
                    return new ChainState(Optional.ofNullable(row.column("head_seq").get(Long.class)),
                                          Optional.ofNullable(headHash).map(HexFormat.of()::formatHex),
                                          maxSeq == null ? 0 : maxSeq);
                })
                .orElseThrow();
    }

    /** Every chain that has a head row or a record in this scope; the platform chain first. */
    List<String> chains(DbExecute tx) {
        return Database.list(tx, row -> Database.text(row, "chain"),
                             "SELECT chain FROM (SELECT chain FROM kernel.audit_heads UNION SELECT chain FROM kernel.audit_log) c "
                             + "ORDER BY chain <> '" + AuditLog.PLATFORM_CHAIN + "', chain");
    }

    private static void condition(List<String> conditions, List<Object> params, String sql, Object value) {
        conditions.add(sql);
        params.add(value);
    }

    static AuditRecord map(DbRow row) {
        return new AuditRecord(Database.uuid(row, "id"), Database.text(row, "chain"), row.column("seq").get(Long.class),
                               Database.uuid(row, "tenant_id"), Database.text(row, "actor"), Database.text(row, "action"),
                               Database.text(row, "target"), Database.text(row, "outcome"), Database.text(row, "request_id"),
                               Database.text(row, "details"), Database.instant(row, "occurred_at"),
                               HexFormat.of().formatHex(row.column("prev_hash").get(byte[].class)),
                               HexFormat.of().formatHex(row.column("hash").get(byte[].class)));
    }
}
