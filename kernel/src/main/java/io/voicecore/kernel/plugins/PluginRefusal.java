package io.voicecore.kernel.plugins;

import java.util.List;
import java.util.OptionalLong;

/**
 * The plugin core refused a request: what it names does not exist, or contradicts the current state, or the input
 * is unusable. The core throws it without knowing about HTTP; {@code plugins.web.PluginProblems} is the one place
 * that turns each {@link Reason} into its problem+json answer. The message is the problem's {@code detail}: it
 * tells the caller how to fix the request.
 */
public final class PluginRefusal extends RuntimeException {
    /** Why the request was refused; each reason is one stable problem type. */
    public enum Reason {
        /** No plugin of that id is installed. */
        NOT_INSTALLED,
        /** The plugin is not enabled for the tenant (or its version is not loaded). */
        NOT_ENABLED,
        /** An upload is not newer than the installed version. */
        VERSION_NOT_NEWER,
        /** A permission named in a request is not declared by the plugin's version. */
        PERMISSION_NOT_DECLARED,
        /** Grants or configuration values do not fit what the plugin declares; {@link #fieldErrors()} lists each. */
        INVALID_INPUT,
        /** The plugin serves no route or stream on the path, or not with that method. */
        ROUTE_NOT_FOUND,
        /** A request without credentials reached a route that is not public in the version the tenant is served. */
        CREDENTIALS_REQUIRED,
        /** A request body is over its limit ({@link #limitBytes()}). */
        BODY_TOO_LARGE,
        /** A request body could not be read. */
        BODY_UNREADABLE,
        /** A request header is unusable. */
        BAD_HEADER,
        /** The tenant holds as many streams on this node as it may. */
        STREAM_LIMIT_REACHED,
        /** The tenant's licence of the plugin expired and its grace period ran out. */
        LICENCE_EXPIRED,
        /** The licence attached for the tenant is not an authentic licence of this tenant and plugin, or not yet in force. */
        LICENCE_INVALID,
        /** The plugin needs a licence and the tenant has none. */
        LICENCE_REQUIRED;

        /**
         * Whether the refusal is about the tenant's licence: the plugin is fine, the tenant must renew or buy. Such a
         * refusal is never a fault of the plugin; events wait for a new licence and scheduled jobs are skipped.
         */
        public boolean licence() {
            return this == LICENCE_EXPIRED || this == LICENCE_INVALID || this == LICENCE_REQUIRED;
        }
    }

    /** One complaint about one field of the input. */
    public record FieldError(String field, String message) {
    }

    private final Reason reason;
    private final List<FieldError> fieldErrors;
    private final long limitBytes;
    private final String pluginId;

    private PluginRefusal(Reason reason, String detail, List<FieldError> fieldErrors, long limitBytes, String pluginId) {
        super(detail, null, false, false);
        this.reason = reason;
        this.fieldErrors = List.copyOf(fieldErrors);
        this.limitBytes = limitBytes;
        this.pluginId = pluginId;
    }

    private PluginRefusal(Reason reason, String detail, List<FieldError> fieldErrors, long limitBytes) {
        this(reason, detail, fieldErrors, limitBytes, null);
    }

    /** A refusal whose detail says all. */
    public static PluginRefusal of(Reason reason, String detail) {
        return new PluginRefusal(reason, detail, List.of(), -1);
    }

    /**
     * A call refused because of the tenant's licence of the plugin.
     *
     * @param reason   one of the {@linkplain Reason#licence() licence reasons}
     * @param pluginId the plugin, named in the problem so the tenant admin knows what to renew
     * @param detail   what happened and what to do, without the token
     */
    public static PluginRefusal licence(Reason reason, String pluginId, String detail) {
        if (!reason.licence()) {
            throw new IllegalArgumentException(reason + " is not a licence reason");
        }
        return new PluginRefusal(reason, detail, List.of(), -1, java.util.Objects.requireNonNull(pluginId, "pluginId"));
    }

    /** Input refused field by field ({@link Reason#INVALID_INPUT}). */
    public static PluginRefusal invalid(List<FieldError> errors) {
        StringBuilder detail = new StringBuilder();
        errors.forEach(error -> detail.append(detail.isEmpty() ? "" : "; ").append(error.field()).append(": ").append(error.message()));
        return new PluginRefusal(Reason.INVALID_INPUT, detail.toString(), errors, -1);
    }

    /** A body over {@code limit} bytes. */
    public static PluginRefusal bodyTooLarge(long limit) {
        return new PluginRefusal(Reason.BODY_TOO_LARGE, "The request body exceeds the limit of " + limit + " bytes.", List.of(), limit);
    }

    public static PluginRefusal notInstalled(String pluginId) {
        return of(Reason.NOT_INSTALLED, "No plugin '" + pluginId + "' is installed.");
    }

    public static PluginRefusal notEnabled(String pluginId) {
        return of(Reason.NOT_ENABLED, "Plugin '" + pluginId + "' is not enabled for this tenant.");
    }

    public Reason reason() {
        return reason;
    }

    /** The field-level complaints of {@link Reason#INVALID_INPUT}; empty otherwise. */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    /** The plugin a {@linkplain Reason#licence() licence refusal} is about; empty for other refusals. */
    public java.util.Optional<String> pluginId() {
        return java.util.Optional.ofNullable(pluginId);
    }

    /** The limit a body exceeded, for {@link Reason#BODY_TOO_LARGE}. */
    public OptionalLong limitBytes() {
        return limitBytes < 0 ? OptionalLong.empty() : OptionalLong.of(limitBytes);
    }
}
