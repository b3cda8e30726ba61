package io.voicecore.kernel.plugins.install;

import io.voicecore.kernel.plugins.PluginManifest;

/** What the kernel keeps for an installed plugin outside its jar, e.g. its database schema and role. */
public interface PluginResources {
    /**
     * Prepares a newly installed version before it serves: e.g. creates and migrates its database schema
     * from the migrations in its jar. Throws to refuse the installation.
     */
    void prepare(PluginManifest manifest, ClassLoader pluginResources);

    /** Releases what a plugin held on this node (e.g. its database connections) once it is uninstalled. */
    void release(String pluginId);
}
