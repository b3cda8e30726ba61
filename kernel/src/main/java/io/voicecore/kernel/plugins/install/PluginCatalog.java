package io.voicecore.kernel.plugins.install;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.manifest.VersionRange;
import io.voicecore.kernel.plugins.sandbox.ExportedServiceTypes;
import io.voicecore.kernel.plugins.sandbox.PlatformLibrary;
import io.voicecore.kernel.plugins.sandbox.PluginClassPolicy;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.HttpMethod;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

/**
 * The installed plugin versions of this node: which are loaded, which is each plugin's current one, and how a jar
 * becomes one. Installs, upgrades and uninstalls are persisted and audited here, and other nodes learn of them
 * through {@link SharedState} notifications. Which version each tenant uses, with which grants, is the business of
 * {@code runtime.TenantEnablement}; the catalog tells its watchers when a plugin's versions changed.
 */
public final class PluginCatalog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginCatalog.class.getName());
    /** The channel of plugin notifications between nodes, shared with tenant enablement. */
    public static final String CHANNEL = "plugins";

    /** What an install did. */
    public record Installed(PluginManifest manifest, Optional<String> previousVersion, int tenantsMoved,
                            int tenantsAwaitingConsent) {
    }

    private final Database database;
    private final PluginStore store;
    private final PluginInspector inspector;
    private final VerificationSeals seals;
    private final PluginLoader loader;
    private final PluginResources resources;
    private final AuditLog audit;
    private final SharedState state;
    private final VersionManager versions = new DefaultVersionManager();
    private final Map<String, LoadedVersion> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final Object installLock = new Object();
    private final List<Consumer<String>> watchers = new CopyOnWriteArrayList<>();
    private final SharedState.Subscription subscription;

    /**
     * @param cacheDir     where loaded jars are written for their class loaders
     * @param invoker      runs each version's construction and {@code setup} under containment
     * @param setupLimits  the limits of those calls
     * @param scripts      the sandbox script plugins run in (none: script plugins are refused)
     */
    public PluginCatalog(Database database, PluginStore store, PluginInspector inspector, VerificationSeals seals, Path cacheDir,
                         PluginInvoker invoker, PluginInvoker.Limits setupLimits, PluginResources resources, AuditLog audit,
                         SharedState state, java.util.Optional<io.voicecore.kernel.plugins.script.ScriptSandbox> scripts) {
        this.database = database;
        this.store = store;
        this.inspector = inspector;
        this.seals = seals;
        this.loader = new PluginLoader(cacheDir, invoker, setupLimits, scripts);
        this.resources = resources;
        this.audit = audit;
        this.state = state;
        this.subscription = state.subscribe(CHANNEL, this::onNotification);
    }

    /**
     * Asks to be told the id of a plugin whose installed versions changed, on this node or on another: installed,
     * upgraded or uninstalled. The watcher must return quickly.
     */
    public void watch(Consumer<String> watcher) {
        watchers.add(watcher);
    }

    private void changed(String pluginId) {
        for (Consumer<String> watcher : watchers) {
            try {
                watcher.accept(pluginId);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A plugin catalog watcher failed", e);
            }
        }
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

    /**
     * Installs a plugin jar, or a newer version of an installed plugin. Tenants whose grants cover the new
     * version's permissions move to it at once; the others stay on their version until an admin grants more.
     *
     * @throws PluginRejectedException when the manifest, the bytecode or the compatibility is refused, or it cannot start
     * @throws PluginRefusal           {@code VERSION_NOT_NEWER} when the version is not newer than the installed one
     */
    public Installed install(byte[] jar, Principal actor) {
        synchronized (installLock) {
            // The very bytes of a loaded version: it was inspected and verified when installed (and its bytes checked
            // against their sha256 when loaded at start-up), and its version cannot be newer than itself. Answer as for
            // any version that is not newer, without verifying it once more (the plugin directories offer every installed
            // jar again at each start).
            String sha = Sha256.hex(jar);
            Optional<LoadedVersion> same = loaded.values().stream().filter(v -> !v.retired() && v.jarSha256().equals(sha)).findFirst();
            if (same.isPresent()) {
                PluginManifest manifest = same.get().manifest();
                throw notNewer(manifest, current.getOrDefault(manifest.id(), manifest.version()));
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
                throw notNewer(manifest, previous.get());
            }
            LoadedVersion version;
            try {
                version = loader.load(manifest, jar, sha, exportedLoadersFor(manifest));
            } catch (PluginLoadException e) {
                throw new PluginRejectedException("startup", e.getMessage(), List.of(Map.of("reason", e.getMessage())));
            }
            int[] moved = {0, 0};
            try {
                resources.prepare(manifest, version.classLoader());
                byte[] seal = seals.seal(manifest.id(), manifest.version(), sha, inspected.verifiedWith());
                database.inPlatform(tx -> {
                    if (!store.insertVersion(tx, manifest.id(), manifest.version(), inspected.manifestYaml(), jar, sha, seal,
                                             actor.actorId())) {
                        throw PluginRefusal.of(PluginRefusal.Reason.VERSION_NOT_NEWER, "Plugin '" + manifest.id() + "' "
                                + manifest.version() + " is already installed; upload a higher version to upgrade.");
                    }
                    store.setCurrent(tx, manifest.id(), manifest.version());
                    for (PluginStore.TenantPlugin tenant : store.enabledTenants(tx, manifest.id())) {
                        if (tenant.granted().containsAll(manifest.permissionNames())) {
                            store.upsertTenant(tx, tenant.withVersion(manifest.version()));
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
            changed(manifest.id()); // before an old version is retired: tenants' cached rows may still name it
            previous.ifPresent(old -> retireIfUnused(manifest.id(), old));
            state.publish(CHANNEL, "installed " + manifest.id() + " " + manifest.version());
            LOG.info(() -> "Installed plugin " + version.key() + previous.map(p -> " (was " + p + ")").orElse(""));
            return new Installed(manifest, previous, moved[0], moved[1]);
        }
    }

    private static PluginRefusal notNewer(PluginManifest manifest, String installed) {
        return PluginRefusal.of(PluginRefusal.Reason.VERSION_NOT_NEWER, "Plugin '" + manifest.id() + "' is installed at version "
                + installed + "; upload a higher version to upgrade (got " + manifest.version() + ").");
    }

    /**
     * Removes a plugin: disabled for every tenant, all versions stopped once idle. Its data is kept.
     *
     * @throws PluginRefusal {@code NOT_INSTALLED}
     */
    public void uninstall(String pluginId, Principal actor) {
        synchronized (installLock) {
            if (!current.containsKey(pluginId)) {
                throw PluginRefusal.notInstalled(pluginId);
            }
            database.inPlatform(tx -> {
                store.deletePlugin(tx, pluginId);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "plugin.uninstall", "plugin:" + pluginId, Map.of()));
                return null;
            });
            current.remove(pluginId);
            loaded.values().stream().filter(v -> v.manifest().id().equals(pluginId)).forEach(LoadedVersion::retire);
            loaded.keySet().removeIf(k -> k.startsWith(pluginId + "@"));
            resources.release(pluginId);
            changed(pluginId);
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
            } else if (!VersionRange.parse(requirement.versionRange()).includes(provider.get().manifest().version())) {
                missing.add(Map.of("field", "services.requires", "reason", "plugin '" + requirement.plugin() + "' is at "
                        + provider.get().manifest().version() + ", outside " + requirement.versionRange()));
            } else if (!provider.get().manifest().exports().contains(requirement.service())) {
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
                    packages.put(PluginClassPolicy.packageOf(requirement.service()),
                                 new ExportedServiceTypes(requirement.plugin(), provider.classLoader())));
        }
        return packages;
    }

    /** Stops an old version once no tenant uses it any more and it is not the current one. */
    public void retireIfUnused(String pluginId, String version) {
        boolean inUse = database.inPlatform(tx -> store.enabledTenants(tx, pluginId)).stream()
                .anyMatch(t -> version.equals(t.activeVersion()));
        if (!inUse && !version.equals(current.get(pluginId))) {
            LoadedVersion old = loaded.remove(pluginId + "@" + version);
            if (old != null) {
                old.retire();
            }
        }
    }

    private void onNotification(String message) {
        String[] parts = message.split(" ");
        switch (parts[0]) {
            case "installed" -> {
                if (!(parts[2].equals(current.get(parts[1])))) {
                    database.inPlatform(tx -> store.version(tx, parts[1], parts[2])).ifPresent(v -> {
                        try {
                            loadStored(v, inspector.parseInstalled(v.manifestYaml()));
                            current.put(parts[1], parts[2]);
                            changed(parts[1]);
                        } catch (RuntimeException e) {
                            LOG.log(Level.SEVERE, "Could not load plugin " + parts[1] + " " + parts[2] + " installed on another node", e);
                        }
                    });
                }
            }
            case "uninstalled" -> {
                current.remove(parts[1]);
                resources.release(parts[1]);
                changed(parts[1]);
            }
            case SharedState.MESSAGES_MAY_BE_LOST -> LOG.warning("Plugin notifications from other nodes may have been lost;"
                    + " a plugin installed or upgraded on another node meanwhile is loaded here on restart.");
            default -> LOG.fine(() -> "Plugin notification for others: " + message);
        }
    }

    /** The latest version of every installed plugin. */
    public List<PluginManifest> installed() {
        return currentVersions().stream().map(LoadedVersion::manifest).sorted(Comparator.comparing(PluginManifest::id)).toList();
    }

    public Optional<PluginManifest> installed(String pluginId) {
        return currentVersion(pluginId).map(LoadedVersion::manifest);
    }

    /** The ids of the installed plugins: a live, read-only view (event fan-out asks for it per event and tenant). */
    public Set<String> installedIds() {
        return Collections.unmodifiableSet(current.keySet());
    }

    /**
     * Whether the current version of a plugin declares the route for this method and path public ({@code public: true}),
     * so a request to it needs no credentials. The version a tenant is served decides in the end: a tenant still on a
     * version whose route is not public refuses an anonymous request ({@code RouteCalls}).
     *
     * @param path the path below the plugin's base, e.g. {@code /twilio/incoming}
     */
    public boolean servesPublicly(String pluginId, HttpMethod method, String path) {
        return currentVersion(pluginId).flatMap(version -> version.routes().match(method, path))
                .map(match -> match.entry().declared().open()).orElse(false);
    }

    /**
     * Whether the current version of a plugin declares the stream on this path public ({@code {stream: /path, public:
     * true}}), so it is opened without credentials. As for routes, the version a tenant is served decides in the end.
     *
     * @param path the path below the plugin's base, e.g. {@code /twilio/media}
     */
    public boolean servesStreamPublicly(String pluginId, String path) {
        return currentVersion(pluginId).flatMap(version -> version.streams().match(path)
                .map(match -> version.manifest().publicStreams().contains(match.entry().template()))).orElse(false);
    }

    /** A loaded version, current or still serving tenants that did not move off it. */
    public Optional<LoadedVersion> loaded(String pluginId, String version) {
        return version == null ? Optional.empty() : Optional.ofNullable(loaded.get(pluginId + "@" + version));
    }

    /** The class loader of a loaded version: the classes its code sees, including services of the plugins it requires. */
    public Optional<ClassLoader> classLoader(String pluginId, String version) {
        return loaded(pluginId, version).map(LoadedVersion::classLoader);
    }

    private Optional<LoadedVersion> currentVersion(String pluginId) {
        return loaded(pluginId, current.get(pluginId));
    }

    /** The current version of every installed plugin that is loaded. */
    public List<LoadedVersion> currentVersions() {
        return current.entrySet().stream().map(e -> loaded.get(e.getKey() + "@" + e.getValue())).filter(Objects::nonNull).toList();
    }

    @Override
    public void close() {
        subscription.close();
        loaded.values().forEach(LoadedVersion::retire);
    }
}
