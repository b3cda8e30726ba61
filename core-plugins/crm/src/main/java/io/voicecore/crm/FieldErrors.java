package io.voicecore.crm;

import java.util.ArrayList;
import java.util.List;

import io.voicecore.sdk.PluginProblem;

/** Collects every invalid field of a request, so one 422 answer names them all instead of the first only. */
final class FieldErrors {
    /** One invalid field and what is wrong with it. */
    record FieldError(String field, String problem) {
    }

    private final List<FieldError> entries = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    void add(String field, String problem) {
        entries.add(new FieldError(field, problem));
        errors.add(field + ": " + problem);
    }

    /** @return the errors added, in order */
    List<FieldError> entries() {
        return List.copyOf(entries);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** @throws PluginProblem 422 {@code invalid-fields} listing each field and what is wrong with it, if any was added */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: " + String.join("; ", errors) + ".");
        }
    }
}
