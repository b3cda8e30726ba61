package io.voicecore.marketplace.resellers;

import java.util.UUID;

import io.voicecore.kernel.access.Principal;

/**
 * What a sub-tenant created from a bundle is given: the bundle's plugins installed, consented on its behalf by the
 * reseller as the contracting party, and configured. Sub-tenant creation asks it; bundles implement it.
 */
public interface BundleProvisioning {

    /** One version of a reseller's bundle. */
    record BundleRef(UUID bundleId, int version) {
    }

    /**
     * The current version of the reseller's bundle named by {@code reference} (its id or name).
     *
     * @throws io.voicecore.marketplace.MarketplaceRefusal 422 {@code bundle-unknown} when the reseller has no such bundle
     */
    BundleRef resolve(Reseller reseller, String reference);

    /**
     * Installs, consents to and configures every plugin of the bundle for a tenant that exists already.
     *
     * @throws RuntimeException when any of it fails; the caller then removes the tenant, so a sub-tenant is created
     *                          with its whole bundle or not at all
     */
    void provision(Reseller reseller, UUID tenantId, BundleRef bundle, Principal actor);
}
