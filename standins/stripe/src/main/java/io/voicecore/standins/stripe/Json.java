package io.voicecore.standins.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the stand-in, and shorthands for building Stripe objects. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** @return Stripe's empty list object, e.g. a transfer's {@code reversals} before the first one */
    static ObjectNode list(String url) {
        ObjectNode list = object();
        list.put("object", "list");
        list.putArray("data");
        list.put("has_more", false);
        list.put("total_count", 0);
        list.put("url", url);
        return list;
    }

    /** Puts {@code value}, or a JSON null when it is null. */
    static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
