package io.voicecore.kernel.audit;

import java.util.Map;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.RefusalAuditor;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;

/**
 * Records refused change attempts as {@code denied} audit records, in the chain of the principal's
 * tenant (the platform chain for platform principals). The request changed nothing, so the record
 * gets a transaction of its own.
 */
public final class DeniedRequestAuditor implements RefusalAuditor {
    private final Database database;
    private final AuditLog audit;

    public DeniedRequestAuditor(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    @Override
    public void refused(RequestContext context, Principal principal, ApiException refusal) {
        UUID tenantId = principal.tenantId().orElse(null);
        TenantScope scope = tenantId == null ? TenantScope.platform() : TenantScope.tenant(tenantId);
        AuditEvent event = new AuditEvent(tenantId, principal.actorId(), context.method() + " " + context.route(),
                                          context.path(), "denied", Map.of("problem", refusal.type(), "status", refusal.status()));
        database.inScope(scope, tx -> audit.append(tx, event));
    }
}
