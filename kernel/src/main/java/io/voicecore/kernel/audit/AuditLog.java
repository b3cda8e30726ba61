package io.voicecore.kernel.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.storage.Database;

/**
 * Appends audit records inside the caller's transaction, so a record exists exactly when the change
 * it describes was committed. Records form one SHA-256 hash chain per tenant (and one for the
 * platform); the application's database role may insert and read them but never update or delete.
 */
public final class AuditLog {
    /** The chain of records that belong to no tenant. */
    public static final String PLATFORM_CHAIN = "platform";
    static final String GENESIS = "0".repeat(64);

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /** Appends one record in the given transaction; the caller's commit or rollback decides its fate. */
    public AuditRecord append(DbExecute tx, AuditEvent event) {
        String requestId = RequestContext.current().map(RequestContext::requestId).orElse("system");
        return appendAll(tx, event.tenantId(), List.of(new Entry(event, requestId))).getFirst();
    }

    /**
     * An event to append with the request id it belongs to, for callers that append on another thread than the request's.
     *
     * @param event     what happened
     * @param requestId the correlation id of the request that did it
     */
    public record Entry(AuditEvent event, String requestId) {
    }

    /**
     * Appends records of one chain in the given transaction, in order, taking the chain's lock once: consecutive
     * sequence numbers, each linked to the one before, with one head update at the end.
     *
     * @param tenantId the tenant every entry belongs to ({@code null}: the platform chain)
     * @throws IllegalArgumentException when an entry belongs to another chain
     */
    public List<AuditRecord> appendAll(DbExecute tx, UUID tenantId, List<Entry> entries) {
        String chain = chainOf(tenantId);
        for (Entry entry : entries) {
            if (!Objects.equals(entry.event().tenantId(), tenantId)) {
                throw new IllegalArgumentException("an audit batch holds records of one chain only, " + chain);
            }
        }
        // The head row is the chain's lock: concurrent appends to one chain are serialised here.
        tx.dml("INSERT INTO kernel.audit_heads (chain, tenant_id, seq, hash) VALUES (?, ?, 0, ?) ON CONFLICT (chain) DO NOTHING",
               chain, tenantId, HexFormat.of().parseHex(GENESIS));
        DbRow head = tx.get("SELECT seq, hash FROM kernel.audit_heads WHERE chain = ? FOR UPDATE", chain)
                .orElseThrow(() -> new IllegalStateException("audit chain head " + chain + " is not visible in this scope"));
        long seq = head.column("seq").get(Long.class);
        String prevHash = HexFormat.of().formatHex(head.column("hash").get(byte[].class));
        Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<AuditRecord> records = new ArrayList<>(entries.size());
        List<Object> values = new ArrayList<>(entries.size() * COLUMNS);
        for (Entry entry : entries) {
            AuditEvent event = entry.event();
            seq++;
            String details = Json.writeString(event.details() == null ? new TreeMap<>() : new TreeMap<>(event.details()));
            AuditRecord unsigned = new AuditRecord(UUID.randomUUID(), chain, seq, tenantId, event.actor(), event.action(),
                                                   event.target(), event.outcome(), entry.requestId(), details, occurredAt, prevHash, null);
            String hash = hash(unsigned);
            records.add(new AuditRecord(unsigned.id(), chain, seq, tenantId, event.actor(), event.action(), event.target(),
                                        event.outcome(), entry.requestId(), details, occurredAt, prevHash, hash));
            values.addAll(Arrays.asList(unsigned.id(), chain, seq, tenantId, event.actor(), event.action(), event.target(),
                                        event.outcome(), entry.requestId(), details, Database.timestamp(occurredAt),
                                        HexFormat.of().parseHex(prevHash), HexFormat.of().parseHex(hash)));
            prevHash = hash;
        }
        if (!records.isEmpty()) {
            tx.dml("INSERT INTO kernel.audit_log (id, chain, seq, tenant_id, actor, action, target, outcome, request_id, details, "
                   + "occurred_at, prev_hash, hash) VALUES " + String.join(", ", Collections.nCopies(records.size(), ROW)),
                   values.toArray());
            tx.dml("UPDATE kernel.audit_heads SET seq = ?, hash = ? WHERE chain = ?", seq, HexFormat.of().parseHex(prevHash), chain);
        }
        return records;
    }

    private static final int COLUMNS = 13;
    private static final String ROW = "(" + String.join(", ", Collections.nCopies(COLUMNS, "?")) + ")";

    static String chainOf(UUID tenantId) {
        return tenantId == null ? PLATFORM_CHAIN : tenantId.toString();
    }

    /** SHA-256 over the previous hash and every field, in a fixed, unambiguous encoding. */
    static String hash(AuditRecord r) {
        StringBuilder canonical = new StringBuilder();
        for (Object field : new Object[] {r.prevHash(), r.chain(), r.seq(), r.id(), r.tenantId(), r.actor(), r.action(),
                                          r.target(), r.outcome(), r.requestId(), r.details(),
                                          r.occurredAt().toEpochMilli() * 1000 + r.occurredAt().getNano() / 1000 % 1000}) {
            String text = String.valueOf(field);
            // Length-prefixing keeps "a|b" + "c" distinct from "a" + "b|c".
            canonical.append(text.length()).append(':').append(text).append(';');
        }
        return Sha256.hex(canonical.toString());
    }
}
