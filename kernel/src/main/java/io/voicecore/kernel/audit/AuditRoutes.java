package io.voicecore.kernel.audit;

import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.TenantResolver;

/** Audit log listing, export and chain verification. */
public final class AuditRoutes {
    public AuditRoutes(Database database, TenantResolver resolver) {
    }

    public void register(ApiRoutes routes) {
    }
}
