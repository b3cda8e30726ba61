package io.voicecore.marketplace.installs;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.licence.Licence;
import io.voicecore.marketplace.licence.LicenceVerifier;
import io.voicecore.marketplace.licence.Verdict;
import io.voicecore.marketplace.listings.Listing;
import io.voicecore.marketplace.listings.ListingRoutes;
import io.voicecore.marketplace.listings.Listings;

/**
 * A tenant's installs from the marketplace. Installing is the kernel's consent (the tenant admin grants exactly the
 * permissions the plugin declares, and consents again when an upgrade asks for more) plus a licence for the chosen
 * plan, which every kernel node then checks offline on each call. Uninstalling disables the plugin; its data stays.
 */
public final class Installs {
    private final Database database;
    private final Listings listings;
    private final PluginRuntime plugins;
    private final LicenceIssuer issuer;
    private final LicenceVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;

    public Installs(Database database, Listings listings, PluginRuntime plugins, LicenceIssuer issuer, LicenceVerifier verifier,
                    AuditLog audit, Clock clock) {
        this.database = database;
        this.listings = listings;
        this.plugins = plugins;
        this.issuer = issuer;
        this.verifier = verifier;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Installs a listing's plugin for a tenant on a plan, with the tenant admin's consent to its permissions.
     *
     * @throws MarketplaceRefusal {@code listing-not-found}, {@code plan-unknown}, {@code plan-not-selectable},
     *                            {@code already-installed}, {@code trial-used}, {@code no-installable-version}
     */
    public Map<String, Object> install(UUID tenantId, String listingId, String planId, Set<String> granted, Principal actor) {
        Listing listing = listings.get(listingId).orElseThrow(() -> ListingRoutes.notFound(listingId));
        requireNotInstalled(tenantId, listingId);
        Plan plan = selectablePlan(listing, planId, tenantId);
        PluginManifest installable = installableVersion(listing);
        plugins.enablement().enable(tenantId, listingId, granted, actor);
        LicenceIssuer.Issued licence = issue(tenantId, listingId, plan);
        database.inTenant(tenantId, tx -> {
            recordInstall(tx, tenantId, listingId, plan.id(), licence, installable.version(), granted, actor);
            return null;
        });
        plugins.enablement().attachLicence(tenantId, listingId, licence.token(), actor);
        return view(find(tenantId, listingId).orElseThrow());
    }

    /** Refuses a listing the tenant has installed already. */
    public void requireNotInstalled(UUID tenantId, String listingId) {
        Optional<InstallRow> existing = find(tenantId, listingId).filter(InstallRow::active);
        if (existing.isPresent()) {
            throw MarketplaceRefusal.conflict("already-installed", "'" + listingId + "' is installed for this tenant already (plan "
                    + existing.get().planId() + "); change its plan with PATCH on the install, or uninstall it first.");
        }
    }

    /**
     * Records an install with its licence in the caller's transaction (one that sees the tenant's rows): the licence, the
     * install, the install event for analytics, and the audit record.
     */
    public void recordInstall(DbExecute tx, UUID tenantId, String listingId, String planId, LicenceIssuer.Issued licence, String version,
                              Set<String> granted, Principal actor) {
        recordLicence(tx, licence, actor);
        tx.dml("INSERT INTO marketplace.installs (tenant_id, plugin_id, plan_id, licence_id, installed_by) VALUES (?, ?, ?, ?, ?) "
               + "ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET plan_id = excluded.plan_id, licence_id = excluded.licence_id, "
               + "installed_by = excluded.installed_by, installed_at = now(), uninstalled_at = NULL",
               tenantId, listingId, planId, licence.licence().licenceId(), actor.actorId());
        tx.dml("INSERT INTO marketplace.install_events (tenant_id, plugin_id, version, kind, occurred_at) VALUES (?, ?, ?, 'install', ?)",
               tenantId, listingId, version, Database.timestamp(clock.instant()));
        audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.install", "plugin:" + listingId,
                Map.of("plan", planId, "version", version, "granted", String.join(",", new TreeSet<>(granted)))));
    }

    /**
     * Puts a new licence on a tenant's install (a plan change, a grant, a renewal, a seat change) in the caller's
     * transaction, with an audit record of {@code action}. The caller attaches the token to the enablement after commit.
     */
    public void relicense(DbExecute tx, LicenceIssuer.Issued licence, Principal actor, String action, Map<String, Object> details) {
        Licence terms = licence.licence();
        recordLicence(tx, licence, actor);
        tx.dml("UPDATE marketplace.installs SET plan_id = ?, licence_id = ? WHERE tenant_id = ? AND plugin_id = ?", terms.planId(),
               terms.licenceId(), terms.tenantId(), terms.pluginId());
        audit.append(tx, AuditEvent.success(terms.tenantId(), actor.actorId(), action, "plugin:" + terms.pluginId(), details));
    }

    /** The plan of the tenant's current install of the listing, if it is installed. */
    public Optional<String> installedPlan(UUID tenantId, String listingId) {
        return find(tenantId, listingId).filter(InstallRow::active).map(InstallRow::planId);
    }

    /** The version a tenant installing the listing gets. */
    public PluginManifest installableVersion(String listingId) {
        return installableVersion(listings.get(listingId).orElseThrow(() -> ListingRoutes.notFound(listingId)));
    }

    /** Changes the plan (a new licence) and/or consents again to the permissions of the latest version. */
    public Map<String, Object> change(UUID tenantId, String listingId, Optional<String> planId, Optional<Set<String>> granted,
                                      Principal actor) {
        InstallRow install = find(tenantId, listingId).filter(InstallRow::active).orElseThrow(() -> notInstalled(listingId));
        granted.ifPresent(permissions -> {
            plugins.enablement().enable(tenantId, listingId, permissions, actor);
            listings.recordMoves(listingId); // consent may have moved the tenant to the latest version
        });
        if (planId.isPresent()) {
            Listing listing = listings.get(listingId).orElseThrow(() -> ListingRoutes.notFound(listingId));
            Plan plan = selectablePlan(listing, planId.get(), tenantId);
            LicenceIssuer.Issued licence = issue(tenantId, listingId, plan);
            database.inTenant(tenantId, tx -> {
                relicense(tx, licence, actor, "marketplace.plan.change", Map.of("from", install.planId(), "to", plan.id()));
                return null;
            });
            plugins.enablement().attachLicence(tenantId, listingId, licence.token(), actor);
        }
        return view(find(tenantId, listingId).orElseThrow());
    }

    /**
     * A licence the platform admin grants a tenant that installed the plugin: a renewal, an extension, more seats.
     *
     * @param days how long it lasts; empty for one that never expires
     */
    public Map<String, Object> grant(UUID tenantId, String listingId, String planId, Optional<Integer> days, OptionalInt seats,
                                     Principal admin) {
        Actors.requirePlatformAdmin(admin, "grant licences");
        find(tenantId, listingId).filter(InstallRow::active).orElseThrow(() -> notInstalled(listingId));
        LicenceIssuer.Issued licence = issuer.issue(tenantId, listingId, planId, false, seats, days.map(Duration::ofDays));
        database.inTenant(tenantId, tx -> {
            relicense(tx, licence, admin, "marketplace.licence.grant",
                      Map.of("plan", planId, "days", days.map(String::valueOf).orElse("unlimited")));
            return null;
        });
        plugins.enablement().attachLicence(tenantId, listingId, licence.token(), admin);
        return view(find(tenantId, listingId).orElseThrow());
    }

    /** Uninstalls: the plugin is disabled for the tenant (its data stays); installing again needs consent again. */
    public void uninstall(UUID tenantId, String listingId, Principal actor) {
        find(tenantId, listingId).filter(InstallRow::active).orElseThrow(() -> notInstalled(listingId));
        String version = plugins.enablement().tenantPlugin(tenantId, listingId).map(PluginStore.TenantPlugin::activeVersion).orElse("unknown");
        if (plugins.enablement().tenantPlugin(tenantId, listingId).map(PluginStore.TenantPlugin::enabled).orElse(false)) {
            plugins.enablement().disable(tenantId, listingId, actor);
        }
        database.inTenant(tenantId, tx -> {
            tx.dml("UPDATE marketplace.installs SET uninstalled_at = now() WHERE tenant_id = ? AND plugin_id = ?", tenantId, listingId);
            // Nothing more is charged for a plugin that is gone: its subscription ends with its period.
            tx.dml("UPDATE marketplace.subscriptions SET cancel_at_period_end = true WHERE tenant_id = ? AND plugin_id = ? "
                   + "AND state IN ('active', 'past-due')", tenantId, listingId);
            tx.dml("INSERT INTO marketplace.install_events (tenant_id, plugin_id, version, kind, occurred_at) "
                   + "VALUES (?, ?, ?, 'uninstall', ?)", tenantId, listingId, version, Database.timestamp(clock.instant()));
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.uninstall", "plugin:" + listingId, Map.of()));
            return null;
        });
    }

    /** The tenant's installs (current ones), each with its licence and what the tenant should know. */
    public List<Map<String, Object>> list(UUID tenantId) {
        return database.inTenant(tenantId, tx -> Database.list(tx, Installs::map, "SELECT " + COLUMNS
                + " FROM marketplace.installs i JOIN marketplace.licences l ON l.id = i.licence_id WHERE i.tenant_id = ? "
                + "AND i.uninstalled_at IS NULL ORDER BY i.plugin_id", tenantId)).stream().map(this::view).toList();
    }

    public Map<String, Object> read(UUID tenantId, String listingId) {
        return view(find(tenantId, listingId).filter(InstallRow::active).orElseThrow(() -> notInstalled(listingId)));
    }

    private Plan selectablePlan(Listing listing, String planId, UUID tenantId) {
        Map<String, Object> plan = listing.plan(planId).orElseThrow(() -> MarketplaceRefusal.invalid("plan-unknown", "'" + listing.id()
                + "' has no plan '" + planId + "'; its plans are " + listing.plans().stream().map(p -> p.get("id")).toList() + "."));
        String kind = (String) plan.get("kind");
        if (plan.get("amount") != null) {
            throw new MarketplaceRefusal(409, "plan-needs-purchase", "Plan is paid", "The plan '" + planId + "' of '" + listing.id()
                    + "' is paid: buy it with POST /api/v1/tenants/{tenant}/marketplace/purchases.", java.util.Map.of("plan", planId));
        }
        if (kind.equals("granted")) {
            throw MarketplaceRefusal.forbidden("plan-not-selectable", "The plan '" + planId + "' is granted by the platform"
                    + " administrator, not chosen; choose another plan or ask for a grant.");
        }
        if (kind.equals("trial") && database.inTenant(tenantId, tx -> tx.get(
                "SELECT 1 FROM marketplace.licences WHERE tenant_id = ? AND plugin_id = ? AND trial LIMIT 1", tenantId, listing.id())
                .isPresent())) {
            throw MarketplaceRefusal.conflict("trial-used", "This tenant has had its trial of '" + listing.id() + "'; choose another plan.");
        }
        Number trialDays = (Number) plan.get("trialDays");
        Number seats = (Number) plan.get("seats");
        return new Plan(planId, kind, trialDays == null ? 0 : trialDays.intValue(), seats == null ? OptionalInt.empty()
                                                                                                  : OptionalInt.of(seats.intValue()));
    }

    private record Plan(String id, String kind, int trialDays, OptionalInt seats) {
    }

    private LicenceIssuer.Issued issue(UUID tenantId, String pluginId, Plan plan) {
        boolean trial = plan.kind().equals("trial");
        return issuer.issue(tenantId, pluginId, plan.id(), trial, plan.seats(),
                            trial ? Optional.of(Duration.ofDays(plan.trialDays())) : Optional.empty());
    }

    /** The version tenants get: the one in the kernel's catalog, listed and not yanked. */
    private PluginManifest installableVersion(Listing listing) {
        PluginManifest installed = plugins.catalog().installed(listing.id()).orElseThrow(() -> MarketplaceRefusal.conflict(
                "no-installable-version", "'" + listing.id() + "' has no stable version yet; beta versions are listed for testing only."));
        Optional<Map<String, Object>> listed = listing.version(installed.version());
        if (listed.isPresent() && Boolean.TRUE.equals(listed.get().get("yanked"))) {
            throw MarketplaceRefusal.conflict("version-yanked", "'" + listing.id() + "' " + installed.version() + " was yanked by its"
                    + " publisher (" + listed.get().get("yankReason") + "); it can be installed again once a new version is published.");
        }
        return installed;
    }

    private void recordLicence(DbExecute tx, LicenceIssuer.Issued issued, Principal actor) {
        Licence licence = issued.licence();
        tx.dml("INSERT INTO marketplace.licences (id, tenant_id, plugin_id, plan_id, trial, seats, token, issued_by, issued_at, starts_at, "
               + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", licence.licenceId(), licence.tenantId(), licence.pluginId(),
               licence.planId(), licence.trial(), licence.seats().isPresent() ? licence.seats().getAsInt() : null, issued.token(),
               actor.actorId(), Database.timestamp(licence.issuedAt()), Database.timestamp(licence.startsAt()),
               licence.expiresAt().map(Database::timestamp).orElse(null));
    }

    private static final String COLUMNS = "i.tenant_id, i.plugin_id, i.plan_id, i.installed_at, i.installed_by, i.uninstalled_at, "
            + "l.id AS licence_id, l.trial, l.seats, l.token, l.starts_at, l.expires_at";

    private record InstallRow(UUID tenantId, String pluginId, String planId, java.time.Instant installedAt, String installedBy,
                              java.time.Instant uninstalledAt, UUID licenceId, boolean trial, Integer seats, String token,
                              java.time.Instant startsAt, java.time.Instant expiresAt) {
        boolean active() {
            return uninstalledAt == null;
        }
    }

    private Optional<InstallRow> find(UUID tenantId, String pluginId) {
        return database.inTenant(tenantId, tx -> Database.first(tx, Installs::map, "SELECT " + COLUMNS
                + " FROM marketplace.installs i JOIN marketplace.licences l ON l.id = i.licence_id WHERE i.tenant_id = ? AND i.plugin_id = ?",
                tenantId, pluginId));
    }

    private static InstallRow map(DbRow row) {
        return new InstallRow(Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"), Database.text(row, "plan_id"),
                Database.instant(row, "installed_at"), Database.text(row, "installed_by"), Database.instant(row, "uninstalled_at"),
                Database.uuid(row, "licence_id"), row.column("trial").get(Boolean.class), row.column("seats").get(Integer.class),
                Database.text(row, "token"), Database.instant(row, "starts_at"), Database.instant(row, "expires_at"));
    }

    private Map<String, Object> view(InstallRow install) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("listing", install.pluginId());
        view.put("plan", install.planId());
        view.put("installedAt", install.installedAt());
        Optional<PluginStore.TenantPlugin> enabled = plugins.enablement().tenantPlugin(install.tenantId(), install.pluginId());
        String active = enabled.map(PluginStore.TenantPlugin::activeVersion).orElse(null);
        view.put("activeVersion", active);
        view.put("license", install.token());
        Map<String, Object> licence = new LinkedHashMap<>();
        licence.put("id", install.licenceId());
        licence.put("plan", install.planId());
        licence.put("trial", install.trial());
        licence.put("seats", install.seats());
        licence.put("startsAt", install.startsAt());
        licence.put("expiresAt", install.expiresAt());
        String status = status(verifier.verify(install.token()));
        licence.put("status", status);
        view.put("licence", licence);
        List<String> notices = new java.util.ArrayList<>();
        listings.get(install.pluginId()).ifPresent(listing -> {
            if (active != null) {
                listing.version(active).filter(v -> Boolean.TRUE.equals(v.get("yanked"))).ifPresent(v -> notices.add("Version " + active
                        + " was yanked by its publisher (" + v.get("yankReason") + "); move to "
                        + listing.latest("stable").map(l -> l.get("version")).orElse("a newer version once published") + "."));
            }
            plugins.catalog().installed(install.pluginId()).filter(latest -> active != null && !latest.version().equals(active))
                    .ifPresent(latest -> {
                        Set<String> more = new TreeSet<>(latest.permissionNames());
                        enabled.ifPresent(e -> more.removeAll(e.granted()));
                        notices.add("Version " + latest.version() + " is available" + (more.isEmpty() ? "." : " and asks for "
                                + more + ": consent with PATCH on this install and grantedPermissions."));
                    });
        });
        if (status.equals("in-grace") || status.equals("expired")) {
            notices.add("The licence expired at " + install.expiresAt() + "; choose another plan or ask for a licence to keep using it.");
        }
        view.put("notices", notices);
        return view;
    }

    private static String status(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Valid valid -> "valid";
            case Verdict.InGrace grace -> "in-grace";
            case Verdict.Expired expired -> "expired";
            case Verdict.NotYetStarted pending -> "not-yet-started";
            case Verdict.Invalid invalid -> "invalid";
        };
    }

    static MarketplaceRefusal notInstalled(String listingId) {
        return MarketplaceRefusal.notFound("not-installed", "'" + listingId + "' is not installed for this tenant; install it with"
                + " POST /api/v1/tenants/{tenant}/marketplace/installs.");
    }
}
