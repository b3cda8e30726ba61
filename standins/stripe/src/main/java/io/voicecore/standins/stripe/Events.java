package io.voicecore.standins.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Makes Stripe Event objects: {@code {"id": "evt_…", "object": "event", "api_version", "created", "data":
 * {"object", "previous_attributes"}, "livemode": false, "pending_webhooks", "request": {"id", "idempotency_key"},
 * "type"}}, with a snapshot of the object as it is now.
 */
final class Events {
    /** The API version events are written in: the one stripe-java 31.0.0 pins, so it reads them into models. */
    static final String API_VERSION = "2025-11-17.clover";

    private final Store store;
    private final boolean webhooks;

    Events(Store store, boolean webhooks) {
        this.store = store;
        this.webhooks = webhooks;
    }

    /**
     * Records an event caused by {@code call} (or by the stand-in's own script when {@code call} has no request).
     *
     * @param previousAttributes the fields that changed, with their former values, or null
     */
    ObjectNode emit(Call call, String type, ObjectNode object, ObjectNode previousAttributes) {
        ObjectNode event = Json.object();
        event.put("id", Ids.next("evt_"));
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", call.created());
        ObjectNode data = event.putObject("data");
        data.set("object", object.deepCopy());
        if (previousAttributes != null) {
            data.set("previous_attributes", previousAttributes);
        }
        event.put("livemode", false);
        event.put("pending_webhooks", webhooks ? 1 : 0);
        ObjectNode request = event.putObject("request");
        Json.putNullable(request, "id", call.requestId());
        Json.putNullable(request, "idempotency_key", call.idempotencyKey().orElse(null));
        event.put("type", type);
        store.event(event);
        call.emitted().add(event);
        return event;
    }
}
