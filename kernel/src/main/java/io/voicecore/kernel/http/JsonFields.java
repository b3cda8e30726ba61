package io.voicecore.kernel.http;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the fields of a JSON object request body and collects every problem before failing,
 * so that one 422 response lists all that is wrong with the request.
 */
public final class JsonFields {
    private final JsonNode object;
    private final List<ApiException.FieldError> errors = new ArrayList<>();

    private JsonFields(JsonNode object) {
        this.object = object;
    }

    /** Wraps a parsed body, which must be a JSON object. */
    public static JsonFields of(JsonNode body) {
        if (!body.isObject()) {
            throw new ApiException.MalformedBody("The request body must be a JSON object, not "
                                                 + describe(body) + ".");
        }
        return new JsonFields(body);
    }

    /** Refuses fields the endpoint does not know, so that a typo is not silently ignored. */
    public JsonFields allowOnly(Set<String> known) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new ApiException.FieldError(name, "unknown field; expected one of " + known.stream().sorted().toList()));
            }
        }
        return this;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseGet(() -> {
            if (!object.has(field) || object.get(field).isNull()) {
                errors.add(new ApiException.FieldError(field, "is required"));
            }
            return null;
        });
    }

    public String requiredString(String field, Pattern pattern, String rule) {
        String value = requiredString(field);
        return value == null ? null : matching(field, value, pattern, rule);
    }

    public Optional<String> optionalString(String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            errors.add(new ApiException.FieldError(field, "must be a string, not " + describe(node)));
            return Optional.empty();
        }
        String value = node.textValue().strip();
        if (value.isEmpty()) {
            errors.add(new ApiException.FieldError(field, "must not be blank"));
            return Optional.empty();
        }
        if (value.length() > 1000) {
            errors.add(new ApiException.FieldError(field, "must be at most 1000 characters"));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    public Optional<String> optionalString(String field, Pattern pattern, String rule) {
        return optionalString(field).map(value -> matching(field, value, pattern, rule));
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            errors.add(new ApiException.FieldError(field, "must be true or false, not " + describe(node)));
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** Reads a string that must be one of the given values. */
    public <E extends Enum<E>> Optional<E> optionalEnum(String field, Class<E> type, java.util.function.Function<String, Optional<E>> parse,
                                                        List<String> allowed) {
        return optionalString(field).flatMap(text -> {
            Optional<E> value = parse.apply(text);
            if (value.isEmpty()) {
                errors.add(new ApiException.FieldError(field, "must be one of " + allowed + ", not \"" + text + "\""));
            }
            return value;
        });
    }

    /**
     * Reads a secret such as a password exactly as sent: unlike {@link #requiredString} it is not stripped,
     * and no complaint ever repeats its value.
     */
    public String requiredSecret(String field, int maxLength) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            errors.add(new ApiException.FieldError(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new ApiException.FieldError(field, "must be a string, not " + describe(node)));
            return null;
        }
        String value = node.textValue();
        if (value.isEmpty()) {
            errors.add(new ApiException.FieldError(field, "must not be empty"));
            return null;
        }
        if (value.length() > maxLength) {
            errors.add(new ApiException.FieldError(field, "must be at most " + maxLength + " characters"));
            return null;
        }
        return value;
    }

    /** Adds a complaint found by the caller's own checks. */
    public void reject(String field, String message) {
        errors.add(new ApiException.FieldError(field, message));
    }

    /** Throws one validation problem listing every complaint, if there is any. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new ApiException.Validation(errors);
        }
    }

    private String matching(String field, String value, Pattern pattern, String rule) {
        if (!pattern.matcher(value).matches()) {
            errors.add(new ApiException.FieldError(field, rule));
            return null;
        }
        return value;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
