package io.voicecore.standins.stripe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The parameters of one request, decoded from {@code application/x-www-form-urlencoded} with Stripe's bracket
 * notation: {@code metadata[order]=42} is a hash, {@code expand[]=a} appends to a list, {@code expand[0]=a} (what
 * stripe-java sends) is a hash with numeric keys that reads as a list. An empty value means null, as in Stripe.
 * The typed getters refuse a bad value with Stripe's 400 error naming the parameter.
 */
final class Params {
    private final ObjectNode tree;

    private Params(ObjectNode tree) {
        this.tree = tree;
    }

    static Params parse(String encoded) {
        ObjectNode root = Json.object();
        if (encoded == null || encoded.isEmpty()) {
            return new Params(root);
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            insert(root, segments(key), value.isEmpty() ? NullNode.getInstance() : TextNode.valueOf(value), key);
        }
        return new Params(root);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("Invalid URL encoding in the request body or query: " + e.getMessage(), null);
        }
    }

    /** {@code a[b][]} → {@code [a, b, ""]}; a key that does not follow the notation is one plain name. */
    private static List<String> segments(String key) {
        int open = key.indexOf('[');
        if (open <= 0 || !key.endsWith("]")) {
            return List.of(key);
        }
        List<String> segments = new ArrayList<>();
        segments.add(key.substring(0, open));
        int at = open;
        while (at < key.length()) {
            if (key.charAt(at) != '[') {
                return List.of(key);
            }
            int close = key.indexOf(']', at);
            if (close < 0) {
                return List.of(key);
            }
            segments.add(key.substring(at + 1, close));
            at = close + 1;
        }
        return segments;
    }

    private static void insert(JsonNode container, List<String> segments, JsonNode value, String key) {
        String segment = segments.get(0);
        boolean last = segments.size() == 1;
        if (container instanceof ArrayNode array) {
            if (last) {
                array.add(value);
                return;
            }
            String next = segments.get(1);
            if (next.isEmpty()) {
                throw ApiError.invalid("Invalid array: nested lists are not supported (" + key + ")", key);
            }
            JsonNode tail = array.isEmpty() ? null : array.get(array.size() - 1);
            ObjectNode element = tail instanceof ObjectNode object && !object.has(next) ? object : array.addObject();
            insert(element, segments.subList(1, segments.size()), value, key);
            return;
        }
        ObjectNode object = (ObjectNode) container;
        if (last) {
            object.set(segment, value);
            return;
        }
        boolean wantsList = segments.get(1).isEmpty();
        JsonNode child = object.get(segment);
        if (child == null || child.isNull()) {
            child = wantsList ? object.putArray(segment) : object.putObject(segment);
        } else if (wantsList != child.isArray() || child.isValueNode()) {
            throw ApiError.invalid("Invalid " + (wantsList ? "array" : "hash") + " for " + segment
                                   + ": it was sent both as a value and as a " + (wantsList ? "list" : "hash"), segment);
        }
        insert(child, segments.subList(1, segments.size()), value, key);
    }

    /** @return the decoded parameters as a JSON tree (what the request log shows and idempotency compares) */
    ObjectNode tree() {
        return tree;
    }

    boolean has(String name) {
        return tree.has(name) && !tree.get(name).isNull();
    }

    Optional<String> text(String name) {
        JsonNode value = tree.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.invalid("Invalid string: " + value + " (" + name + " must be a single value, not a hash or"
                                   + " a list)", name);
        }
        return Optional.of(value.asText());
    }

    String requireText(String name) {
        return text(name).orElseThrow(() -> missing(name));
    }

    static ApiError missing(String name) {
        return ApiError.invalid("Missing required param: " + name + ".", name, "parameter_missing");
    }

    /** @return a whole number of at least 1 (amounts are integers in minor units) */
    OptionalLong positiveInteger(String name) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        long value;
        try {
            value = Long.parseLong(text.get());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid integer: " + text.get(), name, "parameter_invalid_integer");
        }
        if (value < 1) {
            throw ApiError.invalid("This value must be greater than or equal to 1.", name, "parameter_invalid_integer");
        }
        return OptionalLong.of(value);
    }

    Optional<Boolean> bool(String name) {
        return text(name).map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.invalid("Invalid boolean: " + text, name);
        });
    }

    /** @return a hash parameter such as {@code business_profile}, empty when absent */
    ObjectNode hash(String name) {
        JsonNode value = tree.get(name);
        if (value == null || value.isNull()) {
            return Json.object();
        }
        if (!value.isObject()) {
            throw ApiError.invalid("Invalid hash: " + name + " must be sent as " + name + "[key]=value", name);
        }
        return (ObjectNode) value;
    }

    /** @return {@code metadata} as Stripe keeps it: at most 50 keys of up to 40 characters, values up to 500 */
    ObjectNode metadata() {
        ObjectNode metadata = Json.object();
        ObjectNode sent = hash("metadata");
        if (sent.size() > 50) {
            throw ApiError.invalid("Invalid metadata: metadata may have at most 50 keys, not " + sent.size(), "metadata");
        }
        for (Map.Entry<String, JsonNode> entry : sent.properties()) {
            if (entry.getValue().isNull()) {
                continue;
            }
            if (!entry.getValue().isTextual()) {
                throw ApiError.invalid("Invalid metadata: the value of " + entry.getKey() + " must be a string",
                                       "metadata[" + entry.getKey() + "]");
            }
            if (entry.getKey().length() > 40 || entry.getValue().asText().length() > 500) {
                throw ApiError.invalid("Invalid metadata: keys may have at most 40 characters and values at most 500",
                                       "metadata[" + entry.getKey() + "]");
            }
            metadata.set(entry.getKey(), entry.getValue());
        }
        return metadata;
    }

    /** @return a list parameter, sent as {@code name[]=a&name[]=b} or {@code name[0]=a&name[1]=b} */
    List<String> list(String name) {
        JsonNode value = tree.get(name);
        List<String> items = new ArrayList<>();
        if (value == null || value.isNull()) {
            return items;
        }
        if (value.isArray()) {
            value.forEach(item -> items.add(item.asText()));
            return items;
        }
        if (value.isObject()) {
            Map<Integer, String> indexed = new TreeMap<>();
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                try {
                    indexed.put(Integer.parseInt(entry.getKey()), entry.getValue().asText());
                } catch (NumberFormatException e) {
                    throw ApiError.invalid("Invalid array: " + name + " must be a list", name);
                }
            }
            items.addAll(indexed.values());
            return items;
        }
        throw ApiError.invalid("Invalid array: " + name + " must be a list (" + name + "[]=…)", name);
    }

    List<String> expand() {
        return list("expand");
    }

    /**
     * Refuses a parameter this endpoint does not take, as Stripe does ({@code Received unknown parameter: x}),
     * naming what the stand-in does take, since a parameter Stripe knows may still be one it does not implement.
     */
    void refuseUnknown(Set<String> accepted) {
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!accepted.contains(name) && !name.equals("expand")) {
                throw ApiError.invalid("Received unknown parameter: " + name + ". The Stripe stand-in takes "
                                       + String.join(", ", new TreeSet<>(accepted))
                                       + " and expand here (docs/stand-ins.md).", name, "parameter_unknown");
            }
        }
    }
}
