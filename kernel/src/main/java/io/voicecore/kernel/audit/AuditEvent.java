package io.voicecore.kernel.audit;

import java.util.Map;
import java.util.UUID;

/**
 * What happened, as the code that made a change describes it.
 *
 * @param tenantId the tenant the change belongs to; {@code null} for platform-level changes
 * @param actor    who did it (a principal's actor id)
 * @param action   dotted verb, e.g. {@code tenant.create}, {@code api-key.revoke}
 * @param target   what it was done to, e.g. {@code tenant:acme}
 * @param outcome  {@code success}, {@code denied} or {@code failed}
 * @param details  small non-secret facts worth keeping; never a secret
 */
public record AuditEvent(UUID tenantId, String actor, String action, String target, String outcome,
                         Map<String, ?> details) {

    public static AuditEvent success(UUID tenantId, String actor, String action, String target, Map<String, ?> details) {
        return new AuditEvent(tenantId, actor, action, target, "success", details);
    }
}
