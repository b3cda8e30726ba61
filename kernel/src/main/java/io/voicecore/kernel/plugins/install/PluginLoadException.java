package io.voicecore.kernel.plugins.install;

/** A plugin could not be installed or started; the message says why, in terms its author can act on. */
public final class PluginLoadException extends RuntimeException {
    public PluginLoadException(String message) {
        super(message);
    }
}
