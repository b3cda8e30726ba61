package io.voicecore.kernel.plugins;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.Caller;
import io.voicecore.sdk.PermissionDeniedException;

/**
 * One call into a plugin: which tenant, which installed version, what the tenant granted, and who asked.
 * Every capability a {@code PluginContext} hands out is built from this and checks it on every use.
 *
 * @param tenantId  the tenant the call is for
 * @param manifest  the plugin version's manifest
 * @param granted   permissions the tenant granted to this plugin (a subset of the declared ones)
 * @param caller    the caller, when serving a route
 * @param requestId correlation id of the request or event delivery
 * @param onBehalfOf the consumer's call, when this is a provider's service serving another plugin
 */
public record PluginCall(UUID tenantId, PluginManifest manifest, Set<String> granted, Optional<Caller> caller, String requestId,
                         Optional<PluginCall> onBehalfOf) {

    public PluginCall {
        granted = Set.copyOf(granted);
    }

    /** A call made directly by the kernel (a route, an event, a job), on nobody else's behalf. */
    public PluginCall(UUID tenantId, PluginManifest manifest, Set<String> granted, Optional<Caller> caller, String requestId) {
        this(tenantId, manifest, granted, caller, requestId, Optional.empty());
    }

    /**
     * Throws unless both this plugin and, when it serves another plugin's call, that plugin hold the
     * permission: a service cannot lend its consumer a permission the tenant did not grant the consumer.
     */
    public void requireAlongChain(String permission) {
        require(permission);
        onBehalfOf.ifPresent(consumer -> {
            try {
                consumer.requireAlongChain(permission);
            } catch (PermissionDeniedException refused) {
                throw new PermissionDeniedException(permission, refused.getMessage() + " Plugin '" + pluginId()
                        + "' was acting on its behalf, so it is refused too.");
            }
        });
    }

    public String pluginId() {
        return manifest.id();
    }

    /** Whether the permission is both declared by the manifest and granted by the tenant. */
    public boolean allows(String permission) {
        return manifest.declares(permission) && granted.contains(permission);
    }

    /** Throws the SDK's permission error unless {@link #allows(String)}; the message says which of the two is missing. */
    public void require(String permission) {
        if (!manifest.declares(permission)) {
            throw new PermissionDeniedException(permission, "Plugin '" + pluginId() + "' does not declare the permission '"
                                                            + permission + "' in its plugin.yaml.");
        }
        if (!granted.contains(permission)) {
            throw new PermissionDeniedException(permission, "The tenant has not granted plugin '" + pluginId()
                                                            + "' the permission '" + permission + "'.");
        }
    }
}
