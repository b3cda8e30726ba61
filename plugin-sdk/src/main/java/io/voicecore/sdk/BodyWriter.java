package io.voicecore.sdk;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a streamed response body ({@link Response#stream}), so a route can answer with more data than it
 * should hold in memory, e.g. an export of every contact.
 *
 * <p>The kernel calls it once, after the route handler returned, in the same call: the same tenant context,
 * deadline and allocation allowance (see the plugin developer guide, "Streaming"). The status and headers
 * are sent before the first byte. If {@code writeTo} throws, the kernel cuts the connection instead of ending
 * the body, so the caller sees a broken transfer and never mistakes a partial body for a complete one.
 */
@FunctionalInterface
public interface BodyWriter {
    /**
     * @param out the response body; write to it and return. Closing it is not needed (the kernel ends the
     *            body when this method returns normally) and does not end the body early.
     * @throws IOException when the body cannot be written (e.g. the caller went away); the transfer is cut
     */
    void writeTo(OutputStream out) throws IOException;
}
