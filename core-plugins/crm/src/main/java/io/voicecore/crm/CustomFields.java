package io.voicecore.crm;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The custom fields a tenant defines for its contacts, and the check of a contact's {@code customFields}
 * against them: only defined keys, values of the defined type, every required field present.
 */
final class CustomFields {
    static final Set<String> TYPES = Set.of("string", "number", "boolean", "date", "enum");
    private static final String KEY_PATTERN = "[a-z][a-zA-Z0-9_]{0,39}";

    /**
     * One definition.
     *
     * @param values the allowed values of an {@code enum}, empty for other types
     */
    record Definition(String key, String label, String type, List<String> values, boolean required) {
        Json toJson() {
            return Json.object().put("key", key).put("label", label).put("type", type).put("values", values)
                    .put("required", required).build();
        }
    }

    /** @return the definition of a {@code POST /custom-fields} body @throws PluginProblem 422 naming each invalid field */
    static Definition parse(Json body) {
        FieldErrors errors = new FieldErrors();
        if (!(body instanceof Json.Obj object)) {
            throw new PluginProblem(422, "invalid-fields", "Send a JSON object with key, label, type and optionally values and required.");
        }
        for (String member : object.members().keySet()) {
            if (!Set.of("key", "label", "type", "values", "required").contains(member)) {
                errors.add(member, "is not a custom field property; use key, label, type, values, required");
            }
        }
        String key = body.get("key") instanceof Json.Str s && s.value().matches(KEY_PATTERN) ? s.value() : null;
        if (key == null) {
            errors.add("key", "must be 1 to 40 letters, digits or '_', starting with a lower-case letter, e.g. 'vipLevel'");
        }
        String label = body.get("label") instanceof Json.Str s && !s.value().isBlank() && s.value().length() <= ContactChanges.MAX_TEXT
                ? s.value().strip() : null;
        if (label == null) {
            errors.add("label", "must be a text of 1 to " + ContactChanges.MAX_TEXT + " characters");
        }
        String type = body.get("type") instanceof Json.Str s && TYPES.contains(s.value()) ? s.value() : null;
        if (type == null) {
            errors.add("type", "must be one of boolean, date, enum, number, string");
        }
        List<String> values = new ArrayList<>();
        if (body.has("values")) {
            if (body.get("values") instanceof Json.Arr array && !array.items().isEmpty()
                && array.items().stream().allMatch(v -> v instanceof Json.Str s && !s.value().isBlank())) {
                array.items().forEach(v -> values.add(v.asString()));
                if (values.stream().distinct().count() != values.size()) {
                    errors.add("values", "must not repeat a value");
                }
            } else {
                errors.add("values", "must be a non-empty array of texts");
            }
        }
        if ("enum".equals(type) && values.isEmpty() && !body.has("values")) {
            errors.add("values", "is required for an enum: the allowed values");
        }
        if (type != null && !"enum".equals(type) && body.has("values")) {
            errors.add("values", "applies to type enum only");
        }
        boolean required = false;
        if (body.has("required")) {
            if (body.get("required") instanceof Json.Bool b) {
                required = b.value();
            } else {
                errors.add("required", "must be true or false");
            }
        }
        errors.throwIfAny();
        return new Definition(key, label, type, values, required);
    }

    /** @return whether it was stored; false when the key is defined already */
    static boolean insert(Storage storage, Definition definition) {
        return storage.update("INSERT INTO custom_fields (tenant_id, key, label, type, enum_values, required, created_at) "
                              + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING",
                              Storage.TENANT, definition.key(), definition.label(), definition.type(), Json.of(definition.values()),
                              definition.required(), Instant.now()) == 1;
    }

    /** @return the tenant's definitions by key, in the order they were created */
    static Map<String, Definition> all(Storage storage) {
        return read(storage.query(SELECT_ALL));
    }

    /** The statement that reads every definition of the tenant, in the order {@link #read} expects. */
    static final String SELECT_ALL = "SELECT key, label, type, enum_values, required FROM custom_fields ORDER BY created_at, key";

    /** @return the definitions of rows read with {@link #SELECT_ALL}, by key */
    static Map<String, Definition> read(List<Row> rows) {
        Map<String, Definition> definitions = new LinkedHashMap<>();
        for (Row row : rows) {
            List<String> values = row.json("enum_values").map(j -> j.asList().stream().map(Json::asString).toList()).orElse(List.of());
            definitions.put(row.string("key").orElseThrow(), new Definition(row.string("key").orElseThrow(), row.string("label").orElseThrow(),
                    row.string("type").orElseThrow(), values, row.bool("required").orElse(false)));
        }
        return definitions;
    }

    /** Adds an error for each custom field of {@code values} that is not defined or not valid, and for each missing required one. */
    static void check(Json values, Map<String, Definition> definitions, FieldErrors errors) {
        for (Map.Entry<String, Json> field : values.asMap().entrySet()) {
            Definition definition = definitions.get(field.getKey());
            String path = "customFields." + field.getKey();
            if (definition == null) {
                errors.add(path, definitions.isEmpty() ? "is not defined; define it first with POST /custom-fields"
                        : "is not defined; defined fields are " + String.join(", ", definitions.keySet()));
                continue;
            }
            Json value = field.getValue();
            switch (definition.type()) {
                case "string" -> {
                    if (!(value instanceof Json.Str)) {
                        errors.add(path, "must be a text");
                    }
                }
                case "number" -> {
                    if (!(value instanceof Json.Num)) {
                        errors.add(path, "must be a number");
                    }
                }
                case "boolean" -> {
                    if (!(value instanceof Json.Bool)) {
                        errors.add(path, "must be true or false");
                    }
                }
                case "date" -> {
                    if (!(value instanceof Json.Str s && isDate(s.value()))) {
                        errors.add(path, "must be a date like 2025-01-31");
                    }
                }
                case "enum" -> {
                    if (!(value instanceof Json.Str s && definition.values().contains(s.value()))) {
                        errors.add(path, "must be one of " + String.join(", ", definition.values()));
                    }
                }
                default -> errors.add(path, "has the unknown type " + definition.type());
            }
        }
        for (Definition definition : definitions.values()) {
            if (definition.required() && !values.has(definition.key())) {
                errors.add("customFields." + definition.key(), "is required");
            }
        }
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
