package io.voicecore.kernel.plugins.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Where a plugin's streamed response goes ({@code Response.stream} in the SDK): the HTTP response, or a buffer in
 * the test kit. {@link PluginRuntime#serve} opens it from inside the plugin call, once the handler returned a
 * streamed response, and the plugin's writer then writes the body on the call's own thread.
 */
@FunctionalInterface
public interface ResponseSink {
    /**
     * Sends the status and headers and returns the body stream. The caller of {@link PluginRuntime#serve} ends the
     * body (closes the stream) once {@code serve} returned normally; when {@code serve} throws after this was called,
     * the body must be cut off instead, so the receiver never mistakes a partial body for a complete one.
     *
     * @param status      the response status
     * @param contentType the media type of the body
     * @param headers     further headers
     * @return the body stream
     * @throws IOException when the response can no longer be started (e.g. the request already ended)
     */
    OutputStream open(int status, String contentType, Map<String, String> headers) throws IOException;
}
