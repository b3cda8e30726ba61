package io.voicecore.kernel.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;

/**
 * A real WebSocket client (the JDK's {@link WebSocket}) for tests: collects the text messages the server sends
 * and the close it ends with. {@link #connect} answers either an open client or the refused handshake.
 */
public final class WsClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** How a stream ended: the close frame's code and reason. */
    public record Closure(int code, String reason) {
    }

    /** The outcome of an opening handshake: an open client, or the HTTP answer that refused it. */
    public record Handshake(Optional<WsClient> client, int status, String body) {
        /** @return the open client; fails the test when the handshake was refused */
        public WsClient open() {
            return client.orElseThrow(() -> new AssertionError("the handshake was refused: " + status + " " + body));
        }

        /** @return the refusal's problem+json body; fails the test when the handshake succeeded */
        public JsonNode problem() {
            if (client.isPresent()) {
                client.get().close();
                throw new AssertionError("the handshake succeeded; a refusal was expected");
            }
            return Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closure> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    private WsClient() {
    }

    /**
     * Opens a WebSocket.
     *
     * @param uri   e.g. {@code ws://127.0.0.1:8080/api/v1/tenants/acme/hello/live}
     * @param token the bearer token to send, or {@code null} for none
     */
    public static Handshake connect(URI uri, String token) {
        return connectWithHeaders(uri, token == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + token));
    }

    /**
     * Opens a WebSocket with these headers on the upgrade request.
     *
     * @param uri     e.g. {@code ws://127.0.0.1:8080/api/v1/tenants/acme/hello/live}
     * @param headers e.g. a provider's signature
     */
    public static Handshake connectWithHeaders(URI uri, java.util.Map<String, String> headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(uri, client.listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return new Handshake(Optional.of(client), 101, "");
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                return new Handshake(Optional.empty(), refused.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw new AssertionError("could not connect to " + uri, e);
        } catch (Exception e) {
            throw new AssertionError("could not connect to " + uri, e);
        }
    }

    private WebSocket.Listener listener() {
        StringBuilder partial = new StringBuilder();
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    received.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(new Closure(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(new Closure(1006, String.valueOf(error)));
            }
        };
    }

    /** Sends a text message and waits until it is written. */
    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** @return the next message the server sent, waiting up to 10 s; fails the test when none comes */
    public String next() {
        try {
            String message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within " + WAIT.toSeconds() + " s" + closedSoFar());
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return the next message parsed as JSON */
    public JsonNode nextJson() {
        return Json.parse(next().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** @return the close the server ended the stream with, waiting up to 10 s; fails the test when it stays open */
    public Closure awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream did not close within " + WAIT.toSeconds() + " s", e);
        }
    }

    /** @return whether the server closed the stream (or the connection failed) */
    public boolean isClosed() {
        return closed.isDone();
    }

    private String closedSoFar() {
        return closed.isDone() ? "; the stream closed with " + closed.join() : "";
    }

    /** Closes normally, without waiting for the server's answer. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /** Drops the TCP connection without a close frame, as a client that vanished would. */
    public void abort() {
        socket.abort();
    }
}
