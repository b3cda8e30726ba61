package io.voicecore.kernel.plugins.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRequest;

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
        String text = lastAttemptAt + "|" + eventId + "|" + subscriber;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static DeadLetterCursor decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split("\\|", 3);
            return new DeadLetterCursor(Instant.parse(parts[0]), UUID.fromString(parts[1]), parts[2]);
        } catch (RuntimeException e) {
            throw new ApiException.BadRequest("Query parameter 'cursor' is not a cursor this API issued; "
                                              + "pass the 'next' value of the previous page unchanged.");
        }
    }

    /** Reads {@code cursor} from the request. */
    static Optional<DeadLetterCursor> from(ApiRequest request) {
        return request.query("cursor").map(DeadLetterCursor::decode);
    }
}
