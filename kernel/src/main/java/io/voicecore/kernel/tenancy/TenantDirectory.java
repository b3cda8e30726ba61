package io.voicecore.kernel.tenancy;

import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.storage.Database;

/**
 * Tenants by id as every request needs them (to resolve {@code {tenant}} for a tenant principal, and to refuse the
 * credentials of a suspended tenant), cached on each node. Each tenant is read inside its own scope, so the cache
 * never holds what RLS would not show that tenant. Whoever changes a tenant calls {@link #changed} after the commit.
 */
public final class TenantDirectory {
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

    /** Forgets the tenant on every node; call after the change committed. */
    public void changed(UUID id) {
        cache.invalidate(id.toString());
    }
}
