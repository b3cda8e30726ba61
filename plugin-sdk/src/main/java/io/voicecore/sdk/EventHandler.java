package io.voicecore.sdk;

/** Receives events of one topic. Throwing makes the delivery be retried later, up to a limit, then dead-lettered. */
@FunctionalInterface
public interface EventHandler {
    /**
     * @param event   the event
     * @param context capabilities scoped to the event's tenant and this plugin
     * @throws Exception to ask for a retry
     */
    void handle(Event event, PluginContext context) throws Exception;
}
