package io.voicecore.sdk;

import io.voicecore.sdk.json.Json;

/**
 * One open stream between a client and the plugin, given to every {@link StreamHandler} callback. Sending is
 * safe from any call of the plugin while the stream is open, and frames arrive in the order they were sent.
 */
public interface StreamSession {

    /** The close code of a normal close. */
    int NORMAL_CLOSE = 1000;

    /** @return a unique id of this stream, also written in the kernel's log lines about it */
    String id();

    /** @return what the client asked for when it opened the stream: path, path parameters, query and caller */
    StreamRequest request();

    /**
     * Sends a text message to the client.
     *
     * @param text the message
     * @return {@code false} when the stream is already closed and the message was dropped
     */
    boolean send(String text);

    /**
     * Sends a JSON value as a text message, the usual shape of a stream's messages.
     *
     * @param value the message
     * @return {@code false} when the stream is already closed and the message was dropped
     */
    boolean send(Json value);

    /** @return whether the stream is still open */
    boolean isOpen();

    /**
     * Closes the stream. {@link StreamHandler#onClose} follows once with the same code and reason.
     * Closing a closed stream does nothing.
     *
     * @param code   {@link #NORMAL_CLOSE} or an application code from 4000 to 4999
     * @param reason why, for the client; at most 120 characters
     * @throws IllegalArgumentException for another code or a longer reason
     */
    void close(int code, String reason);

    /**
     * Runs work that would hold up the stream's messages (transcribing what a caller said, asking a model) after the
     * current callback, as a plugin call of its own, while the stream's next messages are handled. Tasks of one stream
     * run one at a time, in the order submitted, but alongside its callbacks: state they share must be guarded (e.g.
     * {@code synchronized}). A task submitted once the stream has closed, or still waiting when it closes, does not run.
     *
     * @param task the work
     * @since SDK 1.4
     */
    void submit(StreamTask task);

    /** Closes the stream normally ({@link #NORMAL_CLOSE}, no reason). */
    default void close() {
        close(NORMAL_CLOSE, "");
    }
}
