package io.voicecore.aigateway;

import java.util.ArrayList;
import java.util.List;

import io.voicecore.sdk.PluginProblem;

/** Collects every invalid field of a request, so one 422 answer names them all instead of the first only. */
final class FieldErrors {
    private final List<String> errors = new ArrayList<>();

    void add(String field, String problem) {
        errors.add(field + ": " + problem);
    }

    /** @throws PluginProblem 422 {@code invalid-fields} listing each field and what is wrong with it, if any was added */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: " + String.join("; ", errors) + ".");
        }
    }
}
