package io.voicecore.standins.twilio;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * The application's side of Media Streams for the tests: a Helidon WebSocket server on a free port, as the platform
 * will serve it, with a bot per connection that records every message it gets (with its arrival time) and every
 * audio byte it sends.
 */
final class MediaStreamServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A message the bot got, and when (System.nanoTime). */
    record Message(long nanos, JsonNode json) {
        String event() {
            return json.path("event").asText();
        }
    }

    /** A connection's bot: records what it gets; subclasses answer. */
    abstract static class Bot implements WsListener {
        final List<Message> messages = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream sentAudio = new ByteArrayOutputStream();
        volatile String signature;
        volatile String path;
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        WsSession session;
        String streamSid;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            signature = headers.first(io.helidon.http.HeaderNames.create("X-Twilio-Signature")).orElse(null);
            path = prologue.uriPath().rawPath();
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession opened) {
            session = opened;
        }

        @Override
        public void onMessage(WsSession ws, String text, boolean last) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the stand-in sent " + text, e);
            }
            Message message = new Message(System.nanoTime(), json);
            messages.add(message);
            if (message.event().equals("start")) {
                streamSid = json.path("streamSid").asText();
            }
            handle(message);
        }

        @Override
        public void onClose(WsSession ws, int status, String reason) {
            closed.countDown();
        }

        @Override
        public void onError(WsSession ws, Throwable t) {
            closed.countDown();
        }

        abstract void handle(Message message);

        List<Message> messages(String event) {
            return messages.stream().filter(message -> message.event().equals(event)).toList();
        }

        /** Sends audio as Twilio's media messages of 160 bytes, all at once, as speech synthesis streams it. */
        synchronized void play(byte[] mulaw) {
            for (int at = 0; at < mulaw.length; at += 160) {
                byte[] chunk = java.util.Arrays.copyOfRange(mulaw, at, Math.min(mulaw.length, at + 160));
                ObjectNode media = JSON.createObjectNode().put("event", "media").put("streamSid", streamSid);
                media.putObject("media").put("payload", Base64.getEncoder().encodeToString(chunk));
                session.send(media.toString(), true);
                sentAudio.writeBytes(chunk);
            }
        }

        void mark(String name) {
            ObjectNode mark = JSON.createObjectNode().put("event", "mark").put("streamSid", streamSid);
            mark.putObject("mark").put("name", name);
            session.send(mark.toString(), true);
        }

        void clear() {
            session.send(JSON.createObjectNode().put("event", "clear").put("streamSid", streamSid).toString(), true);
        }
    }

    private final WebServer server;
    private final List<Bot> bots = new CopyOnWriteArrayList<>();

    MediaStreamServer(Supplier<? extends Bot> bot) {
        this.server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .addRouting(WsRouting.builder().endpoint("/media", () -> {
                    Bot connection = bot.get();
                    bots.add(connection);
                    return connection;
                })).build().start();
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/media");
    }

    /**
     * The bots, once each connection has closed: the caller's side may report the call over before the last
     * message it sent (the stop) has been read here.
     */
    List<Bot> bots() throws InterruptedException {
        for (Bot each : bots) {
            if (!each.closed.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("a media stream was still open 10 s after the call");
            }
        }
        return new ArrayList<>(bots);
    }

    @Override
    public void close() {
        server.stop();
    }
}
