package io.voicecore.sdk;

import java.util.List;

/**
 * Receives events of one topic several at a time, registered with {@link PluginSetup#onEvents}. Handling a batch in
 * one call (for example one storage statement for all of it) is what lets a subscriber keep up with a busy topic;
 * a handler that takes one event at a time is {@link EventHandler}.
 *
 * <p>The contract of one call:
 * <ul>
 *   <li><b>What arrives.</b> One or more events (an unmodifiable list, never empty) of this handler's topic and of
 *       the context's tenant, in publication order. How many is the platform's choice, at most its delivery batch
 *       size (500 by default); a handler must not depend on batches having a particular size or boundary. Each event
 *       carries its own {@link Event#attempt()}.</li>
 *   <li><b>Returning normally</b> means every event of the list was handled: none of them is delivered again
 *       (except after a platform crash, see below).</li>
 *   <li><b>Throwing</b> means none was: every event of the list is retried later, each counting the attempt, with
 *       the same back-off and dead-letter limit as single events. A retry may bring the events in different
 *       batches. There is no partial success; a handler that wants one event's failure not to hold back the others
 *       catches it and handles that event some other way (e.g. records it for later).</li>
 *   <li><b>At least once.</b> As for {@link EventHandler}, an event may arrive more than once (after a throw, or when
 *       a platform node stops between the call and its bookkeeping), always with the same {@link Event#id()}: the
 *       handler must deduplicate by it or be idempotent.</li>
 *   <li><b>Limits.</b> The call's deadline is the manifest's {@code limits.timeoutMillis} once per event of the
 *       list, up to the platform's longest per-call deadline (30 s by default), and its allocation allowance is the
 *       per-call allowance once per event; a call over either fails the whole batch, as a throw does.</li>
 * </ul>
 *
 * @since SDK 0.3
 */
@FunctionalInterface
public interface BatchEventHandler {
    /**
     * Handles a batch of events.
     *
     * @param events  the events, in publication order, all of this handler's topic; not empty, not modifiable
     * @param context capabilities scoped to the events' tenant and this plugin
     * @throws Exception to have every event of the batch retried later
     */
    void handle(List<Event> events, PluginContext context) throws Exception;
}
