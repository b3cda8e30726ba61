package io.voicecore.marketplace.licence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The canonical JSON of a licence, the payload of its token: one object, members in a fixed order, no whitespace,
 * instants as epoch seconds, optional members left out when absent. {@code docs/marketplace.md} lists the members.
 *
 * <p>Writing is by hand: every string a {@link Licence} admits is plain ASCII without quotes or backslashes, so no
 * escaping is ever needed and the output is exact by construction. Reading uses Jackson and then insists that the
 * licence read writes back to the very same bytes, so each licence has exactly one payload and no leniency of the
 * parser (escapes, number forms, member order, duplicates, upper-case UUIDs) can slip through.
 */
final class LicencePayload {
    private static final ObjectMapper READER = JsonMapper.builder(JsonFactory.builder()
                    // The payload is one object holding at most one object.
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private LicencePayload() {
    }

    /** The canonical payload of the licence, as UTF-8 (in fact ASCII) bytes. */
    static byte[] encode(Licence licence) {
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        string(json, "kid", licence.keyId()).append(',');
        string(json, "lid", licence.licenceId().toString()).append(',');
        string(json, "tid", licence.tenantId().toString()).append(',');
        string(json, "plg", licence.pluginId()).append(',');
        string(json, "pln", licence.planId()).append(',');
        name(json, "trl").append(licence.trial());
        licence.seats().ifPresent(seats -> name(json.append(','), "sts").append(seats));
        if (!licence.usageLimits().isEmpty()) {
            name(json.append(','), "lim").append('{');
            String separator = "";
            for (Map.Entry<String, Long> limit : licence.usageLimits().entrySet()) {
                name(json.append(separator), limit.getKey()).append(limit.getValue().longValue());
                separator = ",";
            }
            json.append('}');
        }
        name(json.append(','), "iat").append(licence.issuedAt().getEpochSecond());
        name(json.append(','), "nbf").append(licence.startsAt().getEpochSecond());
        licence.expiresAt().ifPresent(expiry -> name(json.append(','), "exp").append(expiry.getEpochSecond()));
        json.append('}');
        return json.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The licence whose canonical payload these bytes are, or empty when they are not one: not JSON, a member
     * missing, unknown or of the wrong type, a value a licence refuses, or any difference from the canonical form.
     * Never throws.
     */
    static Optional<Licence> decode(byte[] payload) {
        JsonNode tree;
        try {
            tree = READER.readTree(payload);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        if (!(tree instanceof ObjectNode object)) {
            return Optional.empty();
        }
        Licence licence;
        try {
            licence = new Licence(uuid(object, "lid"), uuid(object, "tid"), text(object, "plg"), text(object, "pln"),
                                  bool(object, "trl"), seats(object), limits(object), instant(object, "iat"),
                                  instant(object, "nbf"), optionalInstant(object, "exp"), text(object, "kid"));
        } catch (IllegalArgumentException | DateTimeException unusable) {
            return Optional.empty();
        }
        // Also refuses unknown members: they would not be written back.
        return Arrays.equals(encode(licence), payload) ? Optional.of(licence) : Optional.empty();
    }

    private static StringBuilder name(StringBuilder json, String name) {
        return json.append('"').append(name).append("\":");
    }

    private static StringBuilder string(StringBuilder json, String name, String value) {
        return name(json, name).append('"').append(value).append('"');
    }

    private static JsonNode member(ObjectNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing member " + name);
        }
        return value;
    }

    private static String text(ObjectNode object, String name) {
        JsonNode value = member(object, name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return value.textValue();
    }

    private static UUID uuid(ObjectNode object, String name) {
        // Lenient about short forms, but the canonical check afterwards is not.
        return UUID.fromString(text(object, name));
    }

    private static boolean bool(ObjectNode object, String name) {
        JsonNode value = member(object, name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " is not a boolean");
        }
        return value.booleanValue();
    }

    private static long integer(JsonNode value, String name) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(name + " is not a 64-bit integer");
        }
        return value.longValue();
    }

    private static OptionalInt seats(ObjectNode object) {
        JsonNode value = object.get("sts");
        if (value == null) {
            return OptionalInt.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("sts is not a 32-bit integer");
        }
        return OptionalInt.of(value.intValue());
    }

    private static Map<String, Long> limits(ObjectNode object) {
        JsonNode value = object.get("lim");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof ObjectNode limits) || limits.size() > Licence.MAX_USAGE_LIMITS) {
            throw new IllegalArgumentException("lim is not an object of at most " + Licence.MAX_USAGE_LIMITS + " members");
        }
        Map<String, Long> read = new LinkedHashMap<>();
        limits.properties().forEach(limit -> read.put(limit.getKey(), integer(limit.getValue(), "lim")));
        return read;
    }

    private static Instant instant(ObjectNode object, String name) {
        return Instant.ofEpochSecond(integer(member(object, name), name));
    }

    private static Optional<Instant> optionalInstant(ObjectNode object, String name) {
        return object.has(name) ? Optional.of(instant(object, name)) : Optional.empty();
    }
}
