package io.voicecore.marketplace.resellers;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.admin.TenantService;

/**
 * A reseller's sub-tenants: real kernel tenants, created, suspended and deleted through the kernel's tenant service,
 * whose ownership the marketplace records. What a reseller reads of them is management data only (state, plugins,
 * usage); their business data stays behind the tenant's own credentials. Ownership is read in the reseller scope, so a
 * reseller never sees a tenant it does not own: such a tenant answers exactly like a missing one.
 */
public final class SubTenants {

    /** A sub-tenant just created, with its tenant-admin key's secret: the only moment the secret is seen. */
    public record Created(Tenant tenant, String apiKey, Optional<BundleProvisioning.BundleRef> bundle) {
    }

    /** What the marketplace records of a tenant a reseller owns. */
    record Ownership(UUID tenantId, UUID resellerId, UUID bundleId, Integer bundleVersion, Instant createdAt) {
    }

    private final Database database;
    private final TenantService tenantService;
    private final TenantRepository tenants;
    private final ApiKeyService apiKeys;
    private final UsageMeter usage;
    private final AuditLog audit;
    private final BundleProvisioning bundles;
    private final Clock clock;

    public SubTenants(Database database, TenantService tenantService, TenantRepository tenants, ApiKeyService apiKeys,
                      UsageMeter usage, AuditLog audit, BundleProvisioning bundles, Clock clock) {
        this.database = database;
        this.tenantService = tenantService;
        this.tenants = tenants;
        this.apiKeys = apiKeys;
        this.usage = usage;
        this.audit = audit;
        this.bundles = bundles;
        this.clock = clock;
    }

