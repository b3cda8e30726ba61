package io.voicecore.kernel.plugins.events;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.Cursor;

/**
 * An opaque position in the dead-letter listing order {@code (last_attempt_at, event_id, subscriber)}: the
 * last item of the previous page. A dead letter is keyed by event and subscriber, so the general
 * {@link io.voicecore.kernel.http.Cursor} (time and one id) does not fit.
 */
record DeadLetterCursor(Instant lastAttemptAt, UUID eventId, String subscriber) {

    static DeadLetterCursor after(DeadLetter letter) {
        return new DeadLetterCursor(letter.lastAttemptAt(), letter.eventId(), letter.subscriber());
    }

    String encode() {
        // The subscriber goes last: it is the only part that could ever contain the separator.
        return Cursor.encodeParts(lastAttemptAt.toString(), eventId.toString(), subscriber);
    }

    static DeadLetterCursor decode(String token) {
        return Cursor.decodeParts(token, 3, parts -> new DeadLetterCursor(Instant.parse(parts[0]), UUID.fromString(parts[1]), parts[2]));
    }

    /** Reads {@code cursor} from the request. */
    static Optional<DeadLetterCursor> from(ApiRequest request) {
        return request.query("cursor").map(DeadLetterCursor::decode);
    }
}
