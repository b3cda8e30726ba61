package io.voicecore.kernel.plugins.sandbox;

/**
 * A call into a plugin that did not produce an answer: the plugin threw, ran out of time or memory, was
 * too busy, or is quarantined. The HTTP layer turns it into a problem response; the event bus retries.
 */
public final class PluginCallFailure extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** The plugin threw an unexpected exception. */
        FAILED(500, "plugin-failure"),
        /** The call exceeded its deadline. */
        TIMEOUT(504, "plugin-timeout"),
        /** The call exceeded its memory quota. */
        MEMORY(503, "plugin-resource-limit"),
        /** Too many calls of this tenant to this plugin are in flight. */
        BUSY(429, "plugin-busy"),
        /** Repeated faults took the plugin out of service for this tenant. */
        QUARANTINED(503, "plugin-quarantined");

        final int status;
        final String type;

        Kind(int status, String type) {
            this.status = status;
            this.type = type;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }
    }

    private final Kind kind;
    private final String pluginId;
    private final long retryAfterSeconds;

    PluginCallFailure(Kind kind, String pluginId, String message, Throwable cause) {
        this(kind, pluginId, message, cause, kind == Kind.BUSY ? 1 : 0);
    }

    PluginCallFailure(Kind kind, String pluginId, String message, Throwable cause, long retryAfterSeconds) {
        super(message, cause);
        this.kind = kind;
        this.pluginId = pluginId;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The plugin failed (e.g. it has no handler for what it was asked); counts as its fault. */
    public static PluginCallFailure failed(String pluginId, String message) {
        return new PluginCallFailure(Kind.FAILED, pluginId, message, null);
    }

    /** The plugin is quarantined for the tenant; retry after the given seconds. */
    public static PluginCallFailure quarantined(String pluginId, String message, long retryAfterSeconds) {
        return new PluginCallFailure(Kind.QUARANTINED, pluginId, message, null, retryAfterSeconds);
    }

    /** When a retry makes sense (busy, quarantined), in seconds; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public String pluginId() {
        return pluginId;
    }

    /** Whether this counts as the plugin's fault for quarantine (busy and quarantined do not). */
    boolean isFault() {
        return kind == Kind.FAILED || kind == Kind.TIMEOUT || kind == Kind.MEMORY;
    }
}
