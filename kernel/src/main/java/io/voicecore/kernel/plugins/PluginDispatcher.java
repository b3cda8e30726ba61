package io.voicecore.kernel.plugins;

import java.util.List;
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
     *                   over its concurrency limit): the caller retries later
     */
    void deliver(UUID tenantId, String pluginId, Event event) throws Exception;

    /** Every job of every active plugin version. */
    List<Job> jobs();

    /** Tenants that enabled the plugin and granted {@code scheduler}. */
    List<UUID> tenantsForJobs(String pluginId);

    /** Runs one job for one tenant. @throws Exception when the job failed or was refused */
    void runJob(UUID tenantId, String pluginId, String jobName) throws Exception;
}
