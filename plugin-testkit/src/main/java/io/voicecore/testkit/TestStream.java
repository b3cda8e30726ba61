package io.voicecore.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.voicecore.kernel.plugins.streams.PluginStreams;
import io.voicecore.sdk.json.Json;

/**
 * A client's end of one of the plugin's streams, opened with {@link TestTenant#stream(String)}: send messages as
 * a WebSocket client would, read what the plugin sent, and see how the stream ended. It runs through the kernel's
 * real stream handling without a network: each message is one contained plugin call, a failing message answers
 * the error frame {@code {"type":"error","problem":{...}}} a WebSocket client would receive, and the stream closes
 * with the same codes. {@link #send} returns once the plugin handled the message, so what it sent in answer is
 * already waiting for {@link #receive()}.
 */
public final class TestStream implements AutoCloseable {
    /** How long {@link #receive()} and {@link #awaitClose()} wait for the plugin. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    /**
     * How a stream ended.
     *
     * @param code   the close code, e.g. 1000 for a normal close, 4404 when the plugin was disabled
     * @param reason the close reason, possibly empty
     */
    public record Closure(int code, String reason) {
    }

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closure> closed = new CompletableFuture<>();
    private final int maxMessageBytes;
    private PluginStreams.OpenStream stream;

    TestStream(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    void attach(PluginStreams.OpenStream stream) {
        this.stream = stream;
    }

    /** The kernel's side of this in-memory connection. */
    PluginStreams.Transport transport() {
        return new PluginStreams.Transport() {
            @Override
            public boolean send(String text) {
                if (closed.isDone()) {
                    return false;
                }
                received.add(text);
                return true;
            }

            @Override
            public void close(int code, String reason) {
                closed.complete(new Closure(code, reason));
            }

            @Override
            public boolean alive() {
                return !closed.isDone();
            }

            @Override
            public String remoteAddress() {
                return "test-kit";
            }
        };
    }

    /**
     * Sends a text message and returns once the plugin handled it. A message larger than the kernel's limit
     * ({@code plugins.streams.max-frame-bytes}) closes the stream with 1009, as over a WebSocket.
     *
     * @return this stream
     * @throws IllegalStateException when the stream is closed
     */
    public TestStream send(String text) {
        Objects.requireNonNull(text, "text");
        if (closed.isDone()) {
            throw new IllegalStateException("The stream is closed (" + closed.join() + "); open another with stream(path).");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            stream.tooBig();
        } else {
            stream.receive(text);
        }
        return this;
    }

    /** Sends a JSON value as a text message, as {@link #send(String)}. */
    public TestStream send(Json value) {
        return send(Objects.requireNonNull(value, "value").toString());
    }

    /**
     * @return the oldest message the plugin sent that was not read yet, waiting up to {@link #WAIT}
     * @throws AssertionError when none comes
     */
    public String receive() {
        try {
            String message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("The plugin sent nothing within " + WAIT.toSeconds() + " s"
                                         + (closed.isDone() ? "; the stream closed with " + closed.join() : "") + ".");
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for a message", e);
        }
    }

    /** @return {@link #receive()} parsed as JSON */
    public Json receiveJson() {
        return Json.parse(receive());
    }

    /** @return the oldest unread message, if the plugin sent one, without waiting */
    public Optional<String> poll() {
        return Optional.ofNullable(received.poll());
    }

    /** @return whether the stream is still open */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /** @return how the stream ended, if it did */
    public Optional<Closure> closure() {
        return closed.isDone() ? Optional.of(closed.join()) : Optional.empty();
    }

    /**
     * @return how the stream ended, waiting up to {@link #WAIT}
     * @throws AssertionError when it is still open
     */
    public Closure awaitClose() {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("The stream is still open after " + WAIT.toSeconds() + " s.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the close", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Closes the stream as a client would; the plugin's {@code onClose} runs shortly after with this code and
     * reason. Closing a closed stream does nothing.
     */
    public void close(int code, String reason) {
        if (closed.complete(new Closure(code, reason))) {
            stream.closedByClient(code, reason);
        }
    }

    /** Closes the stream normally (1000). */
    @Override
    public void close() {
        close(1000, "");
    }
}
