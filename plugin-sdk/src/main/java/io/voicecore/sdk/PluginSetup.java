package io.voicecore.sdk;

/**
 * What a plugin registers in {@link Plugin#setup(PluginSetup)}. Every registration must match the
 * manifest: a route must be declared under {@code routes}, a stream under {@code streams}, a topic under
 * {@code events.subscribes}, an exported service type under {@code services.exports}; anything else fails the
 * setup with a message naming the missing declaration.
 */
public interface PluginSetup {

    /** @return the plugin's id and version, as in the manifest */
    PluginInfo plugin();

    /**
     * Serves {@code method} on {@code path}, relative to {@code /api/v1/tenants/{tenant}/{pluginId}}.
     * Path segments in braces are parameters: {@code /contacts/{id}}.
     *
     * @param method  the HTTP method
     * @param path    the path, starting with {@code /}
     * @param handler called for each request, with a context for the request's tenant
     */
    void route(HttpMethod method, String path, RouteHandler handler);

    /**
     * Serves a real-time stream (a WebSocket) on {@code path}, relative to {@code /api/v1/tenants/{tenant}/{pluginId}}.
     * The path must be listed under {@code streams} in the manifest; segments in braces are parameters, e.g.
     * {@code /conversations/{id}/stream}.
     *
     * @param path    the path, starting with {@code /}
     * @param handler called when a client opens the stream, for each message and when it ends, with a context
     *                for the stream's tenant
     */
    void stream(String path, StreamHandler handler);

    /**
     * Receives events of a topic declared in {@code events.subscribes}. Delivery is at least once:
     * a handler may see the same event (same {@link Event#id()}) more than once and must tolerate it.
     *
     * @param topic   the topic, e.g. {@code conversation.ended}
     * @param handler called once per delivery, with a context for the event's tenant
     */
    void onEvent(String topic, EventHandler handler);

    /**
     * Receives events of a topic declared in {@code events.subscribes} several at a time: each call hands the handler
     * a list of events in publication order, and its outcome applies to the whole list (see {@link BatchEventHandler}
     * for the contract: returning means all were handled, throwing retries all of them). Delivery is at least once,
     * as for {@link #onEvent}. A topic has one handler: registering both {@code onEvent} and {@code onEvents} for it
     * fails the setup.
     *
     * @param topic   the topic, e.g. {@code conversation.ended}
     * @param handler called with one or more events at a time, with a context for their tenant
     * @since SDK 0.3
     */
    void onEvents(String topic, BatchEventHandler handler);

    /**
     * Runs a job for every tenant that enabled the plugin, on a schedule. Requires the {@code scheduler} permission.
     *
     * @param name     a name unique within the plugin
     * @param schedule a five-field cron expression ({@code minute hour day-of-month month day-of-week}, UTC),
     *                 e.g. {@code "*&#47;15 * * * *"}
     * @param handler  called per tenant per due time
     */
    void job(String name, String schedule, JobHandler handler);

    /**
     * Offers a service interface to plugins that declare they require it. The interface must be listed
     * in the manifest's {@code services.exports}, and its package must contain only the exported
     * interfaces and the types they use: consumers see that package and nothing else of this plugin.
     *
     * @param type    the service interface
     * @param factory makes the implementation for one consumer call, given this plugin's own context for
     *                the consumer's tenant: the service then acts with this plugin's permissions and data
     * @param <T>     the service type
     */
    <T> void exportService(Class<T> type, ServiceFactory<T> factory);

    /**
     * Checks each configuration a tenant admin saves, beyond the manifest's schema (see {@link ConfigCheck}). At most
     * one per plugin.
     *
     * @param check accepts a configuration by returning, refuses it by throwing a {@link PluginProblem}
     * @since SDK 1.4
     */
    void configCheck(ConfigCheck check);
}
