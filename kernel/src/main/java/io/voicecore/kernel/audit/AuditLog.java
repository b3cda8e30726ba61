package io.voicecore.kernel.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
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
        String chain = chainOf(event.tenantId());
        // The head row is the chain's lock: concurrent appends to one chain are serialised here.
        tx.dml("INSERT INTO kernel.audit_heads (chain, tenant_id, seq, hash) VALUES (?, ?, 0, ?) ON CONFLICT (chain) DO NOTHING",
               chain, event.tenantId(), HexFormat.of().parseHex(GENESIS));
        DbRow head = tx.get("SELECT seq, hash FROM kernel.audit_heads WHERE chain = ? FOR UPDATE", chain)
                .orElseThrow(() -> new IllegalStateException("audit chain head " + chain + " is not visible in this scope"));
        long seq = head.column("seq").get(Long.class) + 1;
        String prevHash = HexFormat.of().formatHex(head.column("hash").get(byte[].class));
        String requestId = RequestContext.current().map(RequestContext::requestId).orElse("system");
        Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = Json.writeString(event.details() == null ? new TreeMap<>() : new TreeMap<>(event.details()));
        AuditRecord unsigned = new AuditRecord(UUID.randomUUID(), chain, seq, event.tenantId(), event.actor(), event.action(),
                                               event.target(), event.outcome(), requestId, details, occurredAt, prevHash, null);
        String hash = hash(unsigned);
        tx.dml("INSERT INTO kernel.audit_log (id, chain, seq, tenant_id, actor, action, target, outcome, request_id, details, "
               + "occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               unsigned.id(), chain, seq, event.tenantId(), event.actor(), event.action(), event.target(), event.outcome(),
               requestId, details, Database.timestamp(occurredAt), HexFormat.of().parseHex(prevHash), HexFormat.of().parseHex(hash));
        tx.dml("UPDATE kernel.audit_heads SET seq = ?, hash = ? WHERE chain = ?", seq, HexFormat.of().parseHex(hash), chain);
        return new AuditRecord(unsigned.id(), chain, seq, event.tenantId(), event.actor(), event.action(), event.target(),
                               event.outcome(), requestId, details, occurredAt, prevHash, hash);
    }

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
