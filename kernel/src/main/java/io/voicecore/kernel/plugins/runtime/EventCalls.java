package io.voicecore.kernel.plugins.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginDispatcher;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.install.PluginSetupRecorder;
import io.voicecore.kernel.plugins.sandbox.CallGuard;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.sdk.BatchEventHandler;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.EventHandler;

/**
 * How the event bus and the scheduler reach plugin code: event deliveries, one by one or in batches, and jobs, each
 * a contained call ({@link PluginCalls}) for a tenant that enabled the plugin with the needed grant.
 */
public final class EventCalls implements PluginDispatcher {
    private final PluginCatalog catalog;
    private final TenantEnablement enablement;
    private final PluginCalls calls;
    private final PluginRuntime.Settings settings;

    public EventCalls(PluginCatalog catalog, TenantEnablement enablement, PluginCalls calls) {
        this.catalog = catalog;
        this.enablement = enablement;
        this.calls = calls;
        this.settings = calls.settings();
    }

    @Override
    public List<String> subscribers(UUID tenantId, String topic) {
        List<String> plugins = new ArrayList<>();
        for (String pluginId : catalog.installedIds()) {
            enablement.versionFor(tenantId, pluginId).ifPresent(version -> {
                PluginStore.TenantPlugin tenant = enablement.tenantPlugin(tenantId, pluginId).orElseThrow();
                if (version.handles(topic) && tenant.granted().contains(PluginManifest.Permission.EVENTS_SUBSCRIBE)) {
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
            // deliverAll reports what the call threw, always unchecked (PluginCallFailure, PluginProblem, PluginRefusal).
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
     * next call refuses that one on its own). When the tenant's licence refuses the plugin, none is started and all
     * are {@linkplain BatchOutcome#held held} for the runtime's licence hold: they wait for a licence, spending no
     * attempt, and the refusal is no fault of the plugin.
     */
    @Override
    public BatchOutcome deliverAll(UUID tenantId, String pluginId, List<Event> events, long startByNanos) {
        if (events.isEmpty()) {
            return new BatchOutcome(0, 0, Optional.empty());
        }
        String topic = events.getFirst().topic();
        BatchProgress progress = new BatchProgress();
        try {
            calls.call(tenantId, pluginId, Optional.empty(), "event-" + events.getFirst().id(),
                       events.size() == 1 ? "event " + topic : events.size() + " events (" + topic + ", ...)", (version, context) -> {
                if (!version.handles(topic)) {
                    progress.start(1);
                    throw PluginCallFailure.failed(pluginId, "version " + version.manifest().version() + " does not subscribe to " + topic);
                }
                long timeoutMillis = Math.min(version.manifest().limits().timeoutMillis(), settings.maxTimeout().toMillis());
                return PluginCalls.Prepared.of(() -> {
                    handleInOrder(version, context, events, startByNanos, progress, timeoutMillis);
                    return null;
                });
            });
        } catch (RuntimeException failure) {
            BatchProgress.Snapshot at = progress.abandon();
            if (failure instanceof PluginRefusal refusal && refusal.reason().licence() && !at.started()) {
                return BatchOutcome.held(settings.licenceHold(), refusal);
            }
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
            BatchEventHandler batch = version.batchEventHandlers().get(first.topic());
            EventHandler single = version.eventHandlers().get(first.topic());
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
        catalog.currentVersions().forEach(version -> version.jobs().forEach(job ->
                jobs.add(new Job(version.manifest().id(), job.name(), job.schedule()))));
        return jobs;
    }

    @Override
    public List<UUID> tenantsForJobs(String pluginId) {
        return enablement.tenantsGranting(pluginId, PluginManifest.Permission.SCHEDULER);
    }

    @Override
    public void runJob(UUID tenantId, String pluginId, String jobName) {
        calls.call(tenantId, pluginId, Optional.empty(), "job-" + UUID.randomUUID(), "job " + jobName, (version, context) -> {
            PluginSetupRecorder.Job job = version.jobs().stream().filter(j -> j.name().equals(jobName)).findFirst()
                    .orElseThrow(() -> PluginCallFailure.failed(pluginId, "no job " + jobName));
            return PluginCalls.Prepared.of(() -> {
                job.handler().run(context);
                return null;
            });
        });
    }
}
