package io.voicecore.kernel.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRequest;

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
        String text = occurredAt + "|" + seq + "|" + chain;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static AuditCursor decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split("\\|", 3);
            return new AuditCursor(Instant.parse(parts[0]), parts[2], Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw new ApiException.BadRequest("Query parameter 'cursor' is not a cursor this API issued; "
                                              + "pass the 'next' value of the previous page unchanged.");
        }
    }

    /** Reads {@code cursor} from the request. */
    static Optional<AuditCursor> from(ApiRequest request) {
        return request.query("cursor").map(AuditCursor::decode);
    }
}
