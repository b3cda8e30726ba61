package io.voicecore.sdk.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON value: the SDK's own small model, so plugins need no JSON library (and no reflection).
 * Values are immutable. {@link #parse(String)} reads one JSON text strictly (RFC 8259; duplicate keys
 * are an error); {@link #toString()} writes compact JSON.
 *
 * <pre>{@code
 * Json body = Json.parse(request.bodyText());
 * String name = body.get("name").asString();
 * Json reply = Json.object().put("id", id).put("name", name).build();
 * }</pre>
 */
public sealed interface Json permits Json.Obj, Json.Arr, Json.Str, Json.Num, Json.Bool, Json.Null {

    /** A JSON object; iteration follows insertion order. */
    record Obj(Map<String, Json> members) implements Json {
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        @Override
        public String toString() {
            return JsonWriter.write(this);
        }
    }

    /** A JSON array. */
    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return JsonWriter.write(this);
        }
    }

    /** A JSON string. */
    record Str(String value) implements Json {
        public Str {
            if (value == null) {
                throw new IllegalArgumentException("a JSON string cannot be null; use Json.NULL");
            }
        }

        @Override
        public String toString() {
            return JsonWriter.write(this);
        }
    }

    /** A JSON number, kept exactly as a decimal. */
    record Num(BigDecimal value) implements Json {
        @Override
        public String toString() {
            return JsonWriter.write(this);
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements Json {
        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** {@code null}. */
    record Null() implements Json {
        @Override
        public String toString() {
            return "null";
        }
    }

    /** The JSON {@code null} value. */
    Json NULL = new Null();

    /**
     * Parses one JSON text.
     *
     * @param text the JSON text
     * @return the value
     * @throws JsonException with the position of the first error
     */
    static Json parse(String text) {
        return new JsonParser(text).parseDocument();
    }

    /** @return a builder for a JSON object */
    static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** @param items the items; each is converted with {@link #of(Object)} @return a JSON array */
    static Json array(List<?> items) {
        List<Json> values = new ArrayList<>(items.size());
        for (Object item : items) {
            values.add(of(item));
        }
        return new Arr(values);
    }

    /**
     * Converts a Java value: {@code null}, {@link Json}, {@link String}, {@link Number}, {@link Boolean},
     * {@link Map} (string keys), {@link List}, or anything else through its {@code toString()} (UUIDs, instants).
     *
     * @param value the value
     * @return the JSON value
     */
    static Json of(Object value) {
        return switch (value) {
            case null -> NULL;
            case Json json -> json;
            case String s -> new Str(s);
            case BigDecimal d -> new Num(d);
            case Double d -> new Num(BigDecimal.valueOf(d));
            case Float f -> new Num(BigDecimal.valueOf(f.doubleValue()));
            case Number n -> new Num(new BigDecimal(n.toString()));
            case Boolean b -> new Bool(b);
            case Map<?, ?> map -> {
                ObjectBuilder builder = object();
                map.forEach((k, v) -> builder.put(String.valueOf(k), v));
                yield builder.build();
            }
            case List<?> list -> array(list);
            default -> new Str(value.toString());
        };
    }

    /** Builds a {@link Obj} member by member. */
    final class ObjectBuilder {
        private final Map<String, Json> members = new LinkedHashMap<>();

        ObjectBuilder() {
        }

        /** @param name member name @param value converted with {@link Json#of(Object)} @return this builder */
        public ObjectBuilder put(String name, Object value) {
            members.put(name, of(value));
            return this;
        }

        /** @return the object */
        public Json build() {
            return new Obj(members);
        }
    }

    /**
     * The member {@code name} of an object, or {@link #NULL} when absent or when this is not an object.
     *
     * @param name member name
     * @return the member's value
     */
    default Json get(String name) {
        return this instanceof Obj obj ? obj.members().getOrDefault(name, NULL) : NULL;
    }

    /** @param name member name @return whether this is an object with that member (even if it is null) */
    default boolean has(String name) {
        return this instanceof Obj obj && obj.members().containsKey(name);
    }

    /** @return whether this is {@code null} */
    default boolean isNull() {
        return this instanceof Null;
    }

    /** @return the string value @throws JsonException if this is not a string */
    default String asString() {
        if (this instanceof Str s) {
            return s.value();
        }
        throw new JsonException("expected a string but found " + kind());
    }

    /** @return the string value, or empty when this is null or absent @throws JsonException if it is another kind */
    default Optional<String> asOptionalString() {
        return isNull() ? Optional.empty() : Optional.of(asString());
    }

    /** @return the number as an exact long @throws JsonException if not an integral number in range */
    default long asLong() {
        if (this instanceof Num n) {
            try {
                return n.value().longValueExact();
            } catch (ArithmeticException e) {
                throw new JsonException("expected a whole number but found " + n.value());
            }
        }
        throw new JsonException("expected a number but found " + kind());
    }

    /** @return the number as a decimal @throws JsonException if this is not a number */
    default BigDecimal asDecimal() {
        if (this instanceof Num n) {
            return n.value();
        }
        throw new JsonException("expected a number but found " + kind());
    }

    /** @return the boolean value @throws JsonException if this is not a boolean */
    default boolean asBoolean() {
        if (this instanceof Bool b) {
            return b.value();
        }
        throw new JsonException("expected true or false but found " + kind());
    }

    /** @return the items of an array @throws JsonException if this is not an array */
    default List<Json> asList() {
        if (this instanceof Arr a) {
            return a.items();
        }
        throw new JsonException("expected an array but found " + kind());
    }

    /** @return the members of an object @throws JsonException if this is not an object */
    default Map<String, Json> asMap() {
        if (this instanceof Obj o) {
            return o.members();
        }
        throw new JsonException("expected an object but found " + kind());
    }

    /** @return {@code object}, {@code array}, {@code string}, {@code number}, {@code boolean} or {@code null} */
    default String kind() {
        return switch (this) {
            case Obj o -> "object";
            case Arr a -> "array";
            case Str s -> "string";
            case Num n -> "number";
            case Bool b -> "boolean";
            case Null n -> "null";
        };
    }
}
