package io.voicecore.bench;

import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.voicecore.standins.twilio.MuLaw;

/**
 * The baseline of {@code voice}'s media-stream phase: a bare Helidon SE WebSocket handler doing the least any Media
 * Streams server does with each frame: parse the message, decode the payload and measure its loudness, and keep time
 * against the frame's timestamp exactly as the voice plugin does (a frame handled more than
 * {@value MediaStreamLoad#LATE_MILLIS} ms after its time is late). No plugin, no database, no speech.
 *
 * <p>{@code java -cp ... io.voicecore.bench.BareMediaStream PORT}; {@code GET /health} answers once it listens,
 * {@code GET /stats} with {@code frames late} since start.
 */
public final class BareMediaStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong FRAMES = new AtomicLong();
    static final AtomicLong LATE = new AtomicLong();
    /** Keeps the loudness computed, so the work is not optimised away. */
    static volatile double loudness;

    private BareMediaStream() {
    }

    /** @param args the port */
    public static void main(String[] args) {
        WebServer.builder().host("127.0.0.1").port(Integer.parseInt(args[0])).shutdownHook(false)
                .routing(routing -> routing
                        .get("/health", (req, res) -> res.send())
                        .get("/stats", (req, res) -> res.send(FRAMES.get() + " " + LATE.get())))
                .addRouting(WsRouting.builder().endpoint("/media", Stream::new))
                .build().start();
    }

    /** One stream: the same per-frame work as the plugin's, on the connection's thread. */
    private static final class Stream implements WsListener {
        private long audioEpoch = Long.MAX_VALUE;

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            try {
                JsonNode message = JSON.readTree(text);
                if (!message.path("event").asText().equals("media")) {
                    return;
                }
                long mediaMillis = Long.parseLong(message.path("media").path("timestamp").asText());
                long now = System.nanoTime() / 1_000_000;
                audioEpoch = Math.min(audioEpoch, now - mediaMillis);
                FRAMES.incrementAndGet();
                if (now - mediaMillis - audioEpoch > MediaStreamLoad.LATE_MILLIS) {
                    LATE.incrementAndGet();
                }
                byte[] frame = Base64.getDecoder().decode(message.path("media").path("payload").asText());
                long sum = 0;
                for (byte b : frame) {
                    int sample = MuLaw.decode(b);
                    sum += (long) sample * sample;
                }
                loudness = Math.sqrt((double) sum / Math.max(1, frame.length));
            } catch (java.io.IOException | RuntimeException malformed) {
                session.close(1003, "malformed");
            }
        }
    }
}
