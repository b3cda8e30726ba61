package io.voicecore.kernel.plugins.sandbox;

/**
 * Plugin code reached a call the sandbox never allows (it should have been refused at install). An
 * {@link Error}, so ordinary {@code catch (Exception e)} in the plugin does not swallow it; the call
 * fails as a fault of the plugin.
 */
public final class PluginRefusedOperation extends Error {
    PluginRefusedOperation(String api) {
        this("plugins may not call ", api);
    }

    private PluginRefusedOperation(String prefix, String api) {
        super(prefix + api.replace('/', '.'), null, false, false);
    }

    /** A platform library's code, running for a plugin, reached a call the sandbox never allows. */
    static PluginRefusedOperation inLibrary(String api) {
        return new PluginRefusedOperation("platform libraries may not call ", api);
    }
}
