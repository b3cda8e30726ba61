package io.voicecore.testkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.voicecore.sdk.json.Json;

/**
 * Checks a JSON value against a JSON schema of an OpenAPI 3.x document: the keywords plugin documents use ({@code type}
 * with {@code null}, {@code nullable}, {@code required}, {@code properties}, {@code additionalProperties},
 * {@code items}, {@code enum}, {@code const}, {@code minimum}, {@code maximum}, {@code minLength}, {@code maxLength},
 * {@code minItems}, {@code maxItems}, {@code pattern}, {@code format} uuid, date-time and date, {@code allOf},
 * {@code anyOf}, {@code oneOf} and local {@code $ref}s). Other keywords are not checked.
 */
final class SchemaCheck {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Map<String, Object> document;
    private final List<String> violations = new ArrayList<>();

    private SchemaCheck(Map<String, Object> document) {
        this.document = document;
    }

    /** @return each violation as {@code <where>: <what>}, {@code $} being the value itself; empty when it conforms */
    static List<String> violations(Map<String, Object> document, Object schema, Json value) {
        SchemaCheck check = new SchemaCheck(document);
        check.check(schema, value, "$");
        return check.violations;
    }

    private void check(Object schemaNode, Json value, String at) {
        if (!(schemaNode instanceof Map<?, ?> schema)) {
            return;
        }
        if (schema.get("$ref") instanceof String ref) {
            check(resolve(ref), value, at);
            return;
        }
        if (schema.get("allOf") instanceof List<?> all) {
            all.forEach(part -> check(part, value, at));
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (schema.get(keyword) instanceof List<?> options
                && options.stream().noneMatch(option -> violations(document, option, value).isEmpty())) {
                violations.add(at + ": matches none of " + keyword);
            }
        }
        if (!typeMatches(schema, value)) {
            violations.add(at + ": is " + describe(value) + ", not " + schema.get("type"));
            return;
        }
        if (schema.get("enum") instanceof List<?> allowed && allowed.stream().noneMatch(option -> same(option, value))) {
            violations.add(at + ": " + describe(value) + " is not one of " + allowed);
        }
        if (schema.containsKey("const") && !same(schema.get("const"), value)) {
            violations.add(at + ": is not " + schema.get("const"));
        }
        switch (value) {
            case Json.Obj object -> checkObject(schema, object, at);
            case Json.Arr array -> {
                bound(schema, "minItems", array.items().size(), at, true);
                bound(schema, "maxItems", array.items().size(), at, false);
                for (int i = 0; i < array.items().size(); i++) {
                    check(schema.get("items"), array.items().get(i), at + "[" + i + "]");
                }
            }
            case Json.Str text -> checkText(schema, text.value(), at);
            case Json.Num number -> {
                bound(schema, "minimum", number.value(), at, true);
                bound(schema, "maximum", number.value(), at, false);
            }
            default -> { }
        }
    }

    private void checkObject(Map<?, ?> schema, Json.Obj object, String at) {
        if (schema.get("required") instanceof List<?> required) {
            required.stream().map(String::valueOf).filter(name -> !object.members().containsKey(name))
                    .forEach(name -> violations.add(at + "." + name + ": is required"));
        }
        Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> map ? map : Map.of();
        object.members().forEach((name, member) -> {
            if (properties.containsKey(name)) {
                check(properties.get(name), member, at + "." + name);
            } else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                violations.add(at + "." + name + ": is not a documented property");
            } else {
                check(schema.get("additionalProperties"), member, at + "." + name);
            }
        });
    }

    private void checkText(Map<?, ?> schema, String text, String at) {
        bound(schema, "minLength", text.codePointCount(0, text.length()), at, true);
        bound(schema, "maxLength", text.codePointCount(0, text.length()), at, false);
        if (schema.get("pattern") instanceof String pattern && !Pattern.compile(pattern).matcher(text).find()) {
            violations.add(at + ": '" + text + "' does not match " + pattern);
        }
        boolean formatOk = switch (String.valueOf(schema.get("format"))) {
            case "uuid" -> UUID.matcher(text).matches();
            case "date" -> DATE.matcher(text).matches();
            case "date-time" -> parsesAsInstant(text);
            default -> true;
        };
        if (!formatOk) {
            violations.add(at + ": '" + text + "' is not a " + schema.get("format"));
        }
    }

    private static boolean parsesAsInstant(String text) {
        try {
            java.time.OffsetDateTime.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private void bound(Map<?, ?> schema, String keyword, Number actual, String at, boolean lower) {
        if (schema.get(keyword) instanceof Number limit) {
            int compared = new BigDecimal(actual.toString()).compareTo(new BigDecimal(limit.toString()));
            if (lower ? compared < 0 : compared > 0) {
                violations.add(at + ": " + actual + " is " + (lower ? "below " : "above ") + keyword + " " + limit);
            }
        }
    }

    private static boolean typeMatches(Map<?, ?> schema, Json value) {
        Object type = schema.get("type");
        if (type == null) {
            return true;
        }
        List<?> types = type instanceof List<?> list ? list : List.of(type);
        if (value instanceof Json.Null) {
            return types.contains("null") || Boolean.TRUE.equals(schema.get("nullable"));
        }
        return types.stream().anyMatch(t -> switch (String.valueOf(t)) {
            case "object" -> value instanceof Json.Obj;
            case "array" -> value instanceof Json.Arr;
            case "string" -> value instanceof Json.Str;
            case "boolean" -> value instanceof Json.Bool;
            case "number" -> value instanceof Json.Num;
            case "integer" -> value instanceof Json.Num number && number.value().stripTrailingZeros().scale() <= 0;
            default -> false;
        });
    }

    private static boolean same(Object expected, Json value) {
        return switch (value) {
            case Json.Null ignored -> expected == null;
            case Json.Str text -> text.value().equals(expected);
            case Json.Bool bool -> Boolean.valueOf(bool.value()).equals(expected);
            case Json.Num number -> expected instanceof Number n && number.value().compareTo(new BigDecimal(n.toString())) == 0;
            default -> false;
        };
    }

    private static String describe(Json value) {
        return switch (value) {
            case Json.Obj ignored -> "an object";
            case Json.Arr ignored -> "an array";
            case Json.Str text -> "'" + text.value() + "'";
            case Json.Null ignored -> "null";
            default -> value.toString();
        };
    }

    private Object resolve(String ref) {
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = node instanceof Map<?, ?> map ? map.get(part) : null;
        }
        if (node == null) {
            throw new IllegalArgumentException("the document has no " + ref);
        }
        return node;
    }
}
