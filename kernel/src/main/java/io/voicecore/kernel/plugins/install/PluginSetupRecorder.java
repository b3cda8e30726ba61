package io.voicecore.kernel.plugins.install;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.events.CronExpression;
import io.voicecore.sdk.BatchEventHandler;
import io.voicecore.sdk.ConfigCheck;
import io.voicecore.sdk.EventHandler;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.JobHandler;
import io.voicecore.sdk.PluginInfo;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.RouteHandler;
import io.voicecore.sdk.ServiceFactory;
import io.voicecore.sdk.StreamHandler;

/**
 * Collects what a plugin registers in {@code setup} and holds it to its manifest: every route, stream,
 * topic and exported service must be declared there. Closed once setup returns, so nothing is added later.
 */
public final class PluginSetupRecorder implements PluginSetup {
    /** A scheduled job. */
    public record Job(String name, String schedule, JobHandler handler) {
    }

    private final PluginManifest manifest;
    final RouteTable routes = new RouteTable();
    final StreamTable streams = new StreamTable();
    final Map<String, EventHandler> eventHandlers = new LinkedHashMap<>();
    final Map<String, BatchEventHandler> batchEventHandlers = new LinkedHashMap<>();
    final List<Job> jobs = new ArrayList<>();
    final Map<String, ServiceFactory<?>> services = new LinkedHashMap<>();
    ConfigCheck configCheck;
    private volatile boolean closed;

    PluginSetupRecorder(PluginManifest manifest) {
        this.manifest = manifest;
    }

    @Override
    public PluginInfo plugin() {
        return new PluginInfo(manifest.id(), manifest.version());
    }

    @Override
    public void route(HttpMethod method, String path, RouteHandler handler) {
        open();
        PluginManifest.Route declared = manifest.routes().stream()
                .filter(r -> r.method().equalsIgnoreCase(method.name()) && r.path().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalStateException("route " + method + " " + path
                                                             + " is not declared under 'routes' in plugin.yaml"));
        if (routes.contains(method, path)) {
            throw new IllegalStateException("route " + method + " " + path + " is registered twice");
        }
        routes.add(method, path, java.util.Objects.requireNonNull(handler, "handler"), declared);
    }

    @Override
    public void stream(String path, StreamHandler handler) {
        open();
        if (!manifest.streams().contains(path)) {
            throw new IllegalStateException("stream " + path + " is not declared under 'streams' in plugin.yaml");
        }
        if (streams.contains(path)) {
            throw new IllegalStateException("stream " + path + " is registered twice");
        }
        streams.add(path, java.util.Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public void onEvent(String topic, EventHandler handler) {
        requireSubscribable(topic);
        if (batchEventHandlers.containsKey(topic)) {
            throw new IllegalStateException("topic " + topic + " already has a batch handler (onEvents); register one handler per topic");
        }
        eventHandlers.put(topic, java.util.Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public void onEvents(String topic, BatchEventHandler handler) {
        requireSubscribable(topic);
        if (eventHandlers.containsKey(topic) || batchEventHandlers.containsKey(topic)) {
            throw new IllegalStateException("topic " + topic + " already has a handler; register one handler per topic");
        }
        batchEventHandlers.put(topic, java.util.Objects.requireNonNull(handler, "handler"));
    }

    private void requireSubscribable(String topic) {
        open();
        if (!manifest.subscribes().contains(topic)) {
            throw new IllegalStateException("topic " + topic + " is not declared under 'events.subscribes' in plugin.yaml");
        }
    }

    @Override
    public void configCheck(ConfigCheck check) {
        open();
        if (configCheck != null) {
            throw new IllegalStateException("a configuration check is registered twice; register one that checks everything");
        }
        configCheck = java.util.Objects.requireNonNull(check, "check");
    }

    @Override
    public void job(String name, String schedule, JobHandler handler) {
        open();
        if (!manifest.declares(PluginManifest.Permission.SCHEDULER)) {
            throw new IllegalStateException("job " + name + " needs the 'scheduler' permission in plugin.yaml");
        }
        CronExpression.parse(schedule);
        if (jobs.stream().anyMatch(j -> j.name().equals(name))) {
            throw new IllegalStateException("job " + name + " is registered twice");
        }
        jobs.add(new Job(name, schedule, java.util.Objects.requireNonNull(handler, "handler")));
    }

    @Override
    public <T> void exportService(Class<T> type, ServiceFactory<T> factory) {
        open();
        if (!type.isInterface() || !manifest.exports().contains(type.getName())) {
            throw new IllegalStateException("service " + type.getName()
                                            + " must be an interface listed under 'services.exports' in plugin.yaml");
        }
        services.put(type.getName(), java.util.Objects.requireNonNull(factory, "factory"));
    }

    void close() {
        closed = true;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("registrations are only accepted during setup()");
        }
    }
}
