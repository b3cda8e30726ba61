package io.voicecore.standins.stripe;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One API request the stand-in received, as listed by {@code GET /standin/requests}. The API key is never recorded:
 * only whether it was accepted. "Charged once" reads as: one {@code POST /v1/payment_intents} answered 200 that
 * was not {@code idempotentReplayed}.
 *
 * @param sequence           1 for the first request since the stand-in started or was reset
 * @param receivedAt         when it arrived
 * @param requestId          the {@code Request-Id} it was answered with
 * @param method             the HTTP method
 * @param path               the path, e.g. {@code /v1/payment_intents}
 * @param authorized         whether it carried an accepted API key
 * @param idempotencyKey     its {@code Idempotency-Key} header, if any
 * @param idempotentReplayed whether it was answered with the kept answer of an earlier request with that key
 * @param params             its parameters, decoded from the form body or query (Stripe's bracket notation as JSON)
 * @param status             the status it was answered with
 * @param objectId           the {@code id} of the object answered, if the answer was one
 * @param fault              the scripted fault it met ({@code status 500}, {@code hang 2000ms}), if any
 */
public record RecordedRequest(long sequence, Instant receivedAt, String requestId, String method, String path,
                              boolean authorized, Optional<String> idempotencyKey, boolean idempotentReplayed,
                              JsonNode params, int status, Optional<String> objectId, Optional<String> fault) {

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("sequence", sequence);
        json.put("receivedAt", receivedAt.toString());
        json.put("requestId", requestId);
        json.put("method", method);
        json.put("path", path);
        json.put("authorized", authorized);
        Json.putNullable(json, "idempotencyKey", idempotencyKey.orElse(null));
        json.put("idempotentReplayed", idempotentReplayed);
        json.set("params", params);
        json.put("status", status);
        Json.putNullable(json, "objectId", objectId.orElse(null));
        Json.putNullable(json, "fault", fault.orElse(null));
        return json;
    }
}
