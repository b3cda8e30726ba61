package io.voicecore.kernel.storage;

import java.util.UUID;

/**
 * Which rows a transaction may see. Row-level security in PostgreSQL reads this from the
 * transaction's settings, so a query that forgets its {@code tenant_id} filter still sees only
 * the scope's rows.
 */
public sealed interface TenantScope {
    /** One tenant's rows only. */
    record Tenant(UUID tenantId) implements TenantScope {
    }

    /** Every tenant's rows: platform administration and credential look-up only. */
    record Platform() implements TenantScope {
    }

    static TenantScope tenant(UUID tenantId) {
        return new Tenant(tenantId);
    }

    static TenantScope platform() {
        return new Platform();
    }
}
