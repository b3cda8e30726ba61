package io.voicecore.sdk;

/**
 * A plugin's identity.
 *
 * @param id      the plugin id, e.g. {@code crm}
 * @param version the plugin version (semantic versioning), e.g. {@code 1.2.0}
 */
public record PluginInfo(String id, String version) {
}
