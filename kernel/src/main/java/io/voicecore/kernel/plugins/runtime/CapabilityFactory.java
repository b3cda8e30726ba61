package io.voicecore.kernel.plugins.runtime;

import java.util.Optional;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.install.PluginResources;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.PluginLog;
import io.voicecore.sdk.capability.Scripts;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.capability.Usage;

/**
 * Makes the capabilities of one plugin call. Each component (plugin storage, events, egress, secrets,
 * usage, configuration) lives in its own package; the kernel wires them here. Every capability checks
 * the call's permission itself on every use. As {@link PluginResources} it also prepares and releases what
 * each installed plugin keeps outside its jar.
 */
public interface CapabilityFactory extends PluginResources {
    Storage storage(PluginCall call);

    HttpEgress http(PluginCall call);

    Events events(PluginCall call);

    Secrets secrets(PluginCall call);

    /**
     * @param licence the licence view the call was admitted with (empty when the plugin runs unlicensed): its usage
     *                limits bound what the call may record
     */
    Usage usage(PluginCall call, Optional<Licence> licence);

    PluginConfig config(PluginCall call);

    /** Where the plugin's log lines go: the kernel's log, under {@code io.voicecore.plugin.<id>}, with the tenant. */
    default PluginLog log(PluginCall call) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.voicecore.plugin." + call.pluginId());
        String prefix = "[tenant " + call.tenantId() + "] ";
        return new PluginLog() {
            @Override
            public void info(String message) {
                logger.info(prefix + message);
            }

            @Override
            public void warn(String message) {
                logger.warning(prefix + message);
            }

            @Override
            public void error(String message, Throwable failure) {
                logger.log(java.util.logging.Level.SEVERE, prefix + message, failure);
            }
        };
    }
    /** The script sandbox for the call's tenant and plugin (permission {@code scripts}). */
    Scripts scripts(PluginCall call);

    /** The brand the call's tenant is served under; the platform's unless an extension plugged in a branding source. */
    default io.voicecore.sdk.Branding branding(PluginCall call) {
        return io.voicecore.sdk.Branding.PLATFORM;
    }
}
