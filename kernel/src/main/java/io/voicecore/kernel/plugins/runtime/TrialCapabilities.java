package io.voicecore.kernel.plugins.runtime;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.Scripts;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Services;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.capability.Usage;

/**
 * The capabilities of one call in a trial run ({@link PluginTrials}): nothing that reaches a tenant's data or the
 * outside world. Configuration is the manifest's defaults; storage, egress, events, secrets, usage, scripts and other
 * plugins' services are refused with the SDK's {@link PermissionDeniedException} (answered 403, as a refused permission is),
 * and each refused one is remembered, so the trial can tell which of the plugin's paths it could not exercise. A
 * permission the manifest does not declare is refused exactly as in a real call.
 */
final class TrialCapabilities implements CapabilityFactory {
    private final Set<String> unavailable = Collections.synchronizedSet(new TreeSet<>());

    /** The permissions of the capabilities the call asked for and was refused, e.g. {@code storage}. */
    Set<String> unavailable() {
        synchronized (unavailable) {
            return Set.copyOf(unavailable);
        }
    }

    private <T> T refuse(PluginCall call, String permission, String what) {
        call.require(permission);
        unavailable.add(permission);
        throw new PermissionDeniedException(permission, "A trial run of plugin '" + call.pluginId() + "' has no " + what
                                                        + ": it runs for a throw-away tenant, apart from every tenant's data.");
    }

    @Override
    public Storage storage(PluginCall call) {
        return refuse(call, Permission.STORAGE, "storage");
    }

    @Override
    public HttpEgress http(PluginCall call) {
        return refuse(call, Permission.HTTP_EGRESS, "HTTP egress");
    }

    @Override
    public Events events(PluginCall call) {
        return refuse(call, Permission.EVENTS_PUBLISH, "event publishing");
    }

    @Override
    public Secrets secrets(PluginCall call) {
        return refuse(call, Permission.SECRETS, "secrets");
    }

    @Override
    public Usage usage(PluginCall call, Optional<Licence> licence) {
        return refuse(call, Permission.USAGE, "usage metering");
    }

    @Override
    public PluginConfig config(PluginCall call) {
        return PluginConfigs.defaults(call.manifest());
    }

    @Override
    public Scripts scripts(PluginCall call) {
        return refuse(call, Permission.SCRIPTS, "script sandbox");
    }

    /** Other plugins' services: none in a trial. */
    Services services(PluginCall call) {
        return new Services() {
            @Override
            public <T> T require(Class<T> type) {
                return refuse(call, Permission.SERVICES, "services of other plugins");
            }
        };
    }

    @Override
    public void prepare(PluginManifest manifest, ClassLoader pluginResources) {
        // a trial keeps nothing outside the jar
    }

    @Override
    public void release(String pluginId) {
        // nothing was prepared
    }
}
