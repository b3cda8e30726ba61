package io.voicecore.kernel.plugins.streams;

import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.StreamTable;
import io.voicecore.kernel.plugins.runtime.StreamVersionChanged;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.store.PluginStore;

/**
 * Whether a tenant may open a stream of a plugin, and whether it may keep one it opened: the plugin enabled for the
 * tenant and not quarantined, and the stream bound to the version the tenant uses.
 */
final class StreamAccess {
    private final TenantEnablement enablement;

    StreamAccess(TenantEnablement enablement) {
        this.enablement = enablement;
    }

    /**
     * The stream a tenant may open now on a plugin's path: the tenant's version and its matching stream.
     *
     * @param anonymous whether the client sent no credentials: only a stream the tenant's version declares public admits it
     * @throws PluginRefusal     {@code NOT_ENABLED}, {@code ROUTE_NOT_FOUND} when the version serves no stream on the path,
     *                           or {@code CREDENTIALS_REQUIRED} for an anonymous client on a stream that is not public
     * @throws PluginCallFailure when the plugin is quarantined for the tenant
     */
    Target target(UUID tenantId, String pluginId, String path, boolean anonymous) {
        LoadedVersion version = enablement.admit(tenantId, pluginId).version();
        if (version.retired()) {
            throw PluginRefusal.notEnabled(pluginId); // only its in-flight calls still finish on it
        }
        StreamTable.Match match = version.streams().match(path).orElseThrow(() -> PluginRefusal.of(
                PluginRefusal.Reason.ROUTE_NOT_FOUND, "Plugin '" + pluginId + "' has no stream " + path + "."));
        if (anonymous && !version.manifest().publicStreams().contains(match.entry().template())) {
            throw PluginRefusal.of(PluginRefusal.Reason.CREDENTIALS_REQUIRED, "This stream of plugin '" + pluginId + "' needs an "
                    + "'Authorization: Bearer <token>' header, or a one-time '?ticket=' from POST /api/v1/tenants/{tenant}/stream-tickets.");
        }
        return new Target(version, match);
    }

    /** A stream of a plugin version, as a tenant may open it. */
    record Target(LoadedVersion version, StreamTable.Match match) {
    }

    /**
     * Why a stream opened on {@code version} may no longer run for the tenant, if it may not: the plugin is no
     * longer enabled (or uninstalled), is quarantined, its licence no longer serves the tenant, or the tenant moved to
     * another version.
     */
    Optional<RuntimeException> revoked(UUID tenantId, String pluginId, LoadedVersion version) {
        Optional<LoadedVersion> active = enablement.versionFor(tenantId, pluginId);
        Optional<PluginStore.TenantPlugin> tenant = enablement.tenantPlugin(tenantId, pluginId);
        if (active.isEmpty() || tenant.isEmpty()) {
            return Optional.of(PluginRefusal.notEnabled(pluginId));
        }
        Optional<PluginCallFailure> quarantined = enablement.quarantineOf(tenant.get());
        if (quarantined.isPresent()) {
            return Optional.of(quarantined.get());
        }
        Optional<PluginRefusal> unlicensed = enablement.licenceRefusalOf(tenant.get());
        if (unlicensed.isPresent()) {
            return Optional.of(unlicensed.get());
        }
        if (active.get() != version || version.retired()) {
            return Optional.of(new StreamVersionChanged(pluginId, tenant.get().activeVersion()));
        }
        return Optional.empty();
    }
}
