package io.voicecore.sdk;

/**
 * Receives events of one topic, one at a time. Throwing makes the delivery be retried later, up to a limit, then
 * dead-lettered. Each event gets the manifest's {@code limits.timeoutMillis} and the per-call allocation allowance
 * of its own, even when the platform hands several events to the plugin in one go; to handle many events in one
 * call, register a {@link BatchEventHandler} instead.
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * @param event   the event
     * @param context capabilities scoped to the event's tenant and this plugin
     * @throws Exception to ask for a retry
     */
    void handle(Event event, PluginContext context) throws Exception;
}
