package io.voicecore.kernel.plugins.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.voicecore.kernel.plugins.PluginDispatcher;
import io.voicecore.sdk.Event;

/**
 * The plugin side as the event bus and the scheduler see it, for tests: subscriptions and jobs are set by
 * the test, and every delivery and job run is recorded with the node that made it. Several nodes may share
 * one recording ({@link #forNode}), as kernel nodes share the plugins installed on the platform.
 */
final class RecordingPlugins implements PluginDispatcher {

    /** What a subscriber or job does when called; throwing makes the call fail. */
    @FunctionalInterface
    interface Behaviour {
        void run(UUID tenantId, String pluginId, Event event) throws Exception;
    }

    /** One call of a subscriber: which node made it and whether the handler succeeded. */
    record Delivery(String node, UUID tenantId, String pluginId, Event event, boolean succeeded) {
    }

    /** One job run. */
    record JobRun(String node, UUID tenantId, String pluginId, String jobName, boolean succeeded) {
    }

    private final String node;
    private final Map<String, List<String>> subscriptions;
    private final Map<String, Behaviour> behaviours;
    private final List<Delivery> deliveries;
    private final List<Job> jobs;
    private final Map<String, List<UUID>> jobTenants;
    private final List<JobRun> jobRuns;

    RecordingPlugins() {
        this("node-1", new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>(),
             new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>());
    }

    private RecordingPlugins(String node, Map<String, List<String>> subscriptions, Map<String, Behaviour> behaviours,
                             List<Delivery> deliveries, List<Job> jobs, Map<String, List<UUID>> jobTenants, List<JobRun> jobRuns) {
        this.node = node;
        this.subscriptions = subscriptions;
        this.behaviours = behaviours;
        this.deliveries = deliveries;
        this.jobs = jobs;
        this.jobTenants = jobTenants;
        this.jobRuns = jobRuns;
    }

    /** The same plugins and recordings, reached from another node. */
    RecordingPlugins forNode(String otherNode) {
        return new RecordingPlugins(otherNode, subscriptions, behaviours, deliveries, jobs, jobTenants, jobRuns);
    }

    void subscribe(UUID tenantId, String topic, String... pluginIds) {
        subscriptions.computeIfAbsent(tenantId + "|" + topic, k -> new CopyOnWriteArrayList<>()).addAll(List.of(pluginIds));
    }

    /** What the plugin's handlers (event handler or job) do from now on; by default they succeed. */
    void behave(String pluginId, Behaviour behaviour) {
        behaviours.put(pluginId, behaviour);
    }

    void addJob(String pluginId, String name, String schedule, UUID... tenants) {
        jobs.add(new Job(pluginId, name, schedule));
        jobTenants.computeIfAbsent(pluginId, k -> new CopyOnWriteArrayList<>()).addAll(List.of(tenants));
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    List<Delivery> deliveriesTo(String pluginId) {
        return deliveries.stream().filter(d -> d.pluginId().equals(pluginId)).toList();
    }

    List<JobRun> jobRuns() {
        return List.copyOf(jobRuns);
    }

    @Override
    public List<String> subscribers(UUID tenantId, String topic) {
        return new ArrayList<>(subscriptions.getOrDefault(tenantId + "|" + topic, List.of()));
    }

    @Override
    public void deliver(UUID tenantId, String pluginId, Event event) throws Exception {
        Behaviour behaviour = behaviours.getOrDefault(pluginId, (t, p, e) -> { });
        try {
            behaviour.run(tenantId, pluginId, event);
        } catch (Exception e) {
            deliveries.add(new Delivery(node, tenantId, pluginId, event, false));
            throw e;
        }
        deliveries.add(new Delivery(node, tenantId, pluginId, event, true));
    }

    @Override
    public List<Job> jobs() {
        return List.copyOf(jobs);
    }

    @Override
    public List<UUID> tenantsForJobs(String pluginId) {
        return List.copyOf(jobTenants.getOrDefault(pluginId, List.of()));
    }

    @Override
    public void runJob(UUID tenantId, String pluginId, String jobName) throws Exception {
        Behaviour behaviour = behaviours.getOrDefault(pluginId + "/" + jobName, (t, p, e) -> { });
        try {
            behaviour.run(tenantId, pluginId, null);
        } catch (Exception e) {
            jobRuns.add(new JobRun(node, tenantId, pluginId, jobName, false));
            throw e;
        }
        jobRuns.add(new JobRun(node, tenantId, pluginId, jobName, true));
    }
}
