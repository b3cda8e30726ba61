package io.voicecore.kernel.tenancy;

import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.storage.Database;

/**
 * Turns the {@code {tenant}} path segment (an id or a slug) into a tenant the principal may act in.
 * A tenant the principal may not see answers exactly like one that does not exist, so that tenant
 * slugs cannot be probed.
 */
public final class TenantResolver {
    private final Database database;
    private final TenantRepository tenants;
    private final TenantDirectory directory;

    public TenantResolver(Database database, TenantRepository tenants, TenantDirectory directory) {
        this.database = database;
        this.tenants = tenants;
        this.directory = directory;
    }

    /** The tenant named by {@code {tenant}}, visible to the request's principal. */
    public Tenant resolve(ApiRequest request) {
        return resolve(request.pathParam("tenant"), request.principal());
    }

    /** The tenant named by {@code reference} (an id or a slug), visible to {@code principal}. */
    public Tenant resolve(String reference, Principal principal) {
        Optional<Tenant> found;
        if (principal.isPlatformAdmin()) {
            found = database.inPlatform(tx -> tenants.byReference(tx, reference));
        } else if (principal.tenantId().isPresent()) {
            // A tenant principal sees its own tenant only (as RLS would), so only that one is looked up.
            found = directory.byId(principal.tenantId().get()).filter(own -> names(own, reference));
        } else {
            found = Optional.empty();
        }
        return found.orElseThrow(() -> notFound(reference));
    }

    /**
     * The tenant named by {@code reference} (an id or a slug) for a request without credentials, to a plugin route the
     * plugin declares public. Such a route authenticates its caller itself (a provider's signature, for instance), so the
     * tenant is the one its URL names; one that does not exist answers as for any credential. Read from the directory's
     * cache, as a provider's webhooks arrive at the rate of the tenant's calls. A suspended tenant's public routes are
     * refused as its credentials are: suspension stops everything the tenant is served.
     */
    public Tenant resolveForPublicRoute(String reference) {
        Tenant tenant = directory.byReference(reference).orElseThrow(() -> notFound(reference));
        if (!tenant.active()) {
            throw new ApiException.Forbidden("tenant-suspended", "Tenant '" + tenant.slug() + "' is suspended; a platform"
                                                                 + " administrator must reactivate it.");
        }
        return tenant;
    }

    private static boolean names(Tenant tenant, String reference) {
        Optional<UUID> id = TenantRepository.parseId(reference);
        return id.isPresent() ? id.get().equals(tenant.id()) : tenant.slug().equals(reference.toLowerCase(java.util.Locale.ROOT));
    }

    /** Resolves the tenant and requires one of the roles (a platform admin always qualifies). */
    public Tenant resolve(ApiRequest request, Role... roles) {
        Tenant tenant = resolve(request);
        requireRole(request.principal(), roles);
        return tenant;
    }

    public static void requireRole(Principal principal, Role... roles) {
        if (principal.isPlatformAdmin()) {
            return;
        }
        for (Role role : roles) {
            if (principal.role() == role) {
                return;
            }
        }
        throw new ApiException.Forbidden("role-required", "This action needs one of the roles "
                + java.util.Arrays.stream(roles).map(Role::wireName).toList() + "; your credential has role '"
                + principal.role().wireName() + "'.");
    }

    static ApiException.NotFound notFound(String reference) {
        return new ApiException.NotFound("tenant-not-found",
                "No tenant '" + reference + "' is visible to this credential; use the tenant's id or slug.");
    }

}
