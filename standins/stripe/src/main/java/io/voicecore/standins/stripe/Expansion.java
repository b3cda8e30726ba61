package io.voicecore.standins.stripe;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stripe's {@code expand[]}: a field holding an id ({@code latest_charge: "ch_…"}) is replaced by the object, and a
 * dotted path ({@code latest_charge.balance_transaction}) expands inside it, up to four levels as Stripe allows.
 */
final class Expansion {
    private static final int MAX_DEPTH = 4;

    private Expansion() {
    }

    /** Expands {@code paths} in {@code answer} (a copy, changed in place) from the objects in {@code store}. */
    static ObjectNode apply(Store store, ObjectNode answer, List<String> paths) {
        for (String path : paths) {
            String[] segments = path.split("\\.");
            if (segments.length > MAX_DEPTH) {
                throw ApiError.invalid("You cannot expand more than " + MAX_DEPTH + " levels of a property. Property: "
                                       + path, "expand");
            }
            expand(store, answer, segments, 0, path);
        }
        return answer;
    }

    private static void expand(Store store, JsonNode node, String[] segments, int at, String path) {
        if (node.isArray()) {
            node.forEach(element -> expand(store, element, segments, at, path));
            return;
        }
        if (!(node instanceof ObjectNode object) || !object.has(segments[at])) {
            throw cannot(path);
        }
        JsonNode value = object.get(segments[at]);
        if (value.isTextual()) {
            value = store.find(value.asText()).map(ObjectNode::deepCopy).orElseThrow(() -> cannot(path));
            object.set(segments[at], value);
        }
        if (value.isNull()) {
            return;
        }
        if (at + 1 < segments.length) {
            expand(store, value, segments, at + 1, path);
        } else if (!value.has("object")) {
            // Only a reference to another object expands: not an amount, a hash such as metadata, or a list.
            throw cannot(path);
        }
    }

    private static ApiError cannot(String path) {
        return ApiError.invalid("This property cannot be expanded (" + path + ").", "expand");
    }
}
