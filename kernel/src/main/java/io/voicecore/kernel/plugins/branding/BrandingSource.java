package io.voicecore.kernel.plugins.branding;

import java.util.UUID;

import io.voicecore.sdk.Branding;

/**
 * Says which brand a tenant is served under, for plugins ({@code PluginContext.branding()}). The kernel knows nothing
 * of resellers: whatever sells the platform under other brands (the marketplace) plugs its source in at start-up with
 * {@code KernelServices.useBrandingSource}; until then every tenant has the platform's branding.
 *
 * <p>Asked when a plugin reads the branding, on the plugin call's thread: cache what is costly. Thread-safe; must not
 * throw for a tenant it does not know (that tenant has the platform's branding).
 */
@FunctionalInterface
public interface BrandingSource {

    /** Every tenant has the platform's branding. */
    BrandingSource PLATFORM = tenantId -> Branding.PLATFORM;

    /** The branding of {@code tenantId} now. */
    Branding forTenant(UUID tenantId);
}
