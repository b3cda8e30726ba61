package io.voicecore.kernel.plugins.manifest;

import java.util.List;

import io.voicecore.kernel.http.ApiException;

/**
 * A {@code plugin.yaml} that cannot be accepted. Carries every problem found, not just the first, each
 * naming the field (e.g. {@code permissions[2].reason}, {@code routes[0].method},
 * {@code config.instanceUrl.type}) and saying what is wrong and what is allowed.
 */
public final class ManifestException extends RuntimeException {
    /** The field of a problem with the document as a whole. */
    public static final String DOCUMENT = "plugin.yaml";

    private final List<FieldError> errors;

    /**
     * One problem.
     *
     * @param field   where, as a path into the manifest; {@code plugin.yaml} for the document as a whole
     * @param problem what is wrong and what is allowed
     */
    public record FieldError(String field, String problem) {
    }

    /** @param errors the problems, at least one */
    public ManifestException(List<FieldError> errors) {
        super(summary(errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a manifest exception needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** @return the problems, in the order they were found */
    public List<FieldError> errors() {
        return errors;
    }

    /** @return the same problems as a 422 validation problem, each field prefixed with {@code plugin.yaml:} */
    public ApiException.Validation toApiException() {
        return new ApiException.Validation(errors.stream()
                .map(e -> new ApiException.FieldError(e.field().equals(DOCUMENT) ? DOCUMENT : DOCUMENT + ":" + e.field(),
                                                      e.problem()))
                .toList());
    }

    private static String summary(List<FieldError> errors) {
        StringBuilder text = new StringBuilder("plugin.yaml is invalid: ");
        for (int i = 0; i < errors.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(errors.get(i).field()).append(": ").append(errors.get(i).problem());
        }
        return text.toString();
    }
}
