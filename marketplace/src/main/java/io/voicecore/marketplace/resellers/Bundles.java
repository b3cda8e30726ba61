package io.voicecore.marketplace.resellers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.zafarkhaja.semver.Version;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.installs.Installs;
import io.voicecore.marketplace.listings.Listings;
import io.voicecore.sdk.json.Json;

/**
 * A reseller's bundles: named, versioned sets of plugins with pinned versions and plans, default configuration and the
 * permissions they need with their reasons. Gives a sub-tenant its bundle (the reseller consenting on its behalf as the
 * contracting party) and moves sub-tenants to a newer version, where the kernel keeps a plugin whose permissions grew
 * on its old version until the tenant's admin consents.
 */
public final class Bundles implements BundleProvisioning {
    /** What a rollout did for one tenant. */
    public record Outcome(UUID tenantId, int fromVersion, String outcome, List<String> enabled, List<Map<String, Object>> awaitingConsent,
                          String reason) {
        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("tenant", tenantId);
            view.put("fromVersion", fromVersion);
            view.put("outcome", outcome);
            view.put("enabled", enabled);
            view.put("awaitingConsent", awaitingConsent);
            if (reason != null) {
                view.put("reason", reason);
            }
            return view;
        }
    }

    record Bundle(UUID id, UUID resellerId, String name, Instant createdAt) {
    }

    record Stored(UUID bundleId, int version, BundleContent content, Instant createdAt, String createdBy) {
    }

    private final Database database;
    private final PluginRuntime plugins;
    private final PluginConfigs configs;
    private final Listings listings;
    private final Installs installs;
    private final AuditLog audit;
    private final Runnable brandingChanged;

    /**
     * @param brandingChanged told when a tenant moves to another bundle version, whose branding may differ: what is
     *                        remembered of the tenants' branding on this node is dropped
     */
    public Bundles(Database database, PluginRuntime plugins, PluginConfigs configs, Listings listings, Installs installs, AuditLog audit,
                   Runnable brandingChanged) {
        this.database = database;
        this.plugins = plugins;
        this.configs = configs;
        this.listings = listings;
        this.installs = installs;
        this.audit = audit;
        this.brandingChanged = brandingChanged;
    }

    /** The content of a bundle version from a request body, checked against what the platform runs; bad fields go to {@code fields}. */
    BundleContent content(JsonFields fields, JsonNode body) {
        return BundleContent.parse(fields, body, plugins, configs, listings);
    }

    /** Creates a bundle with its first version. */
    Stored create(Reseller reseller, String name, BundleContent content, Principal actor) {
        refusePaidPlans(content);
        try {
            return database.inPlatform(tx -> {
                if (tx.get("SELECT 1 FROM marketplace.bundles WHERE reseller_id = ? AND name = ?", reseller.id(), name).isPresent()) {
                    throw nameTaken(name);
                }
                UUID id = UUID.randomUUID();
                tx.dml("INSERT INTO marketplace.bundles (id, reseller_id, name) VALUES (?, ?, ?)", id, reseller.id(), name);
                return insertVersion(tx, reseller, id, 1, content, actor);
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw nameTaken(name);
            }
            throw e;
        }
    }

    /** Adds the next version of a bundle. */
    Stored addVersion(Reseller reseller, String reference, BundleContent content, Principal actor) {
        refusePaidPlans(content);
        Bundle bundle = bundle(reseller, reference);
        try {
            return database.inPlatform(tx -> {
                // Locks the bundle: two new versions at once get consecutive numbers.
                tx.get("SELECT id FROM marketplace.bundles WHERE id = ? FOR UPDATE", bundle.id());
                int next = tx.get("SELECT coalesce(max(version), 0) + 1 AS next FROM marketplace.bundle_versions WHERE bundle_id = ?",
                                  bundle.id()).orElseThrow().column("next").get(Integer.class);
                return insertVersion(tx, reseller, bundle.id(), next, content, actor);
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw MarketplaceRefusal.conflict("bundle-version-conflict", "Another version of '" + bundle.name()
                        + "' was created at the same moment; repeat the request.");
            }
            throw e;
        }
    }

    private Stored insertVersion(DbExecute tx, Reseller reseller, UUID bundleId, int version, BundleContent content, Principal actor) {
        tx.dml("INSERT INTO marketplace.bundle_versions (bundle_id, version, plugins, branding, created_by) VALUES (?, ?, ?::jsonb, ?::jsonb, ?)",
               bundleId, version, content.pluginsJson(), content.brandingJson(), actor.actorId());
        audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.bundle.version", "bundle:" + bundleId,
                Map.of("reseller", reseller.id().toString(), "version", version,
                       "plugins", content.plugins().stream().map(p -> p.id() + "@" + p.version()).toList())));
        return version(tx, bundleId, version).orElseThrow();
    }

    private void refusePaidPlans(BundleContent content) {
        for (BundleContent.Pinned plugin : content.plugins()) {
            if (BundleContent.paid(listings, plugin.id(), plugin.plan())) {
                throw BundleContent.planNotFree(plugin.id(), plugin.plan());
            }
        }
    }

    private static MarketplaceRefusal nameTaken(String name) {
        return MarketplaceRefusal.conflict("bundle-name-taken", "You have a bundle named '" + name + "' already; add a version to it"
                + " with POST .../bundles/{bundle}/versions, or choose another name.");
    }

    /** The reseller's bundles, by name. */
    List<Bundle> list(Reseller reseller) {
        return database.inPlatform(tx -> Database.list(tx, Bundles::bundle,
                "SELECT id, reseller_id, name, created_at FROM marketplace.bundles WHERE reseller_id = ? ORDER BY name", reseller.id()));
    }

    /** The reseller's bundle named by its id or name; another reseller's bundle does not exist for it. */
    Bundle bundle(Reseller reseller, String reference) {
        return database.inPlatform(tx -> {
            UUID id = null;
            try {
                id = UUID.fromString(reference);
            } catch (IllegalArgumentException byName) {
                // a name
            }
            return id != null
                    ? Database.first(tx, Bundles::bundle, "SELECT id, reseller_id, name, created_at FROM marketplace.bundles WHERE id = ? "
                                                         + "AND reseller_id = ?", id, reseller.id())
                    : Database.first(tx, Bundles::bundle, "SELECT id, reseller_id, name, created_at FROM marketplace.bundles WHERE name = ? "
                                                         + "AND reseller_id = ?", reference, reseller.id());
        }).orElseThrow(() -> MarketplaceRefusal.notFound("bundle-not-found", "You have no bundle '" + reference + "'; use its id or name."));
    }

    List<Stored> versions(Bundle bundle) {
        return database.inPlatform(tx -> Database.list(tx, Bundles::stored, "SELECT bundle_id, version, plugins::text AS plugins, "
                + "branding::text AS branding, created_at, created_by FROM marketplace.bundle_versions WHERE bundle_id = ? ORDER BY version",
                bundle.id()));
    }

    Stored version(Bundle bundle, int version) {
        return database.inPlatform(tx -> version(tx, bundle.id(), version)).orElseThrow(() -> MarketplaceRefusal.notFound(
                "bundle-version-not-found", "Bundle '" + bundle.name() + "' has no version " + version + "."));
    }

    private static Optional<Stored> version(DbExecute tx, UUID bundleId, int version) {
        return Database.first(tx, Bundles::stored, "SELECT bundle_id, version, plugins::text AS plugins, branding::text AS branding, "
                + "created_at, created_by FROM marketplace.bundle_versions WHERE bundle_id = ? AND version = ?", bundleId, version);
    }

    @Override
    public BundleRef resolve(Reseller reseller, String reference) {
        Bundle bundle;
        try {
            bundle = bundle(reseller, reference);
        } catch (MarketplaceRefusal notFound) {
            throw MarketplaceRefusal.invalid("bundle-unknown", "You have no bundle '" + reference + "'; name one of yours by its id or name.");
        }
        List<Stored> versions = versions(bundle);
        return new BundleRef(bundle.id(), versions.get(versions.size() - 1).version());
    }

    /**
     * Installs, consents to and configures every plugin of the bundle version for the tenant. The kernel enables a
     * plugin at its current version; that is the pinned version, or a newer one the kernel would have moved the tenant to
     * anyway because it asks for no permission the bundle does not list. A newer version asking for more is refused:
     * the reseller has not consented to it.
     */
    @Override
    public void provision(Reseller reseller, UUID tenantId, BundleRef ref, Principal actor) {
        Bundle bundle = owned(reseller, ref.bundleId());
        Stored stored = version(bundle, ref.version());
        refusePaidPlans(stored.content());
        List<PluginManifest> current = new ArrayList<>();
        for (BundleContent.Pinned plugin : stored.content().plugins()) {
            current.add(enablable(bundle, stored.version(), plugin)); // every check before the first change
        }
        for (int i = 0; i < current.size(); i++) {
            give(reseller, tenantId, bundle, stored.version(), stored.content().plugins().get(i), current.get(i), actor);
        }
        record(reseller, tenantId, bundle.id(), stored.version());
    }

    private Bundle owned(Reseller reseller, UUID bundleId) {
        try {
            return bundle(reseller, bundleId.toString());
        } catch (MarketplaceRefusal notFound) {
            throw MarketplaceRefusal.invalid("bundle-unknown", "You have no bundle '" + bundleId + "'.");
        }
    }

    /** The version the kernel would enable now, when the bundle's consent covers it. */
    private PluginManifest enablable(Bundle bundle, int version, BundleContent.Pinned plugin) {
        PluginManifest current = plugins.catalog().installed(plugin.id()).orElseThrow(() -> MarketplaceRefusal.conflict(
                "bundle-plugin-gone", "'" + plugin.id() + "' of bundle '" + bundle.name() + "' version " + version
                + " is no longer installed on the platform; create a new version of the bundle without it."));
        Set<String> beyond = new TreeSet<>(current.permissionNames());
        beyond.removeAll(plugin.permissionNames());
        if (!beyond.isEmpty()) {
            throw new MarketplaceRefusal(409, "bundle-outdated", "Bundle needs a new version", "'" + plugin.id() + "' is now at "
                    + current.version() + ", which asks for " + beyond + " that bundle '" + bundle.name() + "' version " + version
                    + " (pinned " + plugin.version() + ") does not list; create a new version of the bundle listing them with their reasons.",
                    Map.of("plugin", plugin.id(), "permissions", List.copyOf(beyond)));
        }
        return current;
    }

    /** Enables one plugin for the tenant with exactly the permissions it declares, consented by the reseller, and configures it. */
    private void give(Reseller reseller, UUID tenantId, Bundle bundle, int version, BundleContent.Pinned plugin, PluginManifest current,
                      Principal actor) {
        Set<String> granted = current.permissionNames();
        Map<String, Object> reasons = new LinkedHashMap<>();
        plugin.permissions().stream().filter(g -> granted.contains(g.permission())).forEach(g -> reasons.put(g.permission(), g.reason()));
        // The reseller is the contracting party: its consent is recorded on the tenant's audit trail before the grants.
        database.inTenant(tenantId, tx -> {
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.bundle.consent", "plugin:" + plugin.id(),
                    Map.of("consentedBy", "reseller:" + reseller.id(), "as", "contracting-party", "bundle", bundle.id().toString(),
                           "bundleVersion", version, "version", current.version(), "permissions", reasons)));
            return null;
        });
        if (plugin.plan() != null) {
            installs.install(tenantId, plugin.id(), plugin.plan(), granted, actor);
        } else {
            plugins.enablement().enable(tenantId, plugin.id(), granted, actor);
        }
        if (plugin.config() != null) {
            configs.put(tenantId, current, Json.parse(BundleContent.write(plugin.config())), actor);
        }
    }

    private void record(Reseller reseller, UUID tenantId, UUID bundleId, int version) {
        database.inPlatform(tx -> tx.dml("INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id, bundle_id, bundle_version) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET bundle_id = excluded.bundle_id, "
                + "bundle_version = excluded.bundle_version WHERE marketplace.reseller_tenants.reseller_id = excluded.reseller_id",
                tenantId, reseller.id(), bundleId, version));
        brandingChanged.run();
    }

    /**
     * Moves every sub-tenant on an older version of the bundle to {@code target}: plugins new in the bundle are enabled
     * with the reseller's consent and configured; plugins the tenant has keep its grants and configuration, and run the
     * pinned version once the kernel moved them there, which it does by itself unless the version asks for more
     * permissions than the tenant granted: then the tenant's admin consents in the kernel's plugin view.
     */
    List<Outcome> rollout(Reseller reseller, String reference, int target, Principal actor) {
        Bundle bundle = bundle(reseller, reference);
        Stored to = version(bundle, target);
        record OnVersion(UUID tenantId, int version) {
        }
        List<OnVersion> tenants = database.inPlatform(tx -> Database.list(tx, row -> new OnVersion(Database.uuid(row, "tenant_id"),
                row.column("bundle_version").get(Integer.class)), "SELECT tenant_id, bundle_version FROM marketplace.reseller_tenants WHERE "
                + "reseller_id = ? AND bundle_id = ? AND bundle_version < ? ORDER BY created_at, tenant_id", reseller.id(), bundle.id(), target));
        List<Outcome> outcomes = new ArrayList<>();
        for (OnVersion tenant : tenants) {
            try {
                outcomes.add(move(reseller, bundle, tenant.tenantId(), version(bundle, tenant.version()), to, actor));
            } catch (MarketplaceRefusal | PluginRefusal e) {
                outcomes.add(new Outcome(tenant.tenantId(), tenant.version(), "failed", List.of(), List.of(), e.getMessage()));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome(tenant.tenantId(), tenant.version(), "failed", List.of(), List.of(),
                                         "could not be moved: " + e.getClass().getSimpleName()));
            }
        }
        database.inPlatform(tx -> audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.bundle.rollout",
                "bundle:" + bundle.id(), Map.of("reseller", reseller.id().toString(), "version", target, "tenants", outcomes.size(),
                                                "failed", outcomes.stream().filter(o -> o.outcome().equals("failed")).count()))));
        return outcomes;
    }

    private Outcome move(Reseller reseller, Bundle bundle, UUID tenantId, Stored from, Stored to, Principal actor) {
        Set<String> before = new TreeSet<>();
        from.content().plugins().forEach(p -> before.add(p.id()));
        List<BundleContent.Pinned> added = new ArrayList<>();
        List<PluginManifest> addedCurrent = new ArrayList<>();
        List<Map<String, Object>> awaiting = new ArrayList<>();
        for (BundleContent.Pinned plugin : to.content().plugins()) {
            Optional<PluginStore.TenantPlugin> state = plugins.enablement().tenantPlugin(tenantId, plugin.id());
            if (!before.contains(plugin.id())) {
                if (state.map(PluginStore.TenantPlugin::enabled).orElse(false)) {
                    continue; // enabled by the tenant itself: its grants stay as they are
                }
                added.add(plugin);
                addedCurrent.add(enablable(bundle, to.version(), plugin));
            } else if (state.map(PluginStore.TenantPlugin::enabled).orElse(false)) {
                PluginStore.TenantPlugin enabled = state.get();
                if (older(enabled.activeVersion(), plugin.version())) {
                    // The kernel keeps it on its version: the pinned one asks for what the tenant has not granted.
                    Set<String> pending = new TreeSet<>(plugin.permissionNames());
                    pending.removeAll(enabled.granted());
                    Map<String, Object> waiting = new LinkedHashMap<>();
                    waiting.put("plugin", plugin.id());
                    waiting.put("activeVersion", enabled.activeVersion());
                    waiting.put("version", plugin.version());
                    waiting.put("permissions", plugin.permissions().stream().filter(g -> pending.contains(g.permission()))
                            .map(g -> Map.of("permission", g.permission(), "reason", g.reason())).toList());
                    awaiting.add(waiting);
                }
            }
            // A plugin of the old version the tenant's admin disabled stays disabled: the bundle does not overrule the tenant.
        }
        for (int i = 0; i < added.size(); i++) {
            give(reseller, tenantId, bundle, to.version(), added.get(i), addedCurrent.get(i), actor);
        }
        record(reseller, tenantId, bundle.id(), to.version());
        return new Outcome(tenantId, from.version(), awaiting.isEmpty() ? "upgraded" : "awaiting-consent",
                           added.stream().map(BundleContent.Pinned::id).toList(), awaiting, null);
    }

    private static boolean older(String active, String pinned) {
        try {
            return active == null || Version.parse(active).isLowerThan(Version.parse(pinned));
        } catch (RuntimeException notSemantic) {
            return !pinned.equals(active);
        }
    }

    private static Bundle bundle(DbRow row) {
        return new Bundle(Database.uuid(row, "id"), Database.uuid(row, "reseller_id"), row.column("name").getString(),
                          Database.instant(row, "created_at"));
    }

    private static Stored stored(DbRow row) {
        return new Stored(Database.uuid(row, "bundle_id"), row.column("version").get(Integer.class),
                          BundleContent.read(row.column("plugins").getString(), row.column("branding").getString()),
                          Database.instant(row, "created_at"), row.column("created_by").getString());
    }
}
