package io.voicecore.kernel.plugins;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.Event;

/**
 * How the event bus and the scheduler reach plugin code. The plugin runtime implements it: every
 * delivery and job runs through the same containment as a route (deadline, bounded concurrency,
 * fault counting and quarantine), and only for tenants that enabled the plugin with the needed grants.
 */
public interface PluginDispatcher {

    /**
     * A job a plugin registered, due on its schedule for every tenant that enabled the plugin.
     *
     * @param pluginId the plugin
     * @param name     the job's name
     * @param schedule five-field cron expression (UTC)
     */
    record Job(String pluginId, String name, String schedule) {
    }

    /**
     * Plugins whose active version (for this tenant) subscribes to the topic, are enabled for the tenant,
     * and were granted {@code events:subscribe}.
     */
    List<String> subscribers(UUID tenantId, String topic);

    /**
     * Delivers one event to one plugin's handler.
     *
     * @throws Exception when the handler failed or the call was refused (plugin quarantined, disabled,
     *                   over its concurrency limit, licence refused): the caller retries later
     */
    void deliver(UUID tenantId, String pluginId, Event event) throws Exception;

    /**
     * What became of the events handed to {@link #deliverAll}, in their order: the first {@code delivered} were
     * handled; the next {@code failed} were attempted and failed with {@code failure}; the rest were not started and
     * go back to the queue without counting an attempt: due at once, or after {@code hold} when the plugin may not
     * serve the tenant for now (its licence refuses) and retrying sooner would only spin.
     *
     * @param delivered events handled, from the start of the list
     * @param failed    events after those that were attempted and failed
     * @param failure   why they failed; present when {@code failed > 0}; for a hold, why the rest wait, if known
     * @param hold      how long the events not started wait before they are due again; empty: due at once
     */
    record BatchOutcome(int delivered, int failed, Optional<Exception> failure, Optional<Duration> hold) {
        public BatchOutcome {
            if (delivered < 0 || failed < 0 || failed > 0 && failure.isEmpty()) {
                throw new IllegalArgumentException("a batch outcome needs non-negative counts and a failure for failed events");
            }
            if (hold.isPresent() && (hold.get().isNegative() || hold.get().isZero())) {
                throw new IllegalArgumentException("a hold must be a positive duration, not " + hold.get());
            }
        }

        /** An outcome whose events not started are due again at once. */
        public BatchOutcome(int delivered, int failed, Optional<Exception> failure) {
            this(delivered, failed, failure, Optional.empty());
        }

        /** None started: every event waits {@code retryAfter}, without counting an attempt. */
        public static BatchOutcome held(Duration retryAfter) {
            return new BatchOutcome(0, 0, Optional.empty(), Optional.of(retryAfter));
        }

        /** None started, because of {@code reason}: every event waits {@code retryAfter}, without counting an attempt. */
        public static BatchOutcome held(Duration retryAfter, Exception reason) {
            return new BatchOutcome(0, 0, Optional.of(reason), Optional.of(retryAfter));
        }
    }

    /**
     * Delivers events to one plugin for one tenant, in order, as far as it can; starts no event after
     * {@code startByNanos} ({@link System#nanoTime()}), so a delivery never starts on a claim about to lapse.
     * The default makes one {@link #deliver} call per event and stops at the first failure; the plugin runtime
     * delivers several events in one plugin call.
     *
     * @param events one or more events of the tenant, in publication order
     * @return how far delivery got; never throws for a failure of the plugin
     */
    default BatchOutcome deliverAll(UUID tenantId, String pluginId, List<Event> events, long startByNanos) {
        int delivered = 0;
        for (Event event : events) {
            if (System.nanoTime() - startByNanos > 0) {
                break;
            }
            try {
                deliver(tenantId, pluginId, event);
            } catch (Exception e) {
                return new BatchOutcome(delivered, 1, Optional.of(e));
            }
            delivered++;
        }
        return new BatchOutcome(delivered, 0, Optional.empty());
    }

    /** Every job of every active plugin version. */
    List<Job> jobs();

    /** Tenants that enabled the plugin and granted {@code scheduler}. */
    List<UUID> tenantsForJobs(String pluginId);

    /**
     * Runs one job for one tenant.
     *
     * @throws Exception when the job failed or was refused; a {@link PluginRefusal} whose reason is a
     *                   {@linkplain PluginRefusal.Reason#licence() licence reason} means the run is skipped, not failed
     */
    void runJob(UUID tenantId, String pluginId, String jobName) throws Exception;
}
