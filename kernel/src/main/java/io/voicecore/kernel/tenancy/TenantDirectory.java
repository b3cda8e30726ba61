package io.voicecore.kernel.tenancy;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.storage.Database;

/**
 * Tenants by id as every request needs them (to resolve {@code {tenant}} for a tenant principal or a public plugin
 * route, and to refuse the credentials of a suspended tenant), cached on each node. Each tenant is read inside its own
 * scope, so the cache never holds what RLS would not show that tenant. Whoever changes a tenant calls {@link #changed}
 * after the commit.
 */
public final class TenantDirectory {
    /** Prefix of the keys that map a slug to its tenant's id; a tenant's own key is its id. */
    private static final String SLUG = "slug:";

    private final Database database;
    private final TenantRepository tenants;
    private final NearCache cache;

    public TenantDirectory(Database database, TenantRepository tenants, NearCache cache) {
        this.database = database;
        this.tenants = tenants;
        this.cache = cache;
    }

    /** The tenant with this id, as of its last committed change. */
    public Optional<Tenant> byId(UUID id) {
        return cache.get(id.toString(), () -> database.inTenant(id, tx -> tenants.byId(tx, id)));
    }

    /**
     * The tenant a reference names (its id, or its slug in any case), as of its last committed change. Only the id is
     * cached under a slug: the tenant itself comes from {@link #byId}, which {@link #changed} keeps current, and is
     * checked to still bear the slug.
     */
    public Optional<Tenant> byReference(String reference) {
        Optional<UUID> id = TenantRepository.parseId(reference);
        if (id.isPresent()) {
            return byId(id.get());
        }
        String slug = reference.toLowerCase(Locale.ROOT);
        Optional<UUID> cachedId = cache.get(SLUG + slug, () -> readSlug(slug).map(Tenant::id));
        if (cachedId.isEmpty()) {
            return Optional.empty();
        }
        Optional<Tenant> tenant = byId(cachedId.get());
        if (tenant.isPresent() && tenant.get().slug().equals(slug)) {
            return tenant;
        }
        // The id cached for the slug is stale (that tenant is gone or bears another slug): forget it, read the slug again.
        cache.invalidate(SLUG + slug);
        return readSlug(slug);
    }

    /** Forgets the tenant on every node; call after the change committed. */
    public void changed(UUID id) {
        cache.invalidate(id.toString());
    }

    private Optional<Tenant> readSlug(String slug) {
        return database.inPlatform(tx -> tenants.bySlug(tx, slug));
    }
}
