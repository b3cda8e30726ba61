package io.voicecore.sdk;

/**
 * A VoiceCore plugin: the class named by {@code main} in the plugin's {@code plugin.yaml}.
 *
 * <p>Lifecycle. The kernel creates one instance per installed version with the public no-argument
 * constructor, then calls {@link #setup(PluginSetup)} exactly once, before the version serves
 * anything. There the plugin registers its routes, streams, event handlers, scheduled jobs and exported
 * services; nothing can be registered later. The instance is shared by every tenant: keep no
 * per-tenant state in fields, use the {@link PluginContext} each call receives. When the version is
 * uninstalled or replaced by an upgrade, the kernel waits for its in-flight calls to finish and then
 * calls {@link #stop()} exactly once.
 *
 * <p>A plugin can do only what its manifest declares and the tenant granted: every capability of
 * {@link PluginContext} checks that on every call.
 */
public interface Plugin {

    /**
     * Registers what the plugin offers. Called once per loaded version, before any call.
     * An exception here fails the installation (or keeps the previous version active on upgrade).
     *
     * @param setup where routes, event handlers, jobs and services are registered
     */
    void setup(PluginSetup setup);

    /** Releases what {@link #setup} acquired. Called once, after the version's last call finished. */
    default void stop() {
    }
}
