package io.voicecore.kernel.plugins.runtime;

/** The tenant moved to another version of the plugin (an upgrade) since the stream was opened; the client reconnects. */
public final class StreamVersionChanged extends RuntimeException {
    public StreamVersionChanged(String pluginId, String activeVersion) {
        super("Plugin '" + pluginId + "' was upgraded to " + activeVersion + " for this tenant; open the stream again.", null,
              false, false);
    }
}
