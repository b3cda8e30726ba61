package io.voicecore.kernel.plugins.runtime;

/** The tenant moved to another version of the plugin (an upgrade) since the stream was opened; the client reconnects. */
final class StreamVersionChanged extends RuntimeException {
    StreamVersionChanged(String pluginId, String activeVersion) {
        super("Plugin '" + pluginId + "' was upgraded to " + activeVersion + " for this tenant; open the stream again.", null,
              false, false);
    }
}
