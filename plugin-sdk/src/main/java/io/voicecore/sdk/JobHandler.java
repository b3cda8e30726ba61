package io.voicecore.sdk;

/** A scheduled job, run once per tenant per due time. */
@FunctionalInterface
public interface JobHandler {
    /**
     * @param context capabilities scoped to the tenant the job runs for
     * @throws Exception a failure, logged and counted as a fault of the plugin
     */
    void run(PluginContext context) throws Exception;
}
