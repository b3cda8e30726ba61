package io.voicecore.kernel.audit;

import java.time.Instant;
import java.util.Optional;

import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.Cursor;

/**
 * An opaque position in the audit log's listing order {@code (occurred_at, chain, seq)}: the last
 * record of the previous page. Audit records have no single creation id, so the general
 * {@link io.voicecore.kernel.http.Cursor} does not fit.
 */
record AuditCursor(Instant occurredAt, String chain, long seq) {

    static AuditCursor after(AuditRecord record) {
        return new AuditCursor(record.occurredAt(), record.chain(), record.seq());
    }

    String encode() {
        // The chain goes last: it is the only part that could ever contain the separator.
        return Cursor.encodeParts(occurredAt.toString(), Long.toString(seq), chain);
    }

    static AuditCursor decode(String token) {
        return Cursor.decodeParts(token, 3, parts -> new AuditCursor(Instant.parse(parts[0]), parts[2], Long.parseLong(parts[1])));
    }

    /** Reads {@code cursor} from the request. */
    static Optional<AuditCursor> from(ApiRequest request) {
        return request.query("cursor").map(AuditCursor::decode);
    }
}