    /**
     * Creates a tenant owned by the reseller, with a tenant-admin key, and provisions the bundle when one is named. The
     * bundle is resolved before anything is written; when provisioning fails, the tenant, its key and its ownership are
     * deleted again, so a sub-tenant exists with its whole bundle or not at all.
     */
    public Created create(Reseller reseller, String name, String slug, Optional<String> bundleReference, Principal actor) {
        Optional<BundleProvisioning.BundleRef> bundle = bundleReference.map(reference -> bundles.resolve(reseller, reference));
        Created created;
        try {
            created = database.inPlatform(tx -> {
                Tenant tenant = tenantService.create(tx, slug, name, "standard", false, actor);
                ApiKeyService.Created key = apiKeys.create(tx, tenant.id(), "tenant admin, created by reseller " + reseller.slug(),
                                                           Role.TENANT_ADMIN, actor);
                tx.dml("INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id, bundle_id, bundle_version, created_at) "
                       + "VALUES (?, ?, ?, ?, ?)", tenant.id(), reseller.id(), bundle.map(BundleProvisioning.BundleRef::bundleId).orElse(null),
                       bundle.map(BundleProvisioning.BundleRef::version).orElse(null), Database.timestamp(tenant.createdAt()));
                Map<String, Object> details = resellerDetails(reseller);
                bundle.ifPresent(b -> {
                    details.put("bundle", b.bundleId().toString());
                    details.put("bundleVersion", b.version());
                });
                // In the tenant's own log, and on the platform chain as the reseller's action.
                audit.append(tx, AuditEvent.success(tenant.id(), actor.actorId(), "marketplace.reseller.tenant.create",
                                                    "tenant:" + tenant.id(), details));
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.reseller.tenant.create",
                                                    "reseller:" + reseller.id(), Map.of("tenant", tenant.id().toString(), "slug", slug)));
                return new Created(tenant, key.secret(), bundle);
            });
        } catch (RuntimeException e) {
            throw TenantService.slugTakenOr(e, slug);
        }
        if (bundle.isPresent()) {
            try {
                bundles.provision(reseller, created.tenant().id(), bundle.get(), actor);
            } catch (RuntimeException failure) {
                try {
                    remove(created.tenant(), actor);
                } catch (RuntimeException undoFailure) {
                    failure.addSuppressed(undoFailure);
                }
                throw failure;
            }
        }
        return created;
    }

    /** One page of the reseller's sub-tenants in creation order, each as the reseller sees it. */
    public Map<String, Object> page(Reseller reseller, Optional<Cursor> after, int limit) {
        List<Ownership> owned = ResellerScope.in(database, reseller.id(), tx -> after.isPresent()
                ? Database.list(tx, SubTenants::ownership, "SELECT * FROM marketplace.reseller_tenants WHERE reseller_id = ? "
                                + "AND (created_at, tenant_id) > (?, ?) ORDER BY created_at, tenant_id LIMIT ?",
                                reseller.id(), Database.timestamp(after.get().createdAt()), after.get().id(), limit + 1)
                : Database.list(tx, SubTenants::ownership, "SELECT * FROM marketplace.reseller_tenants WHERE reseller_id = ? "
                                + "ORDER BY created_at, tenant_id LIMIT ?", reseller.id(), limit + 1));
        return Cursor.page(owned, limit, o -> new Cursor(o.createdAt(), o.tenantId()), this::view);
    }

    /** The reseller's sub-tenant named by {@code reference} (id or slug); 404 as for a missing tenant otherwise. */
    public Tenant owned(Reseller reseller, String reference) {
        return ownedWithOwnership(reseller, reference).tenant();
    }

    record OwnedTenant(Tenant tenant, Ownership ownership) {
    }

    OwnedTenant ownedWithOwnership(Reseller reseller, String reference) {
        Optional<Tenant> tenant = database.inPlatform(tx -> tenants.byReference(tx, reference));
        Optional<Ownership> ownership = tenant.flatMap(t -> ResellerScope.in(database, reseller.id(), tx -> Database.first(
                tx, SubTenants::ownership, "SELECT * FROM marketplace.reseller_tenants WHERE tenant_id = ? AND reseller_id = ?",
                t.id(), reseller.id())));
        if (ownership.isEmpty()) {
            throw new ApiException.NotFound("tenant-not-found",
                    "No tenant '" + reference + "' is visible to this credential; use the tenant's id or slug.");
        }
        return new OwnedTenant(tenant.get(), ownership.get());
    }

    /** The reseller's view of one sub-tenant. */
    public Map<String, Object> read(Reseller reseller, String reference) {
        return view(ownedWithOwnership(reseller, reference).ownership());
    }

    public Map<String, Object> setActive(Reseller reseller, String reference, boolean active, Principal actor) {
        OwnedTenant owned = ownedWithOwnership(reseller, reference);
        tenantService.setActive(owned.tenant(), active, actor);
        return view(owned.ownership());
    }

    /** Deletes the reseller's sub-tenant with everything the kernel and this reseller's records hold of it. */
    public void delete(Reseller reseller, String reference, Principal actor) {
        remove(ownedWithOwnership(reseller, reference).tenant(), actor);
    }

    private void remove(Tenant tenant, Principal actor) {
        database.inPlatform(tx -> {
            tx.dml("DELETE FROM marketplace.support_sessions WHERE tenant_id = ?", tenant.id());
            tx.dml("DELETE FROM marketplace.support_grants WHERE tenant_id = ?", tenant.id());
            tx.dml("DELETE FROM marketplace.support_users WHERE tenant_id = ?", tenant.id());
            // The reseller's churn still counts it (ResellerMoney.revenue).
            tx.dml("INSERT INTO marketplace.sub_tenant_departures (tenant_id, reseller_id, tenant_name, bundle_id, bundle_version, "
                   + "joined_at, deleted_at, deleted_by) SELECT tenant_id, reseller_id, ?, bundle_id, bundle_version, created_at, now(), ? "
                   + "FROM marketplace.reseller_tenants WHERE tenant_id = ?", tenant.name(), actor.actorId(), tenant.id());
            tx.dml("DELETE FROM marketplace.reseller_tenants WHERE tenant_id = ?", tenant.id());
            return tenantService.delete(tx, tenant, actor);
        });
        tenantService.forget(tenant);
    }

    /** Management data only: state, bundle, plugins with their plans, this month's usage. Never the tenant's content. */
    private Map<String, Object> view(Ownership ownership) {
        UUID id = ownership.tenantId();
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> read = database.inTenant(id, tx -> {
            Tenant tenant = tenants.byId(tx, id).orElseThrow();
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("id", tenant.id());
            part.put("slug", tenant.slug());
            part.put("name", tenant.name());
            part.put("state", tenant.status());
            part.put("plugins", plugins(tx, id));
            return part;
        });
        view.putAll(read);
        view.put("bundle", ownership.bundleId() == null ? null
                : Map.of("id", ownership.bundleId(), "version", ownership.bundleVersion()));
        Instant now = clock.instant();
        LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
        Instant from = month.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = month.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        view.put("usage", Map.of("from", from, "to", to, "meters", usage.totals(id, from, to).stream().map(total -> {
            Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("plugin", total.pluginId());
            meter.put("meter", total.meter());
            meter.put("unit", total.unit());
            meter.put("quantity", total.quantity());
            return meter;
        }).toList()));
        view.put("createdAt", ownership.createdAt());
        return view;
    }

    /** Each enabled plugin with its version, and its marketplace plan and licence when it was installed from there. */
    private static List<Map<String, Object>> plugins(DbExecute tx, UUID tenantId) {
        return Database.list(tx, row -> {
            Map<String, Object> plugin = new LinkedHashMap<>();
            plugin.put("id", Database.text(row, "plugin_id"));
            plugin.put("version", Database.text(row, "active_version"));
            String plan = Database.text(row, "plan_id");
            if (plan != null) {
                Map<String, Object> licence = new LinkedHashMap<>();
                licence.put("trial", "true".equals(Database.text(row, "trial")) || "t".equals(Database.text(row, "trial")));
                licence.put("expiresAt", Database.instant(row, "expires_at"));
                plugin.put("plan", plan);
                plugin.put("licence", licence);
            }
            return plugin;
        }, "SELECT p.plugin_id, p.active_version, i.plan_id, l.trial, l.expires_at FROM kernel.tenant_plugins p "
           + "LEFT JOIN marketplace.installs i ON i.tenant_id = p.tenant_id AND i.plugin_id = p.plugin_id AND i.uninstalled_at IS NULL "
           + "LEFT JOIN marketplace.licences l ON l.id = i.licence_id "
           + "WHERE p.tenant_id = ? AND p.enabled ORDER BY p.plugin_id", tenantId);
    }

    static Map<String, Object> resellerDetails(Reseller reseller) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reseller", reseller.id().toString());
        details.put("resellerSlug", reseller.slug());
        return details;
    }

    private static Ownership ownership(DbRow row) {
        return new Ownership(Database.uuid(row, "tenant_id"), Database.uuid(row, "reseller_id"), Database.uuid(row, "bundle_id"),
                             Optional.ofNullable(Database.text(row, "bundle_version")).map(Integer::valueOf).orElse(null), Database.instant(row, "created_at"));
    }
}
