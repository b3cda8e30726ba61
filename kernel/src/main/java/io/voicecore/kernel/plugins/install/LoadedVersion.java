package io.voicecore.kernel.plugins.install;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.sandbox.IsolatedPluginClassLoader;
import io.voicecore.sdk.BatchEventHandler;
import io.voicecore.sdk.EventHandler;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.ServiceFactory;

/**
 * One installed plugin version, loaded and set up: its class loader, its {@link Plugin} instance and what
 * it registered. Calls hold it while they run ({@link #enter()}/{@link #leave()}); a retired version is
 * stopped and its class loader closed only after its last in-flight call finished, which is what lets an
 * upgrade happen under load without losing a request.
 */
public final class LoadedVersion {
    private static final Logger LOG = Logger.getLogger(LoadedVersion.class.getName());

    private final PluginManifest manifest;
    private final String jarSha256;
    private final IsolatedPluginClassLoader classLoader;
    private final Plugin plugin;
    private final RouteTable routes;
    private final StreamTable streams;
    private final java.util.Optional<io.voicecore.sdk.ConfigCheck> configCheck;
    private final java.util.Optional<PluginApiDocument> apiDocument;
    private final Map<String, EventHandler> eventHandlers;
    private final Map<String, BatchEventHandler> batchEventHandlers;
    private final List<PluginSetupRecorder.Job> jobs;
    private final Map<String, ServiceFactory<?>> services;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private volatile boolean stopped;

    LoadedVersion(PluginManifest manifest, String jarSha256, IsolatedPluginClassLoader classLoader, Plugin plugin,
                  PluginSetupRecorder setup, java.util.Optional<PluginApiDocument> apiDocument) {
        this.manifest = manifest;
        this.jarSha256 = jarSha256;
        this.classLoader = classLoader;
        this.plugin = plugin;
        this.routes = setup.routes;
        this.streams = setup.streams;
        this.eventHandlers = Map.copyOf(setup.eventHandlers);
        this.batchEventHandlers = Map.copyOf(setup.batchEventHandlers);
        this.jobs = List.copyOf(setup.jobs);
        this.services = Map.copyOf(setup.services);
        this.configCheck = java.util.Optional.ofNullable(setup.configCheck);
        this.apiDocument = apiDocument;
    }

    /** The OpenAPI document describing its routes, if its manifest names one. */
    public java.util.Optional<PluginApiDocument> apiDocument() {
        return apiDocument;
    }

    /** The check its setup registered for configurations a tenant saves, if any. */
    public java.util.Optional<io.voicecore.sdk.ConfigCheck> configCheck() {
        return configCheck;
    }

    /** The manifest of this version. */
    public PluginManifest manifest() {
        return manifest;
    }

    /** The sha256 of its jar, hex. */
    public String jarSha256() {
        return jarSha256;
    }

    /** The class loader its code runs in. */
    public IsolatedPluginClassLoader classLoader() {
        return classLoader;
    }

    /** The routes its setup registered. */
    public RouteTable routes() {
        return routes;
    }

    /** The streams its setup registered. */
    public StreamTable streams() {
        return streams;
    }

    /** Its event handlers by topic. */
    public Map<String, EventHandler> eventHandlers() {
        return eventHandlers;
    }

    /** Its batch event handlers by topic. */
    public Map<String, BatchEventHandler> batchEventHandlers() {
        return batchEventHandlers;
    }

    /** The jobs its setup registered. */
    public List<PluginSetupRecorder.Job> jobs() {
        return jobs;
    }

    /** The services it exports, by interface name. */
    public Map<String, ServiceFactory<?>> services() {
        return services;
    }

    /** Whether the version registered a handler, of either kind, for the topic. */
    public boolean handles(String topic) {
        return eventHandlers.containsKey(topic) || batchEventHandlers.containsKey(topic);
    }

    public String key() {
        return manifest.id() + "@" + manifest.version();
    }

    /** Registers a call; false when the version is already retired (the caller looks up the current one again). */
    public boolean enter() {
        inFlight.incrementAndGet();
        if (retired) {
            leave();
            return false;
        }
        return true;
    }

    public void leave() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            stopOnce();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** No new calls; stops once the in-flight ones are done. */
    public void retire() {
        retired = true;
        if (inFlight.get() == 0) {
            stopOnce();
        }
    }

    public boolean retired() {
        return retired;
    }

    private void stopOnce() {
        stopNow(plugin -> {
            try {
                plugin.stop();
            } catch (Throwable failure) {
                LOG.log(Level.WARNING, "Plugin " + key() + " failed in stop()", failure);
            }
        });
    }

    /**
     * Retires this version and stops it at once, unless it was stopped before: runs the plugin's {@code stop()} through
     * {@code stopper} (which may contain it, and may throw), then closes the class loader whatever happened. For a
     * version no call holds.
     */
    synchronized void stopNow(Consumer<Plugin> stopper) {
        retired = true;
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            stopper.accept(plugin);
        } finally {
            try {
                classLoader.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Class loader of " + key() + " did not close", e);
            }
            LOG.info(() -> "Plugin " + key() + " stopped");
        }
    }
}
