package io.voicecore.sdk;

/**
 * Work on a stream that would hold up its messages, such as a call to a slow service, handed to
 * {@link StreamSession#submit(StreamTask)} to run while the stream's messages keep being handled.
 *
 * @since SDK 1.4
 */
@FunctionalInterface
public interface StreamTask {

    /**
     * Does the work, as one plugin call of its own (the plugin's deadline, memory quota and concurrency limit, a fault
     * counted as for a message).
     *
     * @param session the stream, which may have closed meanwhile ({@link StreamSession#isOpen()})
     * @param context capabilities scoped to the stream's tenant and this plugin, for this task only
     * @throws Exception any failure; the client gets the error frame a failing message would send
     */
    void run(StreamSession session, PluginContext context) throws Exception;
}
