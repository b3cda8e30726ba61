package io.voicecore.sdk.capability;

/**
 * Structured log lines, tagged by the kernel with tenant, plugin and request id.
 * Never log a secret or personal data you do not need.
 */
public interface PluginLog {
    /** @param message what happened */
    void info(String message);

    /** @param message what looks wrong */
    void warn(String message);

    /** @param message what failed @param failure the cause, may be null */
    void error(String message, Throwable failure);
}
