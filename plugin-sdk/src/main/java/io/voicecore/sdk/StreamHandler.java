package io.voicecore.sdk;

/**
 * Serves one real-time stream (a WebSocket) declared under {@code streams} in the manifest and registered with
 * {@link PluginSetup#stream(String, StreamHandler)}. A client opens it at
 * {@code /api/v1/tenants/{tenant}/{pluginId}/<path>}; the kernel authenticates the caller, resolves the tenant and
 * checks that the plugin is enabled before it accepts the connection.
 *
 * <p>Every callback is one plugin call, like a route: it runs within the plugin's deadline, memory quota and
 * concurrency limit, with a {@link PluginContext} for the stream's tenant, and a fault counts towards quarantine.
 * The callbacks of one stream never run at the same time, and messages arrive in the order the client sent them.
 * One handler instance serves every stream of every tenant: keep no per-stream state in fields; what identifies a
 * stream is in {@link StreamSession#request()} (path parameters, caller) and {@link StreamSession#id()}.
 *
 * <p>A message that fails does not close the stream: the kernel sends the client an error frame
 * {@code {"type":"error","problem":{...}}} carrying the same problem (status, type, detail, request id) a route
 * would answer, and keeps the stream open for the next message.
 */
@FunctionalInterface
public interface StreamHandler {

    /**
     * Called once when a client opened the stream, before its first message. The session may already send.
     * Throwing closes the stream: the client gets the error frame, then a close with code {@code 4000 + status}
     * (e.g. 4404 for a {@code PluginProblem} with status 404) and the problem type as the reason.
     *
     * @param session the new stream
     * @param request what the client asked for: path parameters, query and caller (also {@link StreamSession#request()})
     * @param context capabilities scoped to the stream's tenant and this plugin
     * @throws Exception to refuse the stream; {@link PluginProblem} for an answer the client should see
     */
    default void onOpen(StreamSession session, StreamRequest request, PluginContext context) throws Exception {
    }

    /**
     * Called for each text message the client sends (a message split into several frames arrives whole).
     *
     * @param session the stream
     * @param text    the message, at most the kernel's frame limit ({@code plugins.streams.max-frame-bytes}) long
     * @param context capabilities scoped to the stream's tenant and this plugin, for this message only
     * @throws Exception any failure; {@link PluginProblem} becomes the error frame's problem, anything else a 500
     *                   problem naming the request id under which the exception is logged
     */
    void onMessage(StreamSession session, String text, PluginContext context) throws Exception;

    /**
     * Called once when a stream whose {@link #onOpen} succeeded ends because the client closed it, the plugin
     * closed it, or the connection was lost (code 1006). It is not called when the kernel ends the stream because
     * the plugin was disabled, quarantined, upgraded or uninstalled for the tenant, or the kernel shuts down:
     * then the plugin may no longer run for that tenant.
     *
     * @param session the stream, already closed
     * @param code    the close code, e.g. 1000 for a normal close
     * @param reason  the close reason, possibly empty
     * @param context capabilities scoped to the stream's tenant and this plugin
     * @throws Exception a failure, logged and counted as a fault of the plugin
     */
    default void onClose(StreamSession session, int code, String reason, PluginContext context) throws Exception {
    }
}
