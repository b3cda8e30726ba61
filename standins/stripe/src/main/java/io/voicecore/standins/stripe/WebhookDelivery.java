package io.voicecore.standins.stripe;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the delivery of one event to the webhook endpoint went, as listed by {@code GET /standin/webhooks}.
 *
 * @param eventId    the event's {@code evt_…} id
 * @param type       the event's type, e.g. {@code payment_intent.succeeded}
 * @param attempts   how many times it was sent so far
 * @param lastStatus the HTTP status of the last answer, or empty when there was none (no connection, time-out)
 * @param delivered  whether an attempt was answered with a 2xx status
 * @param lastError  why the last attempt failed without an answer, if it did
 */
public record WebhookDelivery(String eventId, String type, int attempts, Optional<Integer> lastStatus,
                              boolean delivered, Optional<String> lastError) {

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("eventId", eventId);
        json.put("type", type);
        json.put("attempts", attempts);
        if (lastStatus.isPresent()) {
            json.put("lastStatus", lastStatus.get());
        } else {
            json.putNull("lastStatus");
        }
        json.put("delivered", delivered);
        Json.putNullable(json, "lastError", lastError.orElse(null));
        return json;
    }
}
