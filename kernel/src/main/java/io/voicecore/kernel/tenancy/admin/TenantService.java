package io.voicecore.kernel.tenancy.admin;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantDirectory;
import io.voicecore.kernel.tenancy.TenantRepository;

/**
 * Creating, suspending and deleting tenants, with their audit records: what the tenant admin API does, for whoever else
 * manages tenants (the marketplace's resellers). Callers check who may do it.
 */
public final class TenantService {
    /** What a tenant slug may be. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    public static final String SLUG_RULE = "must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash";

    private final Database database;
    private final TenantRepository tenants;
    private final TenantDirectory directory;
    private final AuditLog audit;
    private final Clock clock;

    public TenantService(Database database, TenantRepository tenants, TenantDirectory directory, AuditLog audit, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
    }

    /** Creates an active tenant in its own transaction; 409 {@code tenant-slug-taken} when the slug is in use. */
    public Tenant create(String slug, String name, String planTier, boolean mfaRequired, Principal actor) {
        try {
            return database.inPlatform(tx -> create(tx, slug, name, planTier, mfaRequired, actor));
        } catch (RuntimeException e) {
            throw slugTakenOr(e, slug);
        }
    }

    /**
     * Creates an active tenant in the caller's platform-scope transaction, so that what the caller records with it (a
     * key, an owner) exists exactly when the tenant does. A unique violation on commit means the slug is taken: pass
     * the failure through {@link #slugTakenOr}.
     */
    public Tenant create(DbExecute tx, String slug, String name, String planTier, boolean mfaRequired, Principal actor) {
        Tenant tenant = new Tenant(UUID.randomUUID(), slug, name, planTier, "active", mfaRequired,
                                   clock.instant().truncatedTo(ChronoUnit.MICROS));
        if (tenants.bySlug(tx, slug).isPresent()) {
            throw slugTaken(slug);
        }
        tenants.insert(tx, tenant);
        audit.append(tx, AuditEvent.success(tenant.id(), actor.actorId(), "tenant.create", "tenant:" + slug,
                                            Map.of("name", name, "planTier", planTier)));
        return tenant;
    }

    /** The conflict a failed creation means when the slug was taken concurrently, or the failure itself. */
    public static RuntimeException slugTakenOr(RuntimeException failure, String slug) {
        return Database.isUniqueViolation(failure) ? slugTaken(slug) : failure;
    }

    private static ApiException slugTaken(String slug) {
        return new ApiException.Conflict("tenant-slug-taken", "A tenant with slug '" + slug + "' already exists; choose another slug.");
    }

    /**
     * Suspends ({@code active = false}) or resumes a tenant. A suspended tenant's keys and sessions are refused; its
     * data stays. Changing nothing writes nothing.
     */
    public Tenant setActive(Tenant current, boolean active, Principal actor) {
        String status = active ? "active" : "suspended";
        if (status.equals(current.status())) {
            return current;
        }
        Tenant updated = new Tenant(current.id(), current.slug(), current.name(), current.planTier(), status,
                                    current.mfaRequired(), current.createdAt());
        database.inTenant(current.id(), tx -> {
            tenants.update(tx, updated);
            audit.append(tx, AuditEvent.success(current.id(), actor.actorId(), "tenant.update", "tenant:" + current.slug(),
                                                Map.of("status", status)));
            return null;
        });
        directory.changed(current.id());
        return updated;
    }

    /**
     * Deletes a tenant and every kernel row that belongs to it (keys, users, sessions, plugin enablements, settings,
     * events, usage). Its audit log stays: the record of what was done is never deleted. The deletion itself is audited
     * on the platform chain, as the tenant's chain ends with the tenant.
     *
     * @return false when there was no such tenant
     */
    public boolean delete(Tenant tenant, Principal actor) {
        boolean deleted = database.inPlatform(tx -> delete(tx, tenant, actor));
        forget(tenant);
        return deleted;
    }

    /**
     * Deletes a tenant in the caller's platform-scope transaction, with what the caller removes along with it (the
     * record of who owns the tenant, say); call {@link #forget} after the commit.
     */
    public boolean delete(DbExecute tx, Tenant tenant, Principal actor) {
        boolean gone = tx.get("SELECT kernel.delete_tenant(?) AS deleted", tenant.id())
                .map(row -> row.column("deleted").get(Boolean.class)).orElse(false);
        if (gone) {
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "tenant.delete", "tenant:" + tenant.id(),
                                                Map.of("slug", tenant.slug(), "name", tenant.name())));
        }
        return gone;
    }

    /** Makes every node forget a tenant that changed or was deleted; call after the commit. */
    public void forget(Tenant tenant) {
        directory.changed(tenant.id());
    }
}
