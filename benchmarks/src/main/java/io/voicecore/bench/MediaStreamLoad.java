package io.voicecore.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.standins.twilio.MuLaw;
import io.voicecore.standins.twilio.TwilioSignature;

/**
 * Callers on Twilio Media Streams, as many at once as asked, each sending a 20 ms frame of 8 kHz μ-law every 20 ms in
 * real time as Twilio does: an utterance (a voiced tone, 1.5 s), then quiet until the reply it triggers has been played
 * (the server's {@code mark} echoed once its audio's duration has passed, as a phone plays it) and a short pause, then
 * the next utterance; with no reply within 10 s the caller speaks again. A call against the kernel starts as Twilio's
 * does: the signed incoming webhook, whose TwiML names the stream and its {@code callToken}; then the WebSocket, signed
 * over its URL.
 *
 * <p>One scheduler thread sends every stream's frames; a tick more than {@value #LATE_MILLIS} ms behind its time counts
 * its frames late (the sender's own lateness: the machine is shared with the server), and the schedule moves on.
 */
final class MediaStreamLoad {
    static final long LATE_MILLIS = 60;
    static final int FRAME_MILLIS = 20;
    static final int UTTERANCE_FRAMES = 75;
    static final long REPLY_TIMEOUT_MILLIS = 10_000;
    static final long PAUSE_AFTER_REPLY_MILLIS = 800;
    private static final Pattern STREAM_URL = Pattern.compile("<Stream url=\"([^\"]+)\"");
    private static final Pattern CALL_TOKEN = Pattern.compile("<Parameter name=\"callToken\" value=\"([^\"]+)\"");
    private static final Pattern MARK_NAME = Pattern.compile("\"mark\":\\{\"name\":\"([^\"]*)\"");
    private static final List<String> SPEECH = speechFrames();
    private static final String SILENCE = Base64.getEncoder().encodeToString(filled(MuLaw.SILENCE));

    /** Where the streams go. */
    interface Target {
        /** @return the stream's URL and the custom parameters of its {@code start}, after whatever opens the call */
        Opened open(String callSid, String from) throws Exception;
    }

    record Opened(URI streamUrl, Map<String, String> parameters) {
    }

