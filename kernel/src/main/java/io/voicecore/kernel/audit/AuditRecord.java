package io.voicecore.kernel.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored audit record. {@code hash} covers every other field and the previous record's hash,
 * so editing, deleting or reordering records breaks the chain.
 */
public record AuditRecord(
        UUID id,
        String chain,
        long seq,
        UUID tenantId,
        String actor,
        String action,
        String target,
        String outcome,
        String requestId,
        String details,
        Instant occurredAt,
        String prevHash,
        String hash) {
}
