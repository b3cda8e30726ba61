package io.voicecore.kernel.plugins.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.config.KernelVersion;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginDispatcher;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.BatchEventHandler;
import io.voicecore.sdk.EventHandler;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.ServiceFactory;
import io.voicecore.sdk.capability.Services;
import io.voicecore.kernel.plugins.manifest.VersionRange;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

/**
 * The plugin runtime: which versions are loaded, which version each tenant uses with which grants, and
 * every call into plugin code (routes, events, jobs, services) through {@link PluginInvoker}'s
 * containment. Installs, upgrades and enablement are persisted and audited; other kernel nodes learn of
 * them through {@link SharedState} notifications.
 */
public final class PluginRuntime implements PluginDispatcher, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginRuntime.class.getName());
    private static final String CHANNEL = "plugins";

    /**
     * Runtime settings.
     *
     * @param maxTimeout                the longest deadline an ordinary call may ask for
     * @param allocationQuotaBytes      what one call may allocate in total, before any streaming credit
     * @param maxBodyBytes              the largest request body of an ordinary route ({@code http.max-body-bytes})
     * @param maxStreamBytes            the largest request body of a streaming route ({@code plugins.max-stream-bytes})
     * @param maxStreamTimeout          the longest deadline a streaming route may ask for ({@code plugins.max-stream-timeout})
     * @param allocationPerStreamedByte how much a call's allocation allowance grows per byte it streams in or out
     */
    public record Settings(Duration maxTimeout, int maxConcurrency, long allocationQuotaBytes, int faultThreshold,
                           Duration faultWindow, Duration quarantine, long maxBodyBytes, long maxStreamBytes,
                           Duration maxStreamTimeout, long allocationPerStreamedByte) {
        /**
         * Allocation allowed per byte streamed. Measured on the CRM import (docs/benchmarks.md): parsing, validating and
         * storing a CSV row allocates 6 to 14 KB whatever its width, so 180 times the size of a 75-byte row and 800 times
         * that of a 7-byte one; the factor covers narrow rows too and still ties a call to the data it actually moves.
         */
        public static final long DEFAULT_ALLOCATION_PER_STREAMED_BYTE = 1024;

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), 64, 64L * 1024 * 1024, 5, Duration.ofMinutes(1), Duration.ofMinutes(5),
                                1024 * 1024, 256L * 1024 * 1024, Duration.ofMinutes(10), DEFAULT_ALLOCATION_PER_STREAMED_BYTE);
        }

        /** The same settings with the kernel's configured body limits and streaming deadline. */
        public Settings withBodyLimits(long maxBodyBytes, long maxStreamBytes, Duration maxStreamTimeout) {
            return new Settings(maxTimeout, maxConcurrency, allocationQuotaBytes, faultThreshold, faultWindow, quarantine,
                                maxBodyBytes, maxStreamBytes, maxStreamTimeout, allocationPerStreamedByte);
        }
    }

    /** What an install did. */
    public record Installed(PluginManifest manifest, Optional<String> previousVersion, int tenantsMoved,
                            int tenantsAwaitingConsent) {
    }

    private final Database database;
    private final PluginStore store = new PluginStore();
    private final PluginInspector inspector;
    private final VerificationSeals seals;
    private final PluginLoader loader;
    private final PluginInvoker invoker;
    private final CapabilityFactory capabilities;
    private final AuditLog audit;
    private final SharedState state;
    private final Clock clock;
    private final Settings settings;
    private final VersionManager versions = new DefaultVersionManager();
    private final Map<String, LoadedVersion> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final TenantPluginCache tenantCache = new TenantPluginCache();
    private final SharedState.Subscription subscription;
    private final Object installLock = new Object();
    private final List<Runnable> enablementWatchers = new CopyOnWriteArrayList<>();

    /**
     * @param secrets seals the record that a version's jar passed verification, so a restart may trust it
     */
    public PluginRuntime(Database database, PluginInspector inspector, SecretBox secrets, java.nio.file.Path cacheDir,
                         CapabilityFactory capabilities, AuditLog audit, SharedState state, Clock clock, Settings settings) {
        this.database = database;
        this.inspector = inspector;
        this.seals = new VerificationSeals(secrets);
        this.invoker = new PluginInvoker(256);
        this.loader = new PluginLoader(cacheDir, invoker, new PluginInvoker.Limits(Duration.ofSeconds(10), 4,
                                                                                    settings.allocationQuotaBytes()));
        this.capabilities = capabilities;
        this.audit = audit;
        this.state = state;
        this.clock = clock;
        this.settings = settings;
        this.subscription = state.subscribe(CHANNEL, this::onNotification);
    }

    /**
     * Loads every version in use (at start-up). A version that fails to load is logged and skipped.
     *
     * <p>Versions load in parallel, in waves: a consumer after every stored version of the providers it requires
     * (it needs their exported packages). Each jar's bytes must match their stored sha256; their bytecode is verified
     * again unless the version's verification seal vouches for these bytes under the current verifier.
     */
    public void loadInstalled() {
        List<PluginStore.StoredVersion> stored = database.inPlatform(store::versionsInUse);
        current.putAll(database.inPlatform(store::currentVersions));
        int threads = Math.max(1, Math.min(stored.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, startupThreads());
        Map<String, RuntimeException> failures = new ConcurrentSkipListMap<>();
        List<Reverified> reverified = new CopyOnWriteArrayList<>();
        try {
            Map<PluginStore.StoredVersion, PluginManifest> parsed = new ConcurrentHashMap<>();
            runAll(pool, stored, version -> {
                try {
                    parsed.put(version, inspector.parseInstalled(version.manifestYaml()));
                } catch (RuntimeException e) {
                    failures.put(version.pluginId() + " " + version.version(), e);
                }
            });
            Map<PluginStore.StoredVersion, PluginManifest> pending = new LinkedHashMap<>();
            stored.stream().filter(parsed::containsKey).forEach(version -> pending.put(version, parsed.get(version)));
            while (!pending.isEmpty()) {
                Set<String> waiting = new HashSet<>();
                pending.keySet().forEach(version -> waiting.add(version.pluginId()));
                List<PluginStore.StoredVersion> wave = new ArrayList<>(pending.entrySet().stream()
                        .filter(e -> e.getValue().requires().stream().noneMatch(r -> !r.plugin().equals(e.getKey().pluginId())
                                                                                    && waiting.contains(r.plugin())))
                        .map(Map.Entry::getKey).toList());
                if (wave.isEmpty()) {
                    wave.addAll(pending.keySet()); // a cycle: load what can be, as one wave; the rest fails and is logged
                }
                runAll(pool, wave, version -> {
                    try {
                        loadStored(version, parsed.get(version)).ifPresent(reverified::add);
                    } catch (RuntimeException e) {
                        failures.put(version.pluginId() + " " + version.version(), e);
                    }
                });
                wave.forEach(pending::remove);
            }
        } finally {
            pool.shutdownNow();
        }
        if (!reverified.isEmpty()) {
            database.inPlatform(tx -> {
                reverified.forEach(r -> store.setVerification(tx, r.pluginId(), r.version(), r.sha256(), r.seal()));
                return null;
            });
            LOG.info(() -> reverified.size() + " installed plugin version(s) verified again (new or changed verifier rules)");
        }
        failures.forEach((version, e) -> LOG.log(Level.SEVERE, "Plugin " + version + " failed to load; it is skipped", e));
        LOG.info(() -> "Plugin runtime ready with " + loaded.size() + " loaded plugin version(s)");
    }

    /** A version verified again at start-up, and its new seal. */
    private record Reverified(String pluginId, String version, String sha256, byte[] seal) {
    }

    private static void runAll(ExecutorService pool, List<PluginStore.StoredVersion> versions,
                               Consumer<PluginStore.StoredVersion> work) {
        List<Future<?>> running = new ArrayList<>();
        versions.forEach(version -> running.add(pool.submit(() -> work.accept(version))));
        for (Future<?> task : running) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading plugins", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("loading plugins failed", e.getCause());
            }
        }
    }

    private static ThreadFactory startupThreads() {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "plugin-load-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** @return the version's new seal when its jar had to be verified again */
    private Optional<Reverified> loadStored(PluginStore.StoredVersion version, PluginManifest manifest) {
        String key = version.pluginId() + "@" + version.version();
        LoadedVersion existing = loaded.get(key);
        if (existing != null && !existing.retired()) {
            return Optional.empty();
        }
        if (!Sha256.hex(version.jar()).equals(version.sha256())) {
            throw new PluginLoadException("the stored jar of plugin " + key + " does not match the sha256 recorded when it was"
                                          + " installed (" + version.sha256() + "); it was altered and is not loaded");
        }
        PluginInspector.Inspected inspected = inspector.reinspect(version.jar(), manifest, version.manifestYaml(),
                exportedPackagesFor(manifest),
                fingerprint -> seals.vouches(version.verification(), version.pluginId(), version.version(), version.sha256(), fingerprint));
        LoadedVersion fresh = loader.load(inspected.manifest(), version.jar(), version.sha256(), exportedLoadersFor(inspected.manifest()));
        loaded.put(key, fresh);
        return inspected.verifiedNow()
                ? Optional.of(new Reverified(version.pluginId(), version.version(), version.sha256(),
                                             seals.seal(version.pluginId(), version.version(), version.sha256(), inspected.verifiedWith())))
                : Optional.empty();
    }

    // ---------------------------------------------------------------- installation

    /**
     * Installs a plugin jar, or a newer version of an installed plugin. Tenants whose grants cover the new
     * version's permissions move to it at once; the others stay on their version until an admin grants more.
     */
    public Installed install(byte[] jar, Principal actor) {
        synchronized (installLock) {
            // The very bytes of a loaded version: it was inspected and verified when installed (and its bytes checked
            // against their sha256 when loaded at start-up), and its version cannot be newer than itself. Answer as for any version that is not newer, without
            // verifying it once more (the plugin directories offer every installed jar again at each start).
            String sha = Sha256.hex(jar);
            Optional<LoadedVersion> same = loaded.values().stream().filter(v -> !v.retired() && v.jarSha256.equals(sha)).findFirst();
            if (same.isPresent()) {
                PluginManifest manifest = same.get().manifest;
                String installed = current.getOrDefault(manifest.id(), manifest.version());
                throw new ApiException.Conflict("plugin-version-not-newer", "Plugin '" + manifest.id() + "' is installed at version "
                        + installed + "; upload a higher version to upgrade (got " + manifest.version() + ").");
            }
            // Compatibility (kernel range, required providers) is checked between parsing and verification:
            // the verifier needs the providers' exported packages.
            PluginInspector.Inspected inspected = inspector.inspect(jar, parsed -> {
                checkCompatible(parsed);
                return exportedPackagesFor(parsed);
            });
            PluginManifest manifest = inspected.manifest();
            Optional<String> previous = Optional.ofNullable(current.get(manifest.id()));
            if (previous.isPresent() && versions.compareVersions(manifest.version(), previous.get()) <= 0) {
                throw new ApiException.Conflict("plugin-version-not-newer", "Plugin '" + manifest.id() + "' is installed at version "
                        + previous.get() + "; upload a higher version to upgrade (got " + manifest.version() + ").");
            }
            LoadedVersion version;
            try {
                version = loader.load(manifest, jar, sha, exportedLoadersFor(manifest));
            } catch (PluginLoadException e) {
                throw new PluginRejectedException("startup", e.getMessage(), List.of(Map.of("reason", e.getMessage())));
            }
            int[] moved = {0, 0};
            try {
                capabilities.prepare(manifest, version.classLoader);
                byte[] seal = seals.seal(manifest.id(), manifest.version(), sha, inspected.verifiedWith());
                database.inPlatform(tx -> {
                    if (!store.insertVersion(tx, manifest.id(), manifest.version(), inspected.manifestYaml(), jar, sha, seal,
                                             actor.actorId())) {
                        throw new ApiException.Conflict("plugin-version-not-newer", "Plugin '" + manifest.id() + "' "
                                + manifest.version() + " is already installed; upload a higher version to upgrade.");
                    }
                    store.setCurrent(tx, manifest.id(), manifest.version());
                    for (PluginStore.TenantPlugin tenant : store.enabledTenants(tx, manifest.id())) {
                        if (tenant.granted().containsAll(manifest.permissionNames())) {
                            store.upsertTenant(tx, withVersion(tenant, manifest.version()));
                            moved[0]++;
                        } else {
                            moved[1]++;
                        }
                    }
                    audit.append(tx, AuditEvent.success(null, actor.actorId(), previous.isPresent() ? "plugin.upgrade" : "plugin.install",
                            "plugin:" + manifest.id(), Map.of("version", manifest.version(), "previousVersion", previous.orElse(""),
                                                              "sha256", sha, "permissions", String.join(",", new TreeSet<>(manifest.permissionNames())))));
                    return null;
                });
            } catch (RuntimeException e) {
                version.retire();
                throw e;
            }
            loaded.put(version.key(), version);
            current.put(manifest.id(), manifest.version());
            tenantCache.invalidateAll(manifest.id());
            previous.ifPresent(old -> retireIfUnused(manifest.id(), old));
            enablementChanged();
            state.publish(CHANNEL, "installed " + manifest.id() + " " + manifest.version());
            LOG.info(() -> "Installed plugin " + version.key() + previous.map(p -> " (was " + p + ")").orElse(""));
            return new Installed(manifest, previous, moved[0], moved[1]);
        }
    }

    /** Removes a plugin: disabled for every tenant, all versions stopped once idle. Its data is kept. */
    public void uninstall(String pluginId, Principal actor) {
        synchronized (installLock) {
            if (!current.containsKey(pluginId)) {
                throw notInstalled(pluginId);
            }
            database.inPlatform(tx -> {
                store.deletePlugin(tx, pluginId);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "plugin.uninstall", "plugin:" + pluginId, Map.of()));
                return null;
            });
            current.remove(pluginId);
            loaded.values().stream().filter(v -> v.manifest.id().equals(pluginId)).forEach(LoadedVersion::retire);
            loaded.keySet().removeIf(k -> k.startsWith(pluginId + "@"));
            tenantCache.invalidateAll(pluginId);
            capabilities.release(pluginId);
            enablementChanged();
            state.publish(CHANNEL, "uninstalled " + pluginId);
        }
    }

    private void checkCompatible(PluginManifest manifest) {
        if (!VersionRange.parse(manifest.kernel()).includes(KernelVersion.CURRENT)) {
            throw new PluginRejectedException("compatibility", "Plugin '" + manifest.id() + "' supports kernel versions "
                    + manifest.kernel() + ", but this kernel is " + KernelVersion.CURRENT + ".",
                    List.of(Map.of("field", "kernel", "reason", "does not include " + KernelVersion.CURRENT)));
        }
        List<Map<String, Object>> missing = new ArrayList<>();
        for (PluginManifest.ServiceRequirement requirement : manifest.requires()) {
            Optional<LoadedVersion> provider = currentVersion(requirement.plugin());
            if (provider.isEmpty()) {
                missing.add(Map.of("field", "services.requires", "reason", "plugin '" + requirement.plugin() + "' is not installed"));
            } else if (!VersionRange.parse(requirement.versionRange()).includes(provider.get().manifest.version())) {
                missing.add(Map.of("field", "services.requires", "reason", "plugin '" + requirement.plugin() + "' is at "
                        + provider.get().manifest.version() + ", outside " + requirement.versionRange()));
            } else if (!provider.get().manifest.exports().contains(requirement.service())) {
                missing.add(Map.of("field", "services.requires", "reason", "plugin '" + requirement.plugin() + "' does not export "
                        + requirement.service()));
            }
        }
        for (String library : manifest.libraries()) {
            if (!PlatformLibrary.knownNames().contains(library)) {
                missing.add(Map.of("field", "libraries", "reason", "'" + library + "' is not a platform library of this kernel; known: "
                                                                   + String.join(", ", PlatformLibrary.knownNames())));
            }
        }
        if (!missing.isEmpty()) {
            throw new PluginRejectedException("compatibility", "Plugin '" + manifest.id() + "' needs services or libraries that are"
                                                               + " not available.", missing);
        }
    }

    /** What the verifier lets the plugin reference beyond its jar, the SDK and the JDK: services it requires, libraries it names. */
    private Set<String> exportedPackagesFor(PluginManifest manifest) {
        Set<String> packages = new HashSet<>(exportedLoadersFor(manifest).keySet());
        manifest.libraries().forEach(library -> packages.addAll(PlatformLibrary.named(library).packages()));
        return packages;
    }

    private Map<String, ClassLoader> exportedLoadersFor(PluginManifest manifest) {
        Map<String, ClassLoader> packages = new HashMap<>();
        for (PluginManifest.ServiceRequirement requirement : manifest.requires()) {
            currentVersion(requirement.plugin()).ifPresent(provider ->
                    packages.put(PluginClassPolicy.packageOf(requirement.service()), provider.classLoader));
        }
        return packages;
    }

    private void retireIfUnused(String pluginId, String version) {
        boolean inUse = database.inPlatform(tx -> store.enabledTenants(tx, pluginId)).stream()
                .anyMatch(t -> version.equals(t.activeVersion()));
        if (!inUse && !version.equals(current.get(pluginId))) {
            LoadedVersion old = loaded.remove(pluginId + "@" + version);
            if (old != null) {
                old.retire();
            }
        }
    }

    // ---------------------------------------------------------------- tenants

    /**
     * Enables a plugin for a tenant with the given grants, which must cover every permission the latest
     * version declares. Also how an admin consents to an upgrade's new permissions, and lifts a quarantine.
     */
    public PluginStore.TenantPlugin enable(UUID tenantId, String pluginId, Set<String> granted, Principal actor) {
        PluginManifest manifest = currentVersion(pluginId).orElseThrow(() -> notInstalled(pluginId)).manifest;
        Set<String> unknown = new TreeSet<>(granted);
        unknown.removeAll(manifest.permissionNames());
        Set<String> missing = new TreeSet<>(manifest.permissionNames());
        missing.removeAll(granted);
        List<ApiException.FieldError> errors = new ArrayList<>();
        if (!unknown.isEmpty()) {
            errors.add(new ApiException.FieldError("grantedPermissions", "plugin '" + pluginId + "' does not declare " + unknown));
        }
        if (!missing.isEmpty()) {
            errors.add(new ApiException.FieldError("grantedPermissions", "must grant every permission plugin '" + pluginId
                    + "' " + manifest.version() + " declares; missing " + missing));
        }
        if (!errors.isEmpty()) {
            throw new ApiException.Validation(errors);
        }
        PluginStore.TenantPlugin enabled = new PluginStore.TenantPlugin(tenantId, pluginId, true, Set.copyOf(granted),
                                                                        manifest.version(), null, null);
        Optional<PluginStore.TenantPlugin> previous = database.inTenant(tenantId, tx -> {
            Optional<PluginStore.TenantPlugin> before = store.tenantPlugin(tx, tenantId, pluginId);
            store.upsertTenant(tx, enabled);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), before.map(b -> b.enabled()).orElse(false)
                    ? "plugin.grant" : "plugin.enable", "plugin:" + pluginId,
                    Map.of("version", manifest.version(), "granted", String.join(",", new TreeSet<>(granted)))));
            return before;
        });
        invalidate(tenantId, pluginId);
        // Consent may have moved the last tenant off an older version: stop it once idle.
        previous.map(PluginStore.TenantPlugin::activeVersion).filter(v -> v != null && !v.equals(manifest.version()))
                .ifPresent(old -> retireIfUnused(pluginId, old));
        return enabled;
    }

    /**
     * Withdraws one permission from a plugin the tenant has enabled. The plugin stays enabled; whatever needs
     * the permission fails with a permission error from then on (and services acting for the plugin are
     * refused it too). Granting it back is a {@link #enable} with every permission.
     */
    public PluginStore.TenantPlugin revoke(UUID tenantId, String pluginId, String permission, Principal actor) {
        PluginStore.TenantPlugin before = tenantPlugin(tenantId, pluginId).filter(PluginStore.TenantPlugin::enabled)
                .orElseThrow(() -> notEnabled(pluginId));
        PluginManifest active = versionFor(tenantId, pluginId).orElseThrow(() -> notEnabled(pluginId)).manifest;
        if (!active.declares(permission)) {
            throw new ApiException.NotFound("permission-not-declared", "Plugin '" + pluginId + "' " + active.version()
                    + " does not declare the permission '" + permission + "'; it declares " + new TreeSet<>(active.permissionNames()) + ".");
        }
        Set<String> remaining = new TreeSet<>(before.granted());
        remaining.remove(permission);
        PluginStore.TenantPlugin revoked = new PluginStore.TenantPlugin(tenantId, pluginId, true, remaining, before.activeVersion(),
                                                                        before.quarantinedUntil(), before.quarantineReason());
        database.inTenant(tenantId, tx -> {
            store.upsertTenant(tx, revoked);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.revoke", "plugin:" + pluginId,
                    Map.of("permission", permission, "granted", String.join(",", remaining))));
            return null;
        });
        invalidate(tenantId, pluginId);
        return revoked;
    }

    /** Disables a plugin for a tenant; its data stays. */
    public PluginStore.TenantPlugin disable(UUID tenantId, String pluginId, Principal actor) {
        PluginStore.TenantPlugin before = tenantPlugin(tenantId, pluginId).filter(PluginStore.TenantPlugin::enabled)
                .orElseThrow(() -> new ApiException.NotFound("plugin-not-enabled", "Plugin '" + pluginId + "' is not enabled for this tenant."));
        PluginStore.TenantPlugin disabled = new PluginStore.TenantPlugin(tenantId, pluginId, false, before.granted(),
                                                                         before.activeVersion(), null, null);
        database.inTenant(tenantId, tx -> {
            store.upsertTenant(tx, disabled);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.disable", "plugin:" + pluginId, Map.of()));
            return null;
        });
        invalidate(tenantId, pluginId);
        return disabled;
    }

    public Optional<PluginStore.TenantPlugin> tenantPlugin(UUID tenantId, String pluginId) {
        return tenantCache.get(tenantId, pluginId, () -> database.inTenant(tenantId, tx -> store.tenantPlugin(tx, tenantId, pluginId)));
    }

    /**
     * Forgets what this node and every other node cached about a tenant's enablement of a plugin, so the
     * next call reads it again from the database: for a change made to that row outside the runtime.
     */
    public void refreshTenant(UUID tenantId, String pluginId) {
        invalidate(tenantId, pluginId);
    }

    private void invalidate(UUID tenantId, String pluginId) {
        tenantCache.invalidate(tenantId, pluginId);
        enablementChanged();
        state.publish(CHANNEL, "tenant " + tenantId + " " + pluginId);
    }

    private void onNotification(String message) {
        String[] parts = message.split(" ");
        switch (parts[0]) {
            case "tenant" -> {
                tenantCache.invalidate(UUID.fromString(parts[1]), parts[2]);
                enablementChanged();
            }
            case "installed" -> {
                if (!(parts[2].equals(current.get(parts[1])))) {
                    database.inPlatform(tx -> store.version(tx, parts[1], parts[2])).ifPresent(v -> {
                        try {
                            loadStored(v, inspector.parseInstalled(v.manifestYaml()));
                            current.put(parts[1], parts[2]);
                            tenantCache.invalidateAll(parts[1]);
                            enablementChanged();
                        } catch (RuntimeException e) {
                            LOG.log(Level.SEVERE, "Could not load plugin " + parts[1] + " " + parts[2] + " installed on another node", e);
                        }
                    });
                }
            }
            case "uninstalled" -> {
                current.remove(parts[1]);
                capabilities.release(parts[1]);
                tenantCache.invalidateAll(parts[1]);
                enablementChanged();
            }
            case SharedState.MESSAGES_MAY_BE_LOST -> {
                current.keySet().forEach(tenantCache::invalidateAll);
                enablementChanged();
                LOG.warning("Plugin notifications from other nodes may have been lost; every tenant's enablement is read"
                            + " again. A plugin installed or upgraded on another node meanwhile is loaded here on restart.");
            }
            default -> LOG.fine(() -> "Ignoring plugin notification " + message);
        }
    }

    /**
     * Asks to be told, on this node, whenever some tenant's enablement, grants, quarantine or version of some
     * plugin may have changed here or on another node (e.g. to end streams the tenant may no longer hold).
     * The watcher must return quickly.
     */
    public void watchEnablement(Runnable watcher) {
        enablementWatchers.add(watcher);
    }

    private void enablementChanged() {
        for (Runnable watcher : enablementWatchers) {
            try {
                watcher.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An enablement watcher failed", e);
            }
        }
    }

    /** The latest version of every installed plugin. */
    public List<PluginManifest> installed() {
        return current.entrySet().stream().map(e -> loaded.get(e.getKey() + "@" + e.getValue())).filter(java.util.Objects::nonNull)
                .map(v -> v.manifest).sorted(Comparator.comparing(PluginManifest::id)).toList();
    }

    public Optional<PluginManifest> installed(String pluginId) {
        return currentVersion(pluginId).map(v -> v.manifest);
    }

    /** The class loader of a loaded version: the classes its code sees, including services of the plugins it requires. */
    Optional<ClassLoader> classLoader(String pluginId, String version) {
        return Optional.ofNullable(loaded.get(pluginId + "@" + version)).map(v -> v.classLoader);
    }

    private Optional<LoadedVersion> currentVersion(String pluginId) {
        String version = current.get(pluginId);
        return version == null ? Optional.empty() : Optional.ofNullable(loaded.get(pluginId + "@" + version));
    }

    // ---------------------------------------------------------------- calls

    /** Serves a plugin route for a tenant; a streamed response is collected into the returned response's body. */
    public Response serve(UUID tenantId, String pluginId, Request request, String requestId) {
        return serve(tenantId, pluginId, request, requestId, template -> { });
    }

    /**
     * Serves a plugin route for a tenant, telling {@code matchedTemplate} which of the plugin's route templates
     * matched (e.g. for metrics labels) before the handler runs. A streamed response is collected into the returned
     * response's body: for callers that want the whole body anyway, such as tests.
     */
    public Response serve(UUID tenantId, String pluginId, Request request, String requestId,
                          Consumer<String> matchedTemplate) {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        Response response = serve(tenantId, pluginId, request, requestId, matchedTemplate, (status, type, headers) -> buffer);
        return response.streamed() ? new Response(response.status(), response.contentType(), response.headers(), buffer.toByteArray())
                : response;
    }

    /**
     * Serves a plugin route for a tenant.
     *
     * <p>The request's body may be bytes or a stream ({@link Request#streamedBody()}). On an ordinary route a stream
     * is read here, up to {@link Settings#maxBodyBytes()}; on a route declared with {@code stream: true} the plugin
     * reads it itself, unbuffered, up to {@link Settings#maxStreamBytes()}; both answer a larger body with 413. A
     * streamed response ({@code Response.stream}) is written into {@code sink} within the call; the returned response
     * then only says so ({@link Response#streamed()}) and the caller ends the body.
     *
     * @param matchedTemplate told which of the plugin's route templates matched, before the handler runs
     * @param sink            where a streamed response goes; opened on the plugin call's thread
     * @throws ApiException      for an unknown route or a body over its limit
     * @throws io.voicecore.sdk.PluginProblem what the plugin answered as a problem
     * @throws PluginCallFailure when the call failed; if {@code sink} was opened, the body must be cut off
     */
    public Response serve(UUID tenantId, String pluginId, Request request, String requestId,
                          Consumer<String> matchedTemplate, ResponseSink sink) {
        StreamExchange exchange = new StreamExchange();
        Response response;
        try {
            response = call(tenantId, pluginId, Optional.of(request.caller()), requestId, "route " + request.method() + " " + request.path(),
                    (version, context) -> {
                        RouteTable.Match match = version.routes.match(request.method(), request.path()).orElseThrow(() ->
                                version.routes.pathExists(request.path())
                                        ? new ApiException.NotFound("route-not-found", "Plugin '" + pluginId + "' does not serve "
                                                                    + request.method() + " on " + request.path() + ".")
                                        : new ApiException.NotFound("route-not-found", "Plugin '" + pluginId + "' has no route "
                                                                    + request.path() + "."));
                        matchedTemplate.accept(match.entry().template());
                        PluginManifest.Route declared = match.entry().declared();
                        Request routed = declared.stream() ? streamingRequest(request, match, exchange)
                                : new Request(request.method(), request.path(), match.params(), request.queryParams(),
                                              request.headers(), readBody(request), request.caller());
                        java.util.concurrent.Callable<Response> work = () -> {
                            Response answered = match.entry().handler().handle(routed, context);
                            if (answered.streamed()) {
                                StreamedResponseBody body = exchange.respond(sink.open(answered.status(), answered.contentType(),
                                        answered.headers()), settings.allocationPerStreamedByte());
                                answered.bodyWriter().orElseThrow().writeTo(body);
                                body.flush();
                            }
                            return answered;
                        };
                        return new Prepared<>(work, declared.timeoutMillis().map(millis -> Duration.ofMillis(
                                Math.min(millis, settings.maxStreamTimeout().toMillis()))), exchange::callerAtFault);
                    });
        } catch (RuntimeException failure) {
            if (exchange.requestExceeded()) {
                throw new ApiException.PayloadTooLarge(settings.maxStreamBytes());
            }
            throw failure;
        } finally {
            exchange.end();
        }
        // A body cut at the limit is refused even when the plugin swallowed the error.
        if (exchange.requestExceeded()) {
            throw new ApiException.PayloadTooLarge(settings.maxStreamBytes());
        }
        return response;
    }

    /** The request of a streaming route: its body handed over unread, behind the limit and the allocation credit. */
    private Request streamingRequest(Request request, RouteTable.Match match, StreamExchange exchange) {
        if (request.streamed()) {
            contentLength(request).filter(length -> length > settings.maxStreamBytes()).ifPresent(length -> {
                throw new ApiException.PayloadTooLarge(settings.maxStreamBytes());
            });
        }
        java.io.InputStream source = request.streamedBody().orElseGet(() -> new java.io.ByteArrayInputStream(request.body()));
        return new Request(request.method(), request.path(), match.params(), request.queryParams(), request.headers(), new byte[0],
                           request.caller(), Optional.of(exchange.receive(source, settings.maxStreamBytes(),
                                                                          settings.allocationPerStreamedByte())));
    }

    /** The whole body of an ordinary route, refused with 413 above {@link Settings#maxBodyBytes()} without reading it all. */
    private byte[] readBody(Request request) {
        long limit = settings.maxBodyBytes();
        if (request.streamedBody().isEmpty()) {
            byte[] body = request.body();
            if (body.length > limit) {
                throw new ApiException.PayloadTooLarge(limit);
            }
            return body;
        }
        contentLength(request).filter(length -> length > limit).ifPresent(length -> {
            throw new ApiException.PayloadTooLarge(limit);
        });
        try (java.io.InputStream in = request.streamedBody().get()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw new ApiException.PayloadTooLarge(limit);
            }
            return body;
        } catch (java.io.IOException e) {
            throw new ApiException.MalformedBody("The request body could not be read: " + e.getMessage());
        }
    }

    private static Optional<Long> contentLength(Request request) {
        try {
            return request.header("content-length").map(String::strip).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new ApiException.BadRequest("The Content-Length header is not a number.");
        }
    }

    /**
     * The streams of one route call: the request body a streaming route reads and the response body a streamed
     * response writes. Both end with the call, and they tell whether a failure was the caller's doing (a body over
     * the limit, a connection that broke) rather than the plugin's.
     */
    private static final class StreamExchange {
        private volatile StreamedRequestBody request;
        private volatile StreamedResponseBody response;

        StreamedRequestBody receive(java.io.InputStream source, long limit, long creditPerByte) {
            request = new StreamedRequestBody(source, limit, creditPerByte);
            return request;
        }

        StreamedResponseBody respond(java.io.OutputStream target, long creditPerByte) {
            response = new StreamedResponseBody(target, creditPerByte);
            return response;
        }

        boolean requestExceeded() {
            return request != null && request.exceeded();
        }

        /** A body over the limit, a broken connection, or a deadline passed while waiting for the caller to send or read. */
        boolean callerAtFault() {
            return requestExceeded() || request != null && (request.failed() || request.waiting())
                   || response != null && (response.failed() || response.waiting());
        }

        void end() {
            if (request != null) {
                request.end();
            }
            if (response != null) {
                response.end();
            }
        }
    }

    @Override
    public List<String> subscribers(UUID tenantId, String topic) {
        List<String> plugins = new ArrayList<>();
        for (String pluginId : current.keySet()) {
            versionFor(tenantId, pluginId).ifPresent(version -> {
                PluginStore.TenantPlugin tenant = tenantPlugin(tenantId, pluginId).orElseThrow();
                if (version.handles(topic)
                    && tenant.granted().contains(PluginManifest.Permission.EVENTS_SUBSCRIBE)) {
                    plugins.add(pluginId);
                }
            });
        }
        return plugins;
    }

    @Override
    public void deliver(UUID tenantId, String pluginId, Event event) {
        BatchOutcome outcome = deliverAll(tenantId, pluginId, List.of(event), System.nanoTime() + Long.MAX_VALUE / 2);
        if (outcome.failure().isPresent()) {
            // deliverAll reports what the call threw, always unchecked (PluginCallFailure, PluginProblem, ApiException).
            throw outcome.failure().get() instanceof RuntimeException unchecked ? unchecked
                    : new IllegalStateException(outcome.failure().get());
        }
    }

    /**
     * Delivers the events in ONE plugin call (one concurrency slot, one entry into the plugin's version): consecutive
     * events of a topic with a {@link BatchEventHandler} go to it together, the others one by one to their
     * {@link EventHandler}. Each handler invocation gets limits of its own, the plugin's per-call deadline and
     * allocation quota once per event it handles (a batch's deadline capped at the runtime's longest), so a handler
     * is held to what it would be held to in a call per event. The call stops at the first failure; events after it
     * are not started, nor any after {@code startByNanos}, nor one whose topic this version does not handle (the
     * next call refuses that one on its own).
     */
    @Override
    public BatchOutcome deliverAll(UUID tenantId, String pluginId, List<Event> events, long startByNanos) {
        if (events.isEmpty()) {
            return new BatchOutcome(0, 0, Optional.empty());
        }
        String topic = events.getFirst().topic();
        BatchProgress progress = new BatchProgress();
        try {
            call(tenantId, pluginId, Optional.empty(), "event-" + events.getFirst().id(),
                 events.size() == 1 ? "event " + topic : events.size() + " events (" + topic + ", ...)", (version, context) -> {
                if (!version.handles(topic)) {
                    progress.start(1);
                    throw new PluginCallFailure(PluginCallFailure.Kind.FAILED, pluginId, "version " + version.manifest.version()
                            + " does not subscribe to " + topic, null);
                }
                long timeoutMillis = Math.min(version.manifest.limits().timeoutMillis(), settings.maxTimeout().toMillis());
                return Prepared.of(() -> {
                    handleInOrder(version, context, events, startByNanos, progress, timeoutMillis);
                    return null;
                });
            });
        } catch (RuntimeException failure) {
            BatchProgress.Snapshot at = progress.abandon();
            int failed = at.started() ? at.running() : events.size();
            return failed == 0 ? new BatchOutcome(at.delivered(), 0, Optional.empty())
                               : new BatchOutcome(at.delivered(), failed, Optional.of(failure));
        }
        return new BatchOutcome(progress.abandon().delivered(), 0, Optional.empty());
    }

    /** The loop inside one delivery call, on the plugin call's thread. */
    private void handleInOrder(LoadedVersion version, RuntimePluginContext context, List<Event> events, long startByNanos,
                               BatchProgress progress, long timeoutMillis) throws Exception {
        int next = 0;
        while (next < events.size()) {
            Event first = events.get(next);
            BatchEventHandler batch = version.batchEventHandlers.get(first.topic());
            EventHandler single = version.eventHandlers.get(first.topic());
            if (batch == null && single == null || System.nanoTime() - startByNanos > 0) {
                return;
            }
            int end = next + 1;
            while (batch != null && end < events.size() && events.get(end).topic().equals(first.topic())) {
                end++;
            }
            int count = end - next;
            if (!progress.start(count)) {
                return; // the waiting side gave up on the call (deadline): start nothing more
            }
            CallGuard.renew(Math.min(timeoutMillis * count, Math.max(timeoutMillis, settings.maxTimeout().toMillis())) * 1_000_000L,
                            saturatingTimes(settings.allocationQuotaBytes(), count));
            if (batch != null) {
                batch.handle(List.copyOf(events.subList(next, end)), context);
            } else {
                single.handle(first, context);
            }
            progress.finish(count);
            next = end;
        }
    }

    private static long saturatingTimes(long value, int factor) {
        return value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
    }

    /**
     * How far a delivery call got, shared by the call's thread and the thread waiting for it. Once the waiting side
     * {@linkplain #abandon() abandons} the call (it failed or timed out), no further handler starts, so the snapshot
     * it takes is exact: events counted as delivered returned from their handler, the run in progress is the one
     * that failed, and nothing after it ran.
     */
    private static final class BatchProgress {
        record Snapshot(int delivered, int running, boolean started) {
        }

        private int delivered;
        private int running;
        private boolean started;
        private boolean abandoned;

        synchronized boolean start(int count) {
            if (abandoned) {
                return false;
            }
            started = true;
            running = count;
            return true;
        }

        synchronized void finish(int count) {
            if (!abandoned) {
                delivered += count;
                running = 0;
            }
        }

        synchronized Snapshot abandon() {
            abandoned = true;
            return new Snapshot(delivered, running, started);
        }
    }

    @Override
    public List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        currentVersions().forEach(version -> version.jobs.forEach(job -> jobs.add(new Job(version.manifest.id(), job.name(), job.schedule()))));
        return jobs;
    }

    @Override
    public List<UUID> tenantsForJobs(String pluginId) {
        return database.inPlatform(tx -> store.enabledTenants(tx, pluginId)).stream()
                .filter(t -> t.granted().contains(PluginManifest.Permission.SCHEDULER)).map(PluginStore.TenantPlugin::tenantId).toList();
    }

    @Override
    public void runJob(UUID tenantId, String pluginId, String jobName) {
        call(tenantId, pluginId, Optional.empty(), "job-" + UUID.randomUUID(), "job " + jobName, (version, context) -> {
            PluginSetupRecorder.Job job = version.jobs.stream().filter(j -> j.name().equals(jobName)).findFirst()
                    .orElseThrow(() -> new PluginCallFailure(PluginCallFailure.Kind.FAILED, pluginId, "no job " + jobName, null));
            return Prepared.of(() -> {
                job.handler().run(context);
                return null;
            });
        });
    }

    /** Work to run inside containment, prepared outside it with the version and context of the call. */
    private interface CallPlan<T> {
        Prepared<T> prepare(LoadedVersion version, RuntimePluginContext context);
    }

    /**
     * Prepared work.
     *
     * @param timeout       the deadline a streaming route asked for, instead of the plugin's {@code limits.timeoutMillis}
     * @param callerAtFault whether a failure came from the caller (a body over the limit, a broken or stalled
     *                      connection), which does not count towards quarantine
     */
    private record Prepared<T>(java.util.concurrent.Callable<T> work, Optional<Duration> timeout,
                               java.util.function.BooleanSupplier callerAtFault) {
        static <T> Prepared<T> of(java.util.concurrent.Callable<T> work) {
            return new Prepared<>(work, Optional.empty(), () -> false);
        }
    }

    private <T> T call(UUID tenantId, String pluginId, Optional<Caller> caller, String requestId, String what, CallPlan<T> plan) {
        while (true) {
            PluginStore.TenantPlugin tenant = tenantPlugin(tenantId, pluginId).orElseThrow(() -> notEnabled(pluginId));
            LoadedVersion version = versionFor(tenant, pluginId).orElseThrow(() -> notEnabled(pluginId));
            if (tenant.quarantined(clock.instant())) {
                throw quarantined(pluginId, tenant);
            }
            if (!version.enter()) {
                continue; // retired by an upgrade between look-up and entry: take the new version
            }
            try {
                PluginCall call = new PluginCall(tenantId, version.manifest, tenant.granted(), caller, requestId);
                RuntimePluginContext context = contextFor(call);
                Prepared<T> work = plan.prepare(version, context);
                PluginManifest.Limits asked = version.manifest.limits();
                PluginInvoker.Limits limits = new PluginInvoker.Limits(
                        work.timeout().orElse(Duration.ofMillis(Math.min(asked.timeoutMillis(), settings.maxTimeout().toMillis()))),
                        Math.min(asked.concurrency(), settings.maxConcurrency()), settings.allocationQuotaBytes(),
                        settings.allocationPerStreamedByte());
                return invoker.invoke(tenantId, version, limits, what, work.work(), failure -> {
                    if (!work.callerAtFault().getAsBoolean()) {
                        countFault(tenantId, pluginId, failure);
                    }
                });
            } finally {
                version.leave();
            }
        }
    }

    private PluginCallFailure quarantined(String pluginId, PluginStore.TenantPlugin tenant) {
        return new PluginCallFailure(PluginCallFailure.Kind.QUARANTINED, pluginId, "Plugin '" + pluginId
                + "' is quarantined for this tenant until " + tenant.quarantinedUntil() + " after repeated faults ("
                + tenant.quarantineReason() + "); a tenant admin can re-enable it.", null,
                Math.max(1, Duration.between(clock.instant(), tenant.quarantinedUntil()).toSeconds()));
    }

    // ---------------------------------------------------------------- streams

    /**
     * The stream a tenant may open now on a plugin's path: the tenant's version and its matching stream.
     *
     * @throws ApiException.NotFound {@code plugin-not-enabled}, or {@code route-not-found} when the version serves
     *                               no stream on the path
     * @throws PluginCallFailure     when the plugin is quarantined for the tenant
     */
    StreamTarget streamTarget(UUID tenantId, String pluginId, String path) {
        LoadedVersion version = versionFor(tenantId, pluginId).filter(v -> !v.retired()).orElseThrow(() -> notEnabled(pluginId));
        PluginStore.TenantPlugin tenant = tenantPlugin(tenantId, pluginId).orElseThrow(() -> notEnabled(pluginId));
        if (tenant.quarantined(clock.instant())) {
            throw quarantined(pluginId, tenant);
        }
        StreamTable.Match match = version.streams.match(path).orElseThrow(() -> new ApiException.NotFound("route-not-found",
                "Plugin '" + pluginId + "' has no stream " + path + "."));
        return new StreamTarget(version, match);
    }

    /** A stream of a plugin version, as a tenant may open it. */
    record StreamTarget(LoadedVersion version, StreamTable.Match match) {
    }

    /**
     * Why a stream opened on {@code version} may no longer run for the tenant, if it may not: the plugin is no
     * longer enabled (or uninstalled), is quarantined, or the tenant moved to another version.
     */
    Optional<RuntimeException> streamRevoked(UUID tenantId, String pluginId, LoadedVersion version) {
        Optional<LoadedVersion> active = versionFor(tenantId, pluginId);
        Optional<PluginStore.TenantPlugin> tenant = tenantPlugin(tenantId, pluginId);
        if (active.isEmpty() || tenant.isEmpty()) {
            return Optional.of(notEnabled(pluginId));
        }
        if (tenant.get().quarantined(clock.instant())) {
            return Optional.of(quarantined(pluginId, tenant.get()));
        }
        if (active.get() != version || version.retired()) {
            return Optional.of(new StreamVersionChanged(pluginId, tenant.get().activeVersion()));
        }
        return Optional.empty();
    }

    /**
     * One call into a stream's handler, with the same containment as a route: deadline, allocation quota,
     * concurrency limit and fault counting.
     *
     * @throws StreamVersionChanged when the tenant no longer uses the version the stream was opened on
     */
    <T> T streamCall(UUID tenantId, LoadedVersion version, Caller caller, String requestId, String what, StreamWork<T> work) {
        String pluginId = version.manifest.id();
        return call(tenantId, pluginId, Optional.of(caller), requestId, what, (active, context) -> {
            if (active != version) {
                throw new StreamVersionChanged(pluginId, active.manifest.version());
            }
            return Prepared.of(() -> work.run(context));
        });
    }

    /** Plugin code run for a stream with the call's context. */
    @FunctionalInterface
    interface StreamWork<T> {
        T run(RuntimePluginContext context) throws Exception;
    }

    /** The context plugin code gets for a call: the kernel's capabilities, each checking this call's permissions. */
    RuntimePluginContext contextFor(PluginCall call) {
        return new RuntimePluginContext(call, capabilities, this::servicesFor);
    }

    /** The version a tenant's calls go to: its active version, if the plugin is enabled and that version is loaded. */
    private Optional<LoadedVersion> versionFor(UUID tenantId, String pluginId) {
        return tenantPlugin(tenantId, pluginId).flatMap(tenant -> versionFor(tenant, pluginId));
    }

    private Optional<LoadedVersion> versionFor(PluginStore.TenantPlugin tenant, String pluginId) {
        return Optional.of(tenant).filter(PluginStore.TenantPlugin::enabled)
                .flatMap(t -> Optional.ofNullable(loaded.get(pluginId + "@" + t.activeVersion())))
                .filter(v -> !v.retired() || v.inFlight() > 0);
    }

    private List<LoadedVersion> currentVersions() {
        List<LoadedVersion> versions = new ArrayList<>();
        current.forEach((id, v) -> Optional.ofNullable(loaded.get(id + "@" + v)).ifPresent(versions::add));
        return versions;
    }

    private void countFault(UUID tenantId, String pluginId, PluginCallFailure failure) {
        long faults = state.increment("plugin-faults:" + tenantId + ":" + pluginId, settings.faultWindow().toSeconds());
        if (faults >= settings.faultThreshold()) {
            quarantine(tenantId, pluginId, settings.faultThreshold() + " faults within " + settings.faultWindow().toSeconds()
                                           + " s, last: " + failure.kind().type());
        }
    }

    private void quarantine(UUID tenantId, String pluginId, String reason) {
        Optional<PluginStore.TenantPlugin> tenant = tenantPlugin(tenantId, pluginId);
        if (tenant.isEmpty() || tenant.get().quarantined(clock.instant())) {
            return;
        }
        Instant until = clock.instant().plus(settings.quarantine());
        PluginStore.TenantPlugin quarantined = new PluginStore.TenantPlugin(tenantId, pluginId, true, tenant.get().granted(),
                                                                            tenant.get().activeVersion(), until, reason);
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

    /** The services a call may use: those its manifest requires, from providers enabled for the same tenant. */
    private Services servicesFor(PluginCall consumer) {
        return new Services() {
            @Override
            public <T> T require(Class<T> type) {
                consumer.require(PluginManifest.Permission.SERVICES);
                PluginManifest.ServiceRequirement requirement = consumer.manifest().requires().stream()
                        .filter(r -> r.service().equals(type.getName())).findFirst()
                        .orElseThrow(() -> new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '"
                                + consumer.pluginId() + "' does not declare that it requires " + type.getName() + "."));
                LoadedVersion provider = versionFor(consumer.tenantId(), requirement.plugin())
                        .orElseThrow(() -> new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '"
                                + requirement.plugin() + "', which provides " + type.getName() + ", is not enabled for this tenant."));
                ServiceFactory<?> factory = provider.services.get(type.getName());
                if (factory == null) {
                    throw new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '" + requirement.plugin()
                            + "' " + provider.manifest.version() + " does not export " + type.getName() + ".");
                }
                PluginStore.TenantPlugin providerTenant = tenantPlugin(consumer.tenantId(), requirement.plugin()).orElseThrow();
                PluginCall providerCall = new PluginCall(consumer.tenantId(), provider.manifest, providerTenant.granted(),
                                                         consumer.caller(), consumer.requestId(), Optional.of(consumer));
                Object service = factory.create(contextFor(providerCall));
                return type.cast(service);
            }
        };
    }

    private static PluginStore.TenantPlugin withVersion(PluginStore.TenantPlugin t, String version) {
        return new PluginStore.TenantPlugin(t.tenantId(), t.pluginId(), t.enabled(), t.granted(), version, t.quarantinedUntil(),
                                            t.quarantineReason());
    }

    private static ApiException.NotFound notInstalled(String pluginId) {
        return new ApiException.NotFound("plugin-not-installed", "No plugin '" + pluginId + "' is installed.");
    }

    static ApiException.NotFound notEnabled(String pluginId) {
        return new ApiException.NotFound("plugin-not-enabled", "Plugin '" + pluginId + "' is not enabled for this tenant.");
    }

    @Override
    public void close() {
        subscription.close();
        loaded.values().forEach(LoadedVersion::retire);
        invoker.close();
    }
}