    /**
     * What a run measured.
     *
     * @param framesSent      frames the callers sent
     * @param framesSentLate  frames sent more than {@value #LATE_MILLIS} ms behind their time (the sender's lateness)
     * @param replyMillis     from the end of each utterance to the first audio of its reply, sorted
     * @param errors          what went wrong, by kind: calls not opened, streams closed by the server, error frames
     */
    record Result(int streams, int opened, long framesSent, long framesSentLate, long replies, long noReplies, long clears,
                  long[] replyMillis, Map<String, Long> errors) {
        double sentLatePercent() {
            return framesSent == 0 ? 0 : 100.0 * framesSentLate / framesSent;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double replyMillis(double quantile) {
            return replyMillis.length == 0 ? Double.NaN
                    : replyMillis[Math.min(replyMillis.length - 1, (int) Math.ceil(quantile * replyMillis.length) - 1)];
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String authToken;

    MediaStreamLoad(String authToken) {
        this.authToken = authToken;
    }

    /** Calls through the kernel: the signed incoming webhook of tenant {@code i % bases}, answered with a stream. */
    Target kernel(int port, List<String> pluginBases) {
        AtomicLong next = new AtomicLong();
        return (callSid, from) -> {
            String url = "http://127.0.0.1:" + port + pluginBases.get((int) (next.getAndIncrement() % pluginBases.size())) + "/twilio/incoming";
            Map<String, String> params = new TreeMap<>(Map.of("CallSid", callSid, "AccountSid", SimulatedCalls.ACCOUNT_SID, "From", from,
                                                               "To", "+34910000000", "CallStatus", "ringing", "Direction", "inbound"));
            StringBuilder form = new StringBuilder();
            params.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded").header(TwilioSignature.HEADER, TwilioSignature.sign(authToken, url, params))
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
            Matcher stream = STREAM_URL.matcher(answer.body());
            Matcher token = CALL_TOKEN.matcher(answer.body());
            if (answer.statusCode() != 200 || !stream.find() || !token.find()) {
                throw new IllegalStateException("incoming answered " + answer.statusCode() + " without a stream");
            }
            return new Opened(URI.create(stream.group(1)), Map.of("callToken", token.group(1)));
        };
    }

    /** Streams straight to a bare server's {@code /media}. */
    static Target bare(int port) {
        return (callSid, from) -> new Opened(URI.create("ws://127.0.0.1:" + port + "/media"), Map.of());
    }

    /** Runs {@code streams} callers for {@code seconds} (after they all connected), then stops them. */
    Result run(Target target, int streams, double seconds) throws Exception {
        List<Caller> callers = new ArrayList<>();
        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Caller caller = new Caller(i, errors);
            callers.add(caller);
            opening.add(CompletableFuture.runAsync(() -> caller.connect(target), Executors.newVirtualThreadPerTaskExecutor()));
            if (i % 20 == 19) {
                Thread.sleep(FRAME_MILLIS); // not every call rings in the same millisecond
            }
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        List<Caller> connected = callers.stream().filter(c -> c.socket != null).toList();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "media-stream-load");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        long[] tick = {0};
        AtomicLong sent = new AtomicLong();
        AtomicLong late = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long due = start + tick[0] * FRAME_MILLIS * 1_000_000L;
            long now = System.nanoTime();
            boolean behind = now - due > LATE_MILLIS * 1_000_000L;
            if (behind) {
                // As Twilio's sender would: move on rather than send a burst.
                tick[0] = (now - start) / (FRAME_MILLIS * 1_000_000L);
            }
            long timestamp = tick[0] * FRAME_MILLIS;
            for (Caller caller : connected) {
                caller.tick(timestamp, now);
            }
            sent.addAndGet(connected.size());
            if (behind) {
                late.addAndGet(connected.size());
            }
            tick[0]++;
        }, 0, FRAME_MILLIS, TimeUnit.MILLISECONDS);
        Thread.sleep((long) (seconds * 1000));
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        for (Caller caller : connected) {
            caller.stop();
        }
        List<Long> replyMillis = new ArrayList<>();
        long replies = 0;
        long noReplies = 0;
        long clears = 0;
        for (Caller caller : callers) {
            synchronized (caller) {
                replyMillis.addAll(caller.replyMillis);
                replies += caller.replyMillis.size();
                noReplies += caller.noReplies;
                clears += caller.clears;
            }
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.get()));
        return new Result(streams, connected.size(), sent.get(), late.get(), replies, noReplies, clears,
                          replyMillis.stream().mapToLong(Long::longValue).sorted().toArray(), errorCounts);
    }

    /** One caller: its stream, what it is saying, and what it heard. */
    private final class Caller implements WebSocket.Listener {
        final String callSid = "CA" + HexFormat.of().formatHex(randomBytes());
        final String streamSid = "MZ" + HexFormat.of().formatHex(randomBytes());
        final int index;
        final Map<String, AtomicLong> errors;
        final List<Long> replyMillis = new ArrayList<>();
        volatile WebSocket socket;
        CompletableFuture<WebSocket> sending;
        final StringBuilder partial = new StringBuilder();
        int speechLeft;
        long utteranceEndedAt;
        boolean awaitingReply;
        long playedUntil;
        long noReplies;
        long clears;
        long sequence = 1;

        Caller(int index, Map<String, AtomicLong> errors) {
            this.index = index;
            this.errors = errors;
            // Callers start speaking at different moments.
            this.speechLeft = 0;
            this.playedUntil = System.nanoTime() / 1_000_000 + ThreadLocalRandom.current().nextInt(3_000);
        }

        void connect(Target target) {
            try {
                Opened opened = target.open(callSid, "+3460" + String.format("%07d", index));
                WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                        .header(TwilioSignature.HEADER, TwilioSignature.sign(authToken, opened.streamUrl().toString(), Map.of()));
                WebSocket ws = builder.buildAsync(opened.streamUrl(), this).get(60, TimeUnit.SECONDS);
                StringBuilder parameters = new StringBuilder();
                opened.parameters().forEach((k, v) -> parameters.append(parameters.isEmpty() ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
                sending = ws.sendText("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}", true)
                        .thenCompose(w -> w.sendText("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"start\":{\"accountSid\":\""
                                + SimulatedCalls.ACCOUNT_SID + "\",\"streamSid\":\"" + streamSid + "\",\"callSid\":\"" + callSid
                                + "\",\"tracks\":[\"inbound\"],\"customParameters\":{" + parameters + "},\"mediaFormat\":{\"encoding\":"
                                + "\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}},\"streamSid\":\"" + streamSid + "\"}", true));
                socket = ws;
            } catch (Exception failed) {
                error("not opened: " + rootMessage(failed));
            }
        }

        /** The next frame: speech while an utterance lasts, else quiet; a new utterance once the reply was heard. */
        synchronized void tick(long timestamp, long nowNanos) {
            long now = nowNanos / 1_000_000;
            if (speechLeft == 0 && !awaitingReply && now >= playedUntil + PAUSE_AFTER_REPLY_MILLIS) {
                speechLeft = UTTERANCE_FRAMES;
            } else if (awaitingReply && now - utteranceEndedAt > REPLY_TIMEOUT_MILLIS) {
                awaitingReply = false;
                noReplies++;
            }
            String payload = speechLeft > 0 ? SPEECH.get((UTTERANCE_FRAMES - speechLeft) % SPEECH.size()) : SILENCE;
            if (speechLeft > 0 && --speechLeft == 0) {
                utteranceEndedAt = now;
                awaitingReply = true;
            }
            String frame = "{\"event\":\"media\",\"sequenceNumber\":\"" + ++sequence + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""
                           + (sequence - 1) + "\",\"timestamp\":\"" + timestamp + "\",\"payload\":\"" + payload + "\"},\"streamSid\":\""
                           + streamSid + "\"}";
            send(frame);
        }

        private void send(String text) {
            sending = sending.thenCompose(ws -> ws.sendText(text, true)).exceptionally(failed -> {
                error("send failed");
                return socket;
            });
        }

        void stop() {
            synchronized (this) {
                send("{\"event\":\"stop\",\"sequenceNumber\":\"" + ++sequence + "\",\"streamSid\":\"" + streamSid + "\",\"stop\":{\"accountSid\":\""
                     + SimulatedCalls.ACCOUNT_SID + "\",\"callSid\":\"" + callSid + "\"}}");
            }
            try {
                sending.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "")).get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                received(message);
            }
            webSocket.request(1);
            return null;
        }

        /** Our side of Twilio: audio queued to play, marks echoed once it has played, clear drops the rest. */
        private synchronized void received(String message) {
            long now = System.nanoTime() / 1_000_000;
            if (message.contains("\"event\":\"media\"")) {
                if (awaitingReply) {
                    awaitingReply = false;
                    replyMillis.add(now - utteranceEndedAt);
                }
                playedUntil = Math.max(playedUntil, now) + audioMillis(message);
            } else if (message.contains("\"event\":\"mark\"")) {
                Matcher name = MARK_NAME.matcher(message);
                String mark = name.find() ? name.group(1) : "";
                long delay = Math.max(0, playedUntil - now);
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
                    synchronized (this) {
                        send("{\"event\":\"mark\",\"sequenceNumber\":\"" + ++sequence + "\",\"streamSid\":\"" + streamSid
                             + "\",\"mark\":{\"name\":\"" + mark + "\"}}");
                    }
                });
            } else if (message.contains("\"event\":\"clear\"")) {
                clears++;
                playedUntil = now;
            } else if (message.contains("\"type\":\"error\"")) {
                error("error frame");
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (statusCode != WebSocket.NORMAL_CLOSURE) {
                error("closed " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            error("connection error: " + rootMessage(error));
        }

        private void error(String kind) {
            errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** How long a {@code media} message's audio plays: its base64 payload's bytes at 8 bytes a millisecond. */
    static long audioMillis(String message) {
        int start = message.indexOf("\"payload\":\"");
        if (start < 0) {
            return 0;
        }
        start += "\"payload\":\"".length();
        int end = message.indexOf('"', start);
        return (end - start) * 3L / 4 / 8;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static byte[] filled(byte value) {
        byte[] frame = new byte[FRAME_MILLIS * 8];
        java.util.Arrays.fill(frame, value);
        return frame;
    }

    /** 1.5 s of a voiced sound (a 180 Hz tone with harmonics), as 20 ms frames in base64, loud enough to be speech. */
    private static List<String> speechFrames() {
        List<String> frames = new ArrayList<>();
        for (int f = 0; f < UTTERANCE_FRAMES; f++) {
            byte[] frame = new byte[FRAME_MILLIS * 8];
            for (int i = 0; i < frame.length; i++) {
                double t = (f * frame.length + i) / 8000.0;
                double sample = 6000 * Math.sin(2 * Math.PI * 180 * t) + 3000 * Math.sin(2 * Math.PI * 360 * t)
                                + 1500 * Math.sin(2 * Math.PI * 720 * t);
                frame[i] = MuLaw.encode((short) Math.round(sample));
            }
            frames.add(Base64.getEncoder().encodeToString(frame));
        }
        return frames;
    }
}
