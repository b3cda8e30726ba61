package io.voicecore.kernel.plugins.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;

/**
 * Which version of each plugin a tenant uses, with which grants: consent (enable, revoke, disable), quarantine
 * after repeated faults, the tenant's licence judged by the {@link LicenceGate} on every call, and the per-node
 * {@link NearCache} of each tenant's row that every plugin call reads. Changes are persisted and audited, and other
 * nodes learn of them through {@link SharedState} notifications.
 */
public final class TenantEnablement implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TenantEnablement.class.getName());

    /**
     * When repeated faults quarantine a plugin for a tenant.
     *
     * @param faultThreshold faults within {@code faultWindow} that quarantine the plugin
     * @param quarantine     how long a quarantine lasts, unless a tenant admin enables the plugin again
     */
    public record Quarantine(int faultThreshold, Duration faultWindow, Duration quarantine) {
    }

    /**
     * A tenant's enabled plugin, with the version its calls go to.
     *
     * @param standing the tenant's licence standing for this call, always one that serves; its licence is the view
     *                 plugin code reads in {@code PluginContext.licence()}
     */
    public record Admitted(PluginStore.TenantPlugin tenant, LoadedVersion version, LicenceStanding standing) {
    }

    /** The longest licence token {@link #attachLicence} stores. */
    public static final int MAX_LICENCE_CHARS = 8192;

    private final Database database;
    private final PluginStore store;
    private final PluginCatalog catalog;
    private final AuditLog audit;
    private final SharedState state;
    private final Clock clock;
    private final Quarantine quarantine;
    /** Each tenant's row of each plugin, under {@code "<plugin>/<tenant>"}; a plugin that is not enabled caches as empty. */
    private final NearCache cache;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<UUID, String>> licenceWatchers = new CopyOnWriteArrayList<>();
    private final SharedState.Subscription subscription;
    private volatile LicenceGate licenceGate = LicenceGate.OPEN;

    /**
     * @param cache this node's cache of each tenant's row of each plugin (name it alike on every node); its entries' maximum
     *              age bounds how long a node that missed a notification serves a changed enablement
     */
    public TenantEnablement(Database database, PluginStore store, PluginCatalog catalog, AuditLog audit, SharedState state,
                            NearCache cache, Clock clock, Quarantine quarantine) {
        this.database = database;
        this.store = store;
        this.catalog = catalog;
        this.audit = audit;
        this.state = state;
        this.cache = cache;
        this.clock = clock;
        this.quarantine = quarantine;
        catalog.watch(this::pluginChanged);
        this.subscription = state.subscribe(PluginCatalog.CHANNEL, this::onNotification);
    }

    /**
     * Enables a plugin for a tenant with the given grants, which must cover every permission the latest
     * version declares. Also how an admin consents to an upgrade's new permissions, and lifts a quarantine.
     *
     * @throws PluginRefusal {@code NOT_INSTALLED}, or {@code INVALID_INPUT} when the grants are not exactly what it declares
     */
    public PluginStore.TenantPlugin enable(UUID tenantId, String pluginId, Set<String> granted, Principal actor) {
        PluginManifest manifest = catalog.installed(pluginId).orElseThrow(() -> PluginRefusal.notInstalled(pluginId));
        Set<String> unknown = new TreeSet<>(granted);
        unknown.removeAll(manifest.permissionNames());
        Set<String> missing = new TreeSet<>(manifest.permissionNames());
        missing.removeAll(granted);
        List<PluginRefusal.FieldError> errors = new ArrayList<>();
        if (!unknown.isEmpty()) {
            errors.add(new PluginRefusal.FieldError("grantedPermissions", "plugin '" + pluginId + "' does not declare " + unknown));
        }
        if (!missing.isEmpty()) {
            errors.add(new PluginRefusal.FieldError("grantedPermissions", "must grant every permission plugin '" + pluginId
                    + "' " + manifest.version() + " declares; missing " + missing));
        }
        if (!errors.isEmpty()) {
            throw PluginRefusal.invalid(errors);
        }
        PluginStore.TenantPlugin enabled = new PluginStore.TenantPlugin(tenantId, pluginId, true, Set.copyOf(granted),
                                                                        manifest.version(), null, null);
        Optional<PluginStore.TenantPlugin> previous = database.inTenant(tenantId, tx -> {
            Optional<PluginStore.TenantPlugin> before = store.tenantPlugin(tx, tenantId, pluginId);
            // The row keeps its licence (the upsert leaves it), so a plugin enabled again is served under it.
            store.upsertTenant(tx, enabled);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), before.map(b -> b.enabled()).orElse(false)
                    ? "plugin.grant" : "plugin.enable", "plugin:" + pluginId,
                    Map.of("version", manifest.version(), "granted", String.join(",", new TreeSet<>(granted)))));
            return before;
        });
        invalidate(tenantId, pluginId);
        // Consent may have moved the last tenant off an older version: stop it once idle.
        previous.map(PluginStore.TenantPlugin::activeVersion).filter(v -> v != null && !v.equals(manifest.version()))
                .ifPresent(old -> catalog.retireIfUnused(pluginId, old));
        return enabled.withLicence(previous.map(PluginStore.TenantPlugin::licence).orElse(null));
    }

    /**
     * Withdraws one permission from a plugin the tenant has enabled. The plugin stays enabled; whatever needs
     * the permission fails with a permission error from then on (and services acting for the plugin are
     * refused it too). Granting it back is a {@link #enable} with every permission.
     *
     * @throws PluginRefusal {@code NOT_ENABLED}, or {@code PERMISSION_NOT_DECLARED}
     */
    public PluginStore.TenantPlugin revoke(UUID tenantId, String pluginId, String permission, Principal actor) {
        PluginStore.TenantPlugin before = tenantPlugin(tenantId, pluginId).filter(PluginStore.TenantPlugin::enabled)
                .orElseThrow(() -> PluginRefusal.notEnabled(pluginId));
        PluginManifest active = versionFor(tenantId, pluginId).orElseThrow(() -> PluginRefusal.notEnabled(pluginId)).manifest();
        if (!active.declares(permission)) {
            throw PluginRefusal.of(PluginRefusal.Reason.PERMISSION_NOT_DECLARED, "Plugin '" + pluginId + "' " + active.version()
                    + " does not declare the permission '" + permission + "'; it declares " + new TreeSet<>(active.permissionNames()) + ".");
        }
        Set<String> remaining = new TreeSet<>(before.granted());
        remaining.remove(permission);
        PluginStore.TenantPlugin revoked = new PluginStore.TenantPlugin(tenantId, pluginId, true, remaining, before.activeVersion(),
                                                                        before.quarantinedUntil(), before.quarantineReason(),
                                                                        before.licence());
        database.inTenant(tenantId, tx -> {
            store.upsertTenant(tx, revoked);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.revoke", "plugin:" + pluginId,
                    Map.of("permission", permission, "granted", String.join(",", remaining))));
            return null;
        });
        invalidate(tenantId, pluginId);
        return revoked;
    }

    /**
     * Disables a plugin for a tenant; its data stays.
     *
     * @throws PluginRefusal {@code NOT_ENABLED}
     */
    public PluginStore.TenantPlugin disable(UUID tenantId, String pluginId, Principal actor) {
        PluginStore.TenantPlugin before = tenantPlugin(tenantId, pluginId).filter(PluginStore.TenantPlugin::enabled)
                .orElseThrow(() -> PluginRefusal.notEnabled(pluginId));
        PluginStore.TenantPlugin disabled = new PluginStore.TenantPlugin(tenantId, pluginId, false, before.granted(),
                                                                         before.activeVersion(), null, null, before.licence());
        database.inTenant(tenantId, tx -> {
            store.upsertTenant(tx, disabled);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.disable", "plugin:" + pluginId, Map.of()));
            return null;
        });
        invalidate(tenantId, pluginId);
        return disabled;
    }

    /**
     * Sets the gate that judges tenants' licences on every call, instead of {@link LicenceGate#OPEN}. Meant to be
     * set once at start-up, before plugins are called (the marketplace plugs its gate in here); a call judges with
     * the gate set when it is admitted.
     */
    public void useLicenceGate(LicenceGate gate) {
        this.licenceGate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * Attaches a licence token to a tenant's enablement of a plugin, replacing any earlier one, audited as
     * {@code plugin.licence} with the token's fingerprint (never the token). Every node forgets its cached row at once,
     * so the next call is judged under the new licence, and the {@linkplain #watchLicences licence watchers} of every
     * node are told, so the events held while the licence refused are delivered now rather than after their hold.
     * The token is stored as given: the gate judges it on every call, so a token that does not serve is refused then,
     * with the reason.
     *
     * @param token the token as the marketplace issued it, at most {@value #MAX_LICENCE_CHARS} characters
     * @throws PluginRefusal {@code NOT_ENABLED} when the plugin is not enabled for the tenant, {@code INVALID_INPUT}
     *                       for a blank or overlong token
     */
    public void attachLicence(UUID tenantId, String pluginId, String token, Principal actor) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank() || token.length() > MAX_LICENCE_CHARS) {
            throw PluginRefusal.invalid(List.of(new PluginRefusal.FieldError("licence", "must be a licence token of 1 to "
                    + MAX_LICENCE_CHARS + " characters, as the marketplace issued it")));
        }
        LicenceStanding standing = licenceGate.standing(tenantId, pluginId, Optional.of(token));
        boolean attached = database.inTenant(tenantId, tx -> {
            if (!store.setLicence(tx, tenantId, pluginId, token)) {
                return false;
            }
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.licence", "plugin:" + pluginId,
                    Map.of("fingerprint", licenceFingerprint(token), "standing", standing.kind().name().toLowerCase(java.util.Locale.ROOT))));
            return true;
        });
        if (!attached) {
            throw PluginRefusal.notEnabled(pluginId);
        }
        cache.invalidate(key(tenantId, pluginId));
        changed();
        state.publish(PluginCatalog.CHANNEL, "licence " + tenantId + " " + pluginId);
        licenceAttached(tenantId, pluginId);
    }

    /** What identifies a licence token in the audit log without revealing it: the start of its SHA-256. */
    public static String licenceFingerprint(String token) {
        return "sha256:" + Sha256.hex(token).substring(0, 16);
    }

    /**
     * Asks to be told, on this node, whenever a licence was attached to a tenant's enablement of a plugin here or
     * on another node, with the tenant and the plugin (e.g. to deliver the events held while the licence refused).
     * Called after this node's cache forgot the row. The watcher must return quickly.
     */
    public void watchLicences(BiConsumer<UUID, String> watcher) {
        licenceWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    /** The tenant's row of the plugin, from this node's cache. */
    public Optional<PluginStore.TenantPlugin> tenantPlugin(UUID tenantId, String pluginId) {
        // Held as an Optional inside the cache, so a plugin the tenant has not enabled is cached too (as empty).
        Optional<Optional<PluginStore.TenantPlugin>> row = cache.get(key(tenantId, pluginId),
                () -> Optional.of(database.inTenant(tenantId, tx -> store.tenantPlugin(tx, tenantId, pluginId))));
        return row.orElseThrow();
    }

    /**
     * Forgets what this node and every other node cached about a tenant's enablement of a plugin, so the
     * next call reads it again from the database: for a change made to that row outside the runtime.
     */
    public void refreshTenant(UUID tenantId, String pluginId) {
        invalidate(tenantId, pluginId);
    }

    /**
     * The plugin as a tenant may call it now: enabled, its version loaded, not quarantined, and a licence standing
     * that serves. The standing is judged anew on every call (the gate caches what is costly), so a licence stops
     * serving at the instant it expires.
     *
     * @throws PluginRefusal     {@code NOT_ENABLED}; {@code LICENCE_EXPIRED}, {@code LICENCE_INVALID} or
     *                           {@code LICENCE_REQUIRED} when the licence refuses
     * @throws PluginCallFailure {@code QUARANTINED}
     */
    public Admitted admit(UUID tenantId, String pluginId) {
        PluginStore.TenantPlugin tenant = tenantPlugin(tenantId, pluginId).orElseThrow(() -> PluginRefusal.notEnabled(pluginId));
        LoadedVersion version = versionFor(tenant, pluginId).orElseThrow(() -> PluginRefusal.notEnabled(pluginId));
        Optional<PluginCallFailure> quarantined = quarantineOf(tenant);
        if (quarantined.isPresent()) {
            throw quarantined.get();
        }
        LicenceStanding standing = licenceStanding(tenant);
        if (!standing.serves()) {
            throw licenceRefusal(pluginId, standing);
        }
        return new Admitted(tenant, version, standing);
    }

    /** Where the tenant's licence of the plugin stands now, as the licence gate judges the token on the row. */
    public LicenceStanding licenceStanding(PluginStore.TenantPlugin tenant) {
        return licenceGate.standing(tenant.tenantId(), tenant.pluginId(), tenant.licenceToken());
    }

    /** The refusal a call gets now for the tenant's licence of the plugin; empty while the licence serves. */
    public Optional<PluginRefusal> licenceRefusalOf(PluginStore.TenantPlugin tenant) {
        LicenceStanding standing = licenceStanding(tenant);
        return standing.serves() ? Optional.empty() : Optional.of(licenceRefusal(tenant.pluginId(), standing));
    }

    /** A refused standing as the refusal the caller sees: what happened, and what a tenant admin does about it. */
    private static PluginRefusal licenceRefusal(String pluginId, LicenceStanding standing) {
        String detail = standing.detail().strip();
        detail = detail.endsWith(".") ? detail.substring(0, detail.length() - 1) : detail;
        String events = " Events for the plugin wait and are delivered then.";
        return switch (standing.kind()) {
            case EXPIRED -> PluginRefusal.licence(PluginRefusal.Reason.LICENCE_EXPIRED, pluginId, "The licence of plugin '"
                    + pluginId + "' for this tenant has expired: " + detail + ". A tenant admin can renew it in the marketplace;"
                    + " the plugin serves again as soon as the renewed licence is attached." + events);
            case INVALID -> PluginRefusal.licence(PluginRefusal.Reason.LICENCE_INVALID, pluginId, "The licence attached for plugin '"
                    + pluginId + "' does not serve this tenant: " + detail + ". A tenant admin can renew the licence in the"
                    + " marketplace, which attaches a valid one." + events);
            case REQUIRED -> PluginRefusal.licence(PluginRefusal.Reason.LICENCE_REQUIRED, pluginId, "Plugin '" + pluginId
                    + "' needs a licence for this tenant: " + detail + ". A tenant admin can buy one or start a trial in the"
                    + " marketplace, which attaches it." + events);
            case SERVING, IN_GRACE -> throw new IllegalArgumentException("a standing that serves is no refusal: " + standing.kind());
        };
    }

    /** The version a tenant's calls go to: its active version, if the plugin is enabled and that version is loaded. */
    public Optional<LoadedVersion> versionFor(UUID tenantId, String pluginId) {
        return tenantPlugin(tenantId, pluginId).flatMap(tenant -> versionFor(tenant, pluginId));
    }

    private Optional<LoadedVersion> versionFor(PluginStore.TenantPlugin tenant, String pluginId) {
        return Optional.of(tenant).filter(PluginStore.TenantPlugin::enabled)
                .flatMap(t -> catalog.loaded(pluginId, t.activeVersion()))
                .filter(v -> !v.retired() || v.inFlight() > 0);
    }

    /** The failure a call gets while the tenant's row says the plugin is quarantined, with when to retry; empty if it is not. */
    public Optional<PluginCallFailure> quarantineOf(PluginStore.TenantPlugin tenant) {
        if (!tenant.quarantined(clock.instant())) {
            return Optional.empty();
        }
        String pluginId = tenant.pluginId();
        return Optional.of(PluginCallFailure.quarantined(pluginId, "Plugin '" + pluginId + "' is quarantined for this tenant until "
                + tenant.quarantinedUntil() + " after repeated faults (" + tenant.quarantineReason() + "); a tenant admin can"
                + " re-enable it.", Math.max(1, Duration.between(clock.instant(), tenant.quarantinedUntil()).toSeconds())));
    }

    /** Counts a fault of the plugin for the tenant, across nodes; enough of them within the window quarantine it. */
    void countFault(UUID tenantId, String pluginId, PluginCallFailure failure) {
        long faults = state.increment("plugin-faults:" + tenantId + ":" + pluginId, quarantine.faultWindow().toSeconds());
        if (faults >= quarantine.faultThreshold()) {
            quarantine(tenantId, pluginId, quarantine.faultThreshold() + " faults within " + quarantine.faultWindow().toSeconds()
                                           + " s, last: " + failure.kind().type());
        }
    }

    private void quarantine(UUID tenantId, String pluginId, String reason) {
        Optional<PluginStore.TenantPlugin> tenant = tenantPlugin(tenantId, pluginId);
        if (tenant.isEmpty() || tenant.get().quarantined(clock.instant())) {
            return;
        }
        Instant until = clock.instant().plus(quarantine.quarantine());
        PluginStore.TenantPlugin quarantined = new PluginStore.TenantPlugin(tenantId, pluginId, true, tenant.get().granted(),
                                                                            tenant.get().activeVersion(), until, reason,
                                                                            tenant.get().licence());
        database.inTenant(tenantId, tx -> {
            store.upsertTenant(tx, quarantined);
            audit.append(tx, new AuditEvent(tenantId, "kernel", "plugin.quarantine", "plugin:" + pluginId, "success",
                                            Map.of("until", until.toString(), "reason", reason)));
            return null;
        });
        state.delete("plugin-faults:" + tenantId + ":" + pluginId);
        invalidate(tenantId, pluginId);
        LOG.warning(() -> "Plugin " + pluginId + " quarantined for tenant " + tenantId + " until " + until + ": " + reason);
    }

    /** Every enabled tenant of the plugin that granted {@code permission} (platform scope). */
    public List<UUID> tenantsGranting(String pluginId, String permission) {
        return database.inPlatform(tx -> store.enabledTenants(tx, pluginId)).stream()
                .filter(t -> t.granted().contains(permission)).map(PluginStore.TenantPlugin::tenantId).toList();
    }

    /**
     * Asks to be told, on this node, whenever some tenant's enablement, grants, quarantine or version of some
     * plugin may have changed here or on another node (e.g. to end streams the tenant may no longer hold).
     * The watcher must return quickly.
     */
    public void watch(Runnable watcher) {
        watchers.add(watcher);
    }

    private static String key(UUID tenantId, String pluginId) {
        return pluginId + "/" + tenantId;
    }

    private void invalidate(UUID tenantId, String pluginId) {
        cache.invalidate(key(tenantId, pluginId));
        changed();
        state.publish(PluginCatalog.CHANNEL, "tenant " + tenantId + " " + pluginId);
    }

    /** The plugin's versions changed (install, upgrade, uninstall): every tenant's row of it may name another version. */
    private void pluginChanged(String pluginId) {
        // Every node hears of the change through the catalog's channel and runs this itself.
        cache.forgetPrefixOnThisNode(pluginId + "/");
        changed();
    }

    private void onNotification(String message) {
        String[] parts = message.split(" ");
        switch (parts[0]) {
            case "tenant" -> {
                // The cache's own notification may come later: forget now, so the watchers read the changed row.
                cache.forgetOnThisNode(key(UUID.fromString(parts[1]), parts[2]));
                changed();
            }
            case "licence" -> {
                UUID tenantId = UUID.fromString(parts[1]);
                cache.forgetOnThisNode(key(tenantId, parts[2]));
                changed();
                licenceAttached(tenantId, parts[2]);
            }
            case SharedState.MESSAGES_MAY_BE_LOST -> {
                cache.forgetAllOnThisNode();
                changed();
                LOG.warning("Plugin notifications from other nodes may have been lost; every tenant's enablement is read again.");
            }
            default -> LOG.fine(() -> "Plugin notification for others: " + message);
        }
    }

    private void changed() {
        for (Runnable watcher : watchers) {
            try {
                watcher.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An enablement watcher failed", e);
            }
        }
    }

    private void licenceAttached(UUID tenantId, String pluginId) {
        for (BiConsumer<UUID, String> watcher : licenceWatchers) {
            try {
                watcher.accept(tenantId, pluginId);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A licence watcher failed", e);
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
