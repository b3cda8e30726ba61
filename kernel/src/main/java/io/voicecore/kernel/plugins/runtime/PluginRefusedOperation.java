package io.voicecore.kernel.plugins.runtime;

/**
 * Plugin code reached a call the sandbox never allows (it should have been refused at install). An
 * {@link Error}, so ordinary {@code catch (Exception e)} in the plugin does not swallow it; the call
 * fails as a fault of the plugin.
 */
public final class PluginRefusedOperation extends Error {
    PluginRefusedOperation(String api) {
        super("plugins may not call " + api.replace('/', '.'), null, false, false);
    }
}
