package io.voicecore.kernel.plugins.sandbox;

/**
 * Thrown inside plugin code when its call ran out of time or memory. An {@link Error}, so ordinary
 * {@code catch (Exception e)} in a plugin does not swallow it; a plugin that catches {@code Throwable}
 * meets it again at its next loop iteration.
 */
public final class PluginCallAborted extends Error {
    /** Why the call was stopped. */
    public enum Reason {
        /** The call's deadline passed. */
        DEADLINE,
        /** The call allocated more than its quota. */
        MEMORY
    }

    private final Reason reason;

    PluginCallAborted(Reason reason) {
        super(reason == Reason.DEADLINE ? "plugin call exceeded its deadline" : "plugin call exceeded its memory quota",
              null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
