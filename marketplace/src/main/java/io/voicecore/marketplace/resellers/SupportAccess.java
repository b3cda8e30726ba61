package io.voicecore.marketplace.resellers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.identity.SessionService;
import io.voicecore.kernel.identity.User;
import io.voicecore.kernel.identity.UserService;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * Support access: a sub-tenant's admin lets its reseller into the tenant for a few hours, and while that grant stands
 * the reseller may open support sessions. A session is a kernel session of role {@code tenant-user} (it may use the
 * tenant's features to help, not manage its keys, users or grants) for the tenant user that stands for the reseller's
 * support, so every action taken in it is the kernel's own audit record naming that user. It ends when the grant
 * expires (its expiry is capped there) or is revoked (revoking ends it at once). Grants, revocations and sessions are
 * audited in the tenant's log and shown to the reseller in its view of the tenant.
 */
public final class SupportAccess {
    public static final int MAX_HOURS = 72;
    private static final String GRANT_COLUMNS = "id, tenant_id, reseller_id, reason, hours, granted_by, granted_at, expires_at, revoked_at, revoked_by";

    /** A support session just opened: the token is answered once. */
    public record Opened(String token, UUID sessionId, UUID userId, Instant expiresAt, UUID grantId) {
    }

    record Grant(UUID id, UUID tenantId, UUID resellerId, String reason, int hours, String grantedBy, Instant grantedAt,
                 Instant expiresAt, Instant revokedAt, String revokedBy) {
        boolean activeAt(Instant now) {
            return revokedAt == null && now.isBefore(expiresAt);
        }

        Map<String, Object> view(Instant now) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("reseller", resellerId);
            view.put("reason", reason);
            view.put("hours", hours);
            view.put("grantedBy", grantedBy);
            view.put("grantedAt", grantedAt);
            view.put("expiresAt", expiresAt);
            view.put("revokedAt", revokedAt);
            view.put("revokedBy", revokedBy);
            view.put("active", activeAt(now));
            return view;
        }
    }

    private final Database database;
    private final SubTenants subTenants;
    private final UserService users;
    private final SessionService sessions;
    private final AuditLog audit;
    private final Clock clock;

    public SupportAccess(Database database, SubTenants subTenants, UserService users, SessionService sessions,
                         AuditLog audit, Clock clock) {
        this.database = database;
        this.subTenants = subTenants;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    /** The tenant admin grants its reseller support access for {@code hours}; 422 when no reseller owns the tenant. */
    public Map<String, Object> grant(Tenant tenant, int hours, String reason, Principal admin) {
        UUID resellerId = ownerOf(tenant.id()).orElseThrow(() -> MarketplaceRefusal.invalid("tenant-has-no-reseller",
                "Tenant '" + tenant.slug() + "' is not a reseller's sub-tenant: there is no reseller to grant support access to."));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Grant grant = new Grant(UUID.randomUUID(), tenant.id(), resellerId, reason, hours, admin.actorId(), now,
                                now.plus(Duration.ofHours(hours)), null, null);
        database.inTenant(tenant.id(), tx -> {
            tx.dml("INSERT INTO marketplace.support_grants (" + GRANT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                   grant.id(), grant.tenantId(), grant.resellerId(), reason, hours, grant.grantedBy(),
                   Database.timestamp(grant.grantedAt()), Database.timestamp(grant.expiresAt()));
            audit.append(tx, AuditEvent.success(tenant.id(), admin.actorId(), "marketplace.support-grant.create",
                                                "support-grant:" + grant.id(), Map.of("reseller", resellerId.toString(),
                                                "hours", hours, "reason", reason, "expiresAt", grant.expiresAt().toString())));
            return null;
        });
        return grant.view(now);
    }

    /** The tenant's grants, newest first. */
    public List<Map<String, Object>> grants(Tenant tenant) {
        Instant now = clock.instant();
        return database.inTenant(tenant.id(), tx -> Database.list(tx, SupportAccess::grant,
                "SELECT " + GRANT_COLUMNS + " FROM marketplace.support_grants WHERE tenant_id = ? ORDER BY granted_at DESC, id",
                tenant.id())).stream().map(g -> g.view(now)).toList();
    }

    /** Revokes a grant and ends every session opened under it. Revoking twice is harmless. */
    public Map<String, Object> revoke(Tenant tenant, UUID grantId, Principal admin) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        record Revoked(Grant grant, List<UUID> sessionIds) {
        }
        Revoked revoked = database.inTenant(tenant.id(), tx -> {
            Grant grant = Database.first(tx, SupportAccess::grant, "SELECT " + GRANT_COLUMNS
                            + " FROM marketplace.support_grants WHERE tenant_id = ? AND id = ? FOR UPDATE", tenant.id(), grantId)
                    .orElseThrow(() -> MarketplaceRefusal.notFound("support-grant-not-found",
                            "No support grant " + grantId + " in tenant '" + tenant.slug() + "'."));
            if (grant.revokedAt() != null) {
                return new Revoked(grant, List.of());
            }
            tx.dml("UPDATE marketplace.support_grants SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                   Database.timestamp(now), admin.actorId(), grantId);
            List<UUID> sessionIds = Database.list(tx, row -> Database.uuid(row, "session_id"),
                                                  "SELECT session_id FROM marketplace.support_sessions WHERE grant_id = ?", grantId);
            sessionIds.forEach(id -> sessions.revoke(tx, id));
            audit.append(tx, AuditEvent.success(tenant.id(), admin.actorId(), "marketplace.support-grant.revoke",
                                                "support-grant:" + grantId, Map.of("reseller", grant.resellerId().toString(),
                                                "sessionsEnded", sessionIds.size())));
            return new Revoked(Database.first(tx, SupportAccess::grant, "SELECT " + GRANT_COLUMNS
                    + " FROM marketplace.support_grants WHERE id = ?", grantId).orElseThrow(), sessionIds);
        });
        sessions.forgetRevoked(revoked.sessionIds());
        return revoked.grant().view(now);
    }

    /**
     * Opens a support session in the reseller's sub-tenant under its active grant; 403 {@code support-access-required}
     * without one. The session ends when the grant does.
     */
    public Opened open(Reseller reseller, String tenantReference, Principal actor) {
        Tenant tenant = subTenants.owned(reseller, tenantReference);
        Instant now = clock.instant();
        Grant grant = ResellerScope.in(database, reseller.id(), tx -> Database.first(tx, SupportAccess::grant,
                        "SELECT " + GRANT_COLUMNS + " FROM marketplace.support_grants WHERE tenant_id = ? AND reseller_id = ? "
                        + "AND revoked_at IS NULL AND expires_at > ? ORDER BY expires_at DESC LIMIT 1",
                        tenant.id(), reseller.id(), Database.timestamp(now)))
                .orElseThrow(() -> MarketplaceRefusal.forbidden("support-access-required", "Tenant '" + tenant.slug()
                        + "' has not granted support access, or its grant expired or was revoked; its admin grants it at "
                        + "POST /api/v1/tenants/{tenant}/marketplace/support-grants."));
        User user = supportUser(reseller, tenant.id(), actor);
        return database.inTenant(tenant.id(), tx -> {
            SessionService.Issued issued = sessions.issue(tx, user, true, grant.expiresAt());
            tx.dml("INSERT INTO marketplace.support_sessions (session_id, grant_id, tenant_id, reseller_id, user_id, opened_by, "
                   + "opened_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", issued.sessionId(), grant.id(), tenant.id(),
                   reseller.id(), user.id(), actor.actorId(), Database.timestamp(now), Database.timestamp(issued.expiresAt()));
            Map<String, Object> details = SubTenants.resellerDetails(reseller);
            details.put("grant", grant.id().toString());
            details.put("user", user.id().toString());
            details.put("session", issued.sessionId().toString());
            details.put("expiresAt", issued.expiresAt().toString());
            audit.append(tx, AuditEvent.success(tenant.id(), actor.actorId(), "marketplace.support-session.open",
                                                "user:" + user.id(), details));
            return new Opened(issued.token(), issued.sessionId(), user.id(), issued.expiresAt(), grant.id());
        });
    }

    /** What the reseller sees of its support access to one sub-tenant: grants and the sessions it opened. */
    public Map<String, Object> resellerView(Reseller reseller, UUID tenantId) {
        Instant now = clock.instant();
        return ResellerScope.in(database, reseller.id(), tx -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("grants", Database.list(tx, SupportAccess::grant, "SELECT " + GRANT_COLUMNS
                    + " FROM marketplace.support_grants WHERE tenant_id = ? AND reseller_id = ? ORDER BY granted_at DESC, id LIMIT 20",
                    tenantId, reseller.id()).stream().map(g -> g.view(now)).toList());
            view.put("sessions", Database.list(tx, row -> {
                Map<String, Object> session = new LinkedHashMap<>();
                session.put("id", Database.uuid(row, "session_id"));
                session.put("grant", Database.uuid(row, "grant_id"));
                session.put("user", Database.uuid(row, "user_id"));
                session.put("openedBy", Database.text(row, "opened_by"));
                session.put("openedAt", Database.instant(row, "opened_at"));
                session.put("expiresAt", Database.instant(row, "expires_at"));
                return session;
            }, "SELECT * FROM marketplace.support_sessions WHERE tenant_id = ? AND reseller_id = ? ORDER BY opened_at DESC LIMIT 20",
               tenantId, reseller.id()));
            return view;
        });
    }

    /** The tenant user the reseller's support acts as, created on its first session. */
    private User supportUser(Reseller reseller, UUID tenantId, Principal actor) {
        Optional<UUID> existing = ResellerScope.in(database, reseller.id(), tx -> supportUserId(tx, tenantId, reseller.id()));
        if (existing.isPresent()) {
            return users.get(tenantId, existing.get());
        }
        // Nobody ever signs in with this password: the account is reached only through support sessions.
        String unusedPassword = UUID.randomUUID() + "-" + UUID.randomUUID();
        User user = users.create(tenantId, "support@" + reseller.slug() + ".reseller.invalid", unusedPassword, Role.TENANT_USER,
                                 Optional.of("Support: " + reseller.name()), actor);
        database.inPlatform(tx -> tx.dml("INSERT INTO marketplace.support_users (tenant_id, reseller_id, user_id) VALUES (?, ?, ?)",
                                         tenantId, reseller.id(), user.id()));
        return user;
    }

    private static Optional<UUID> supportUserId(DbExecute tx, UUID tenantId, UUID resellerId) {
        return Database.first(tx, row -> Database.uuid(row, "user_id"),
                              "SELECT user_id FROM marketplace.support_users WHERE tenant_id = ? AND reseller_id = ?", tenantId, resellerId);
    }

    private Optional<UUID> ownerOf(UUID tenantId) {
        return database.inPlatform(tx -> Database.first(tx, row -> Database.uuid(row, "reseller_id"),
                "SELECT reseller_id FROM marketplace.reseller_tenants WHERE tenant_id = ?", tenantId));
    }

    private static Grant grant(DbRow row) {
        return new Grant(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.uuid(row, "reseller_id"),
                         Database.text(row, "reason"), Integer.parseInt(Database.text(row, "hours")), Database.text(row, "granted_by"),
                         Database.instant(row, "granted_at"), Database.instant(row, "expires_at"), Database.instant(row, "revoked_at"),
                         Database.text(row, "revoked_by"));
    }
}
