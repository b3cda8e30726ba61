package io.voicecore.kernel.plugins.runtime;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.capability.Usage;

/**
 * Makes the capabilities of one plugin call. Each component (plugin storage, events, egress, secrets,
 * usage, configuration) lives in its own package; the kernel wires them here. Every capability checks
 * the call's permission itself on every use.
 */
public interface CapabilityFactory {
    Storage storage(PluginCall call);

    HttpEgress http(PluginCall call);

    Events events(PluginCall call);

    Secrets secrets(PluginCall call);

    Usage usage(PluginCall call);

    PluginConfig config(PluginCall call);

    /**
     * Prepares a newly installed version before it serves: e.g. creates and migrates its database schema
     * from the migrations in its jar. Throws to refuse the installation.
     */
    void prepare(io.voicecore.kernel.plugins.PluginManifest manifest, ClassLoader pluginResources);

    /** Releases what a plugin held on this node (e.g. its database connections) once it is uninstalled. */
    void release(String pluginId);
}
