package io.voicecore.standins.twilio;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The caller's side of a Twilio Media Stream: a WebSocket to the application on which the stand-in speaks Twilio's
 * protocol as a live call would. It sends {@code connected} and {@code start}, then a {@code media} message every
 * 20 ms in real time (160 bytes of 8 kHz μ-law: the caller's voice during an utterance, silence between), a
 * {@code dtmf} message for each key, and {@code stop} when the caller hangs up. On a bidirectional stream
 * ({@code <Connect><Stream>}) it plays what the server sends as a phone would, one frame a tick: {@code media} is
 * queued, a {@code mark} goes back once the audio before it has played, {@code clear} drops what has not been played
 * (and sends back its marks).
 *
 * <p>Everything goes out from one thread, the pacer, so messages never interleave; what arrives is handled on the
 * WebSocket's thread. Both record into the call's log and the stream's {@link StreamRecording}.
 */
final class MediaStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FRAME_NANOS = StreamRecording.FRAME.toNanos();
    private static final byte[] SILENCE = silenceFrame();
    /** A media message after this long without one starts a new reply. */
    private static final long NEW_REPLY_AFTER_NANOS = Duration.ofMillis(200).toNanos();
    /** Ticks without audio before playback counts as finished: real-time replies arrive with some jitter. */
    private static final int FINISHED_AFTER_EMPTY_TICKS = 5;
    /** How late a tick may be and still be caught up with; later, the schedule moves on. */
    private static final long MAX_LATENESS_NANOS = Duration.ofMillis(60).toNanos();
    /** Keys are pressed this many ticks apart. */
    private static final int TICKS_BETWEEN_KEYS = 10;
    private static final int MAX_PROTOCOL_ERRORS_LOGGED = 20;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    /** A caller's utterance on a unidirectional stream, queued by a Gather; {@code sent} opens once it is out. */
    private record Utterance(String text, byte[] mulaw, CountDownLatch sent) {
    }

    private final TwilioCallSettings settings;
    private final CallLog log;
    private final String callSid;
    private final URI url;
    private final boolean bidirectional;
    private final Optional<String> name;
    private final Map<String, String> customParameters;
    private final List<String> tracks;
    private final String streamSid = Sids.next(Sids.STREAM);
    private final PlaybackQueue playback = new PlaybackQueue();
    private final Queue<String> clearedMarks = new ConcurrentLinkedQueue<>();
    private final Queue<Utterance> forkedSpeech = new ConcurrentLinkedQueue<>();
    private final Map<CallerTurn, byte[]> voices = new IdentityHashMap<>();
    private StreamRecording recording;
    private WebSocket socket;
    private volatile String closedByServer;
    private volatile boolean endedByCaller;
    private volatile boolean stopRequested;
    private volatile long lastArrivalNanos;
    private volatile int protocolErrors;
    private Thread forkThread;

    private long startedNanos;

    // The pacer's state: touched by the pacer thread only.
    /** Tick 0's deadline; moved on when the machine was too busy to keep up. */
    private long startNanos;
    private int sequence;
    private int tick;
    private byte[] speaking;
    private int spoken;
    private Optional<Utterance> forkedUtterance = Optional.empty();
    private String keysLeft = "";
    private int nextKeyTick;
    private int silentTicksLeft;
    private boolean inTurn;
    private int turnEndTick;
    private int audibleSinceTurnEnd;
    private int lastAudibleTick = -1;
    private boolean playing;
    private int emptyTicks;

    MediaStream(TwilioCallSettings settings, CallLog log, String callSid, URI url, boolean bidirectional,
                Optional<String> name, Map<String, String> customParameters, List<String> tracks) {
        this.settings = settings;
        this.log = log;
        this.callSid = callSid;
        this.url = url;
        this.bidirectional = bidirectional;
        this.name = name;
        this.customParameters = Map.copyOf(customParameters);
        this.tracks = List.copyOf(tracks);
    }

    Optional<String> name() {
        return name;
    }

    /** Thrown when the WebSocket cannot be opened. */
    static final class StreamFailure extends Exception {
        StreamFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Opens the WebSocket (its upgrade request signed like a webhook, over the URL alone) and sends
     * {@code connected} and {@code start}.
     *
     * @return the stream's recording, filled as the stream goes on
     */
    StreamRecording open() throws StreamFailure {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        if (settings.signed()) {
            builder.header(TwilioSignature.HEADER, TwilioSignature.sign(settings.signingToken()
                                                                                .orElse(settings.authToken()),
                                                                        url.toString(), Map.of()));
        }
        try {
            socket = builder.buildAsync(url, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw new StreamFailure("could not open " + url + ": " + failed.getCause(), failed.getCause());
        } catch (TimeoutException slow) {
            throw new StreamFailure("could not open " + url + " within 10 seconds", slow);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw new StreamFailure("interrupted while opening " + url, stopping);
        }
        recording = new StreamRecording(streamSid, url, bidirectional, customParameters, log.now());
        log.add(at -> new CallEvent.StreamStarted(at, url, streamSid, bidirectional, name, customParameters));
        ObjectNode connected = JSON.createObjectNode().put("event", "connected").put("protocol", "Call")
                .put("version", "1.0.0");
        ObjectNode start = JSON.createObjectNode().put("event", "start").put("sequenceNumber", next());
        ObjectNode metadata = start.putObject("start");
        metadata.put("accountSid", settings.accountSid());
        metadata.put("streamSid", streamSid);
        metadata.put("callSid", callSid);
        tracks.forEach(metadata.putArray("tracks")::add);
        ObjectNode parameters = metadata.putObject("customParameters");
        customParameters.forEach(parameters::put);
        metadata.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", PcmAudio.TELEPHONE_RATE)
                .put("channels", 1);
        start.put("streamSid", streamSid);
        try {
            send(connected);
            send(start);
        } catch (StreamFailure failed) {
            socket.abort();
            throw failed;
        }
        // Media time starts once the stream has started.
        startedNanos = System.nanoTime();
        startNanos = startedNanos;
        lastArrivalNanos = startNanos - NEW_REPLY_AFTER_NANOS;
        return recording;
    }

    /**
     * The conversation of a {@code <Connect><Stream>}: the caller takes turns from the script in real time until
     * the script is done and the last reply has been heard (then hangs up), the server closes the WebSocket, or
     * the time limit.
     *
     * @return why it ended: {@code caller-hung-up}, {@code time-limit}, {@code closed-by-server} or
     *         {@code failed: …}
     */
    String converse(Deque<CallerTurn> turns) {
        // Encoding a turn's audio (resampling a WAV file) takes longer than a tick: done before the pacing starts.
        for (CallerTurn turn : turns) {
            if (turn instanceof CallerTurn.Speech speech) {
                voices.put(speech, speech.audio().orElseGet(() -> SyntheticVoice.saying(speech.text())).toMuLaw());
            }
        }
        return pace(turns);
    }

    /** Runs a {@code <Start><Stream>} in the background until {@link #stop()}; the caller speaks by {@link #speak}. */
    void fork() {
        forkThread = new Thread(() -> pace(null), "twilio-standin-stream-" + streamSid);
        forkThread.setDaemon(true);
        forkThread.start();
    }

    /**
     * Says {@code mulaw} on a forked stream: it is sent in real time from the next tick on.
     *
     * @return a latch that opens once it has all been sent, or the stream has ended
     */
    CountDownLatch speak(String text, byte[] mulaw) {
        Utterance utterance = new Utterance(text, mulaw, new CountDownLatch(1));
        forkedSpeech.add(utterance);
        if (!running()) {
            utterance.sent().countDown();
        }
        return utterance.sent();
    }

    /** Waits until {@code said} opens or the forked stream ends. */
    void awaitSaid(CountDownLatch said) {
        try {
            while (running() && !said.await(50, TimeUnit.MILLISECONDS)) {
                // The pacer sends the utterance a frame every 20 ms.
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    boolean running() {
        return forkThread != null && forkThread.isAlive();
    }

    /** Ends a forked stream: {@code stop}, then the WebSocket closed. */
    void stop() {
        stopRequested = true;
        if (forkThread != null) {
            try {
                forkThread.join(SEND_TIMEOUT.toMillis() * 2);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return how long the stream has lasted */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private String pace(Deque<CallerTurn> turns) {
        long maxTicks = Math.max(1, settings.maxStreamDuration().toNanos() / FRAME_NANOS);
        try {
            while (true) {
                waitForTick();
                if (closedByServer != null && !endedByCaller) {
                    event(CallEvent.StreamEventKind.CLOSED_BY_SERVER, closedByServer);
                    return finish("closed-by-server");
                }
                if (stopRequested) {
                    return hangUp("stopped");
                }
                if (!inTurn && turns != null && turns.isEmpty()
                    && ready(CallerTurn.Start.afterReply(settings.hangUpAfterQuiet()))) {
                    return hangUp("caller-hung-up");
                }
                // A tick: one frame of the server's audio plays while the caller sends one.
                playTick();
                if (!inTurn && turns == null) {
                    Utterance utterance = forkedSpeech.poll();
                    if (utterance != null) {
                        forkedUtterance = Optional.of(utterance);
                        beginSpeech(utterance.text(), utterance.mulaw());
                    }
                } else if (!inTurn && !turns.isEmpty() && ready(turns.peekFirst().start())) {
                    begin(turns.pollFirst());
                }
                sendMedia(callerTick());
                tick++;
                if (tick >= maxTicks) {
                    return hangUp("time-limit");
                }
            }
        } catch (StreamFailure failed) {
            forkedUtterance.ifPresent(utterance -> utterance.sent().countDown());
            if (closedBeforeLong()) {
                // The server closed the WebSocket while a frame was on its way: its close is what ended the stream.
                event(CallEvent.StreamEventKind.CLOSED_BY_SERVER, closedByServer);
                return finish("closed-by-server");
            }
            socket.abort();
            event(CallEvent.StreamEventKind.PROTOCOL_ERROR, failed.getMessage());
            return finish("failed: " + failed.getMessage());
        }
    }

    /** @return whether the server's close arrives within a moment (it may trail a send that failed because of it) */
    private boolean closedBeforeLong() {
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (closedByServer == null && System.nanoTime() < until) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        return closedByServer != null;
    }

    /**
     * Sleeps until the next 20 ms tick. Deadlines are absolute, so that small delays do not add up; after a longer
     * one (a busy machine) the schedule moves on rather than sending the late frames in a burst, as a phone's audio
     * would not arrive faster than it is spoken.
     */
    private void waitForTick() {
        long deadline = startNanos + tick * FRAME_NANOS;
        long late = System.nanoTime() - deadline;
        if (late > MAX_LATENESS_NANOS) {
            startNanos += late;
            event(CallEvent.StreamEventKind.FRAMES_LATE, late / 1_000_000 + " ms behind; the caller's audio resumes"
                                                         + " from here without a burst");
            return;
        }
        for (long wait = deadline - System.nanoTime(); wait > 0; wait = deadline - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** One frame of the server's audio plays; marks it reached go back. */
    private void playTick() throws StreamFailure {
        for (String cleared = clearedMarks.poll(); cleared != null; cleared = clearedMarks.poll()) {
            sendMark(cleared);
            event(CallEvent.StreamEventKind.MARK_ECHOED, cleared + " (cleared before it played)");
        }
        PlaybackQueue.Played played = playback.play(StreamRecording.FRAME_BYTES);
        byte[] frame = Arrays.copyOf(played.audio(), StreamRecording.FRAME_BYTES);
        Arrays.fill(frame, played.audio().length, frame.length, MuLaw.SILENCE);
        recording.heard(frame);
        if (played.audio().length > 0) {
            emptyTicks = 0;
            if (!playing) {
                playing = true;
                event(CallEvent.StreamEventKind.PLAYBACK_STARTED, "");
            }
        } else if (playing && ++emptyTicks >= FINISHED_AFTER_EMPTY_TICKS) {
            playing = false;
            event(CallEvent.StreamEventKind.PLAYBACK_FINISHED, "");
        }
        for (String mark : played.marks()) {
            sendMark(mark);
            event(CallEvent.StreamEventKind.MARK_ECHOED, mark);
        }
        if (StreamRecording.audible(MuLaw.decode(frame), 0)) {
            lastAudibleTick = tick;
            audibleSinceTurnEnd++;
        }
    }

    /** @return whether a turn with this start may begin now (logging when the caller gave up waiting for a reply) */
    private boolean ready(CallerTurn.Start start) {
        long sinceTurnEnd = (tick - turnEndTick) * 20L;
        long quietFor = lastAudibleTick < 0 ? sinceTurnEnd : Math.min(sinceTurnEnd, (tick - lastAudibleTick) * 20L);
        boolean noReply = audibleSinceTurnEnd == 0 && sinceTurnEnd >= settings.replyTimeout().toMillis();
        boolean ready = switch (start) {
            case CallerTurn.Start.After after -> sinceTurnEnd >= after.delay().toMillis();
            case CallerTurn.Start.AfterReply reply -> audibleSinceTurnEnd > 0 ? quietFor >= reply.quiet().toMillis()
                                                                               : noReply;
            case CallerTurn.Start.Interrupting interrupting ->
                    audibleSinceTurnEnd * 20L >= interrupting.intoReply().toMillis()
                    // The reply was over before the caller could interrupt it: the caller speaks after it.
                    || audibleSinceTurnEnd > 0 && quietFor >= CallerTurn.DEFAULT_PAUSE.toMillis()
                    || noReply;
        };
        if (ready && noReply && !(start instanceof CallerTurn.Start.After)) {
            event(CallEvent.StreamEventKind.NO_REPLY, "nothing audible came for " + settings.replyTimeout().toMillis()
                                                      + " ms; the caller goes on");
        }
        return ready;
    }

    private void begin(CallerTurn turn) {
        inTurn = true;
        switch (turn) {
            case CallerTurn.Speech speech -> beginSpeech(speech.text(), voices.computeIfAbsent(
                    speech, unseen -> speech.audio().orElseGet(() -> SyntheticVoice.saying(speech.text())).toMuLaw()));
            case CallerTurn.Digits digits -> {
                keysLeft = digits.digits();
                nextKeyTick = tick;
            }
            case CallerTurn.Silence silence -> {
                silentTicksLeft = (int) Math.max(1, silence.length().toNanos() / FRAME_NANOS);
            }
        }
    }

    private void beginSpeech(String text, byte[] mulaw) {
        inTurn = true;
        speaking = mulaw;
        spoken = 0;
        event(CallEvent.StreamEventKind.UTTERANCE_STARTED, text);
    }

    /** @return the caller's frame for this tick, moving the current turn on */
    private byte[] callerTick() throws StreamFailure {
        if (speaking != null) {
            byte[] frame = Arrays.copyOfRange(speaking, spoken, spoken + StreamRecording.FRAME_BYTES);
            if (speaking.length - spoken < StreamRecording.FRAME_BYTES) {
                Arrays.fill(frame, speaking.length - spoken, frame.length, MuLaw.SILENCE);
            }
            spoken += StreamRecording.FRAME_BYTES;
            if (spoken >= speaking.length) {
                speaking = null;
                event(CallEvent.StreamEventKind.UTTERANCE_ENDED, "");
                forkedUtterance.ifPresent(utterance -> utterance.sent().countDown());
                forkedUtterance = Optional.empty();
                endTurn();
            }
            return frame;
        }
        if (!keysLeft.isEmpty() && tick >= nextKeyTick) {
            String key = keysLeft.substring(0, 1);
            keysLeft = keysLeft.substring(1);
            nextKeyTick = tick + TICKS_BETWEEN_KEYS;
            ObjectNode dtmf = JSON.createObjectNode().put("event", "dtmf").put("streamSid", streamSid)
                    .put("sequenceNumber", next());
            dtmf.putObject("dtmf").put("track", "inbound_track").put("digit", key);
            send(dtmf);
            event(CallEvent.StreamEventKind.DTMF_SENT, key);
            if (keysLeft.isEmpty()) {
                endTurn();
            }
        } else if (silentTicksLeft > 0 && --silentTicksLeft == 0) {
            endTurn();
        }
        return SILENCE;
    }

    private void endTurn() {
        inTurn = false;
        turnEndTick = tick + 1;
        audibleSinceTurnEnd = 0;
    }

    private void sendMedia(byte[] frame) throws StreamFailure {
        ObjectNode media = JSON.createObjectNode().put("event", "media").put("sequenceNumber", next());
        media.putObject("media").put("track", "inbound").put("chunk", Integer.toString(tick + 1))
                .put("timestamp", Long.toString(tick * 20L)).put("payload", Base64.getEncoder().encodeToString(frame));
        media.put("streamSid", streamSid);
        send(media);
        recording.sent(log.now(), frame);
    }

    private void sendMark(String markName) throws StreamFailure {
        ObjectNode mark = JSON.createObjectNode().put("event", "mark").put("sequenceNumber", next())
                .put("streamSid", streamSid);
        mark.putObject("mark").put("name", markName);
        send(mark);
    }

    /** The caller hangs up: {@code stop}, then the WebSocket closed. */
    private String hangUp(String reason) {
        endedByCaller = true;
        ObjectNode stop = JSON.createObjectNode().put("event", "stop").put("sequenceNumber", next())
                .put("streamSid", streamSid);
        stop.putObject("stop").put("accountSid", settings.accountSid()).put("callSid", callSid);
        try {
            send(stop);
            event(CallEvent.StreamEventKind.STOP_SENT, reason);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (StreamFailure | ExecutionException | TimeoutException gone) {
            // The server went away first: the stop is on the transcript's timeline or its absence is.
            socket.abort();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            socket.abort();
        }
        return finish(reason);
    }

    private String finish(String reason) {
        endedByCaller = true;
        forkedUtterance.ifPresent(utterance -> utterance.sent().countDown());
        forkedSpeech.forEach(utterance -> utterance.sent().countDown());
        recording.ended(log.now(), reason);
        log.add(at -> new CallEvent.StreamStopped(at, streamSid, reason));
        return reason;
    }

    private String next() {
        return Integer.toString(++sequence);
    }

    private void send(ObjectNode message) throws StreamFailure {
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message is plain JSON", e);
        } catch (ExecutionException | TimeoutException failed) {
            throw new StreamFailure("could not send " + message.path("event").asText() + ": "
                                    + (failed.getCause() == null ? failed : failed.getCause()), failed);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw new StreamFailure("interrupted", stopping);
        }
    }

    private void event(CallEvent.StreamEventKind kind, String detail) {
        recording.event(log.add(at -> new CallEvent.StreamEvent(at, streamSid, kind, detail)));
    }

    private void protocolError(String detail) {
        if (protocolErrors++ < MAX_PROTOCOL_ERRORS_LOGGED) {
            event(CallEvent.StreamEventKind.PROTOCOL_ERROR, detail);
        }
    }

    /** A message from the server. */
    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            protocolError("a message that is not JSON: " + abbreviate(text));
            return;
        }
        String event = message.path("event").asText("");
        if (!event.isEmpty() && !streamSid.equals(message.path("streamSid").asText())) {
            protocolError("a " + event + " message with streamSid " + message.path("streamSid") + ", not this stream's "
                          + streamSid + ": Twilio ignores it");
            return;
        }
        switch (event) {
            case "media" -> media(message);
            case "mark" -> {
                String markName = message.path("mark").path("name").asText("");
                if (markName.isEmpty()) {
                    protocolError("a mark message without mark.name");
                } else if (!bidirectional) {
                    protocolError("a mark on a unidirectional <Start><Stream>: only <Connect><Stream> plays audio");
                } else {
                    playback.mark(markName);
                    event(CallEvent.StreamEventKind.MARK_RECEIVED, markName);
                }
            }
            case "clear" -> {
                if (!bidirectional) {
                    protocolError("a clear on a unidirectional <Start><Stream>: only <Connect><Stream> plays audio");
                } else {
                    PlaybackQueue.Cleared cleared = playback.clear();
                    clearedMarks.addAll(cleared.marks());
                    event(CallEvent.StreamEventKind.CLEAR_RECEIVED, "dropped " + cleared.droppedBytes() / 8
                                                                    + " ms of audio not yet played");
                }
            }
            default -> protocolError("a message with event '" + event + "': Twilio takes media, mark and clear");
        }
    }

    private void media(JsonNode message) {
        if (!bidirectional) {
            protocolError("media on a unidirectional <Start><Stream> is not played: only <Connect><Stream> is"
                          + " bidirectional");
            return;
        }
        byte[] audio;
        try {
            audio = Base64.getDecoder().decode(message.path("media").path("payload").asText(""));
        } catch (IllegalArgumentException notBase64) {
            protocolError("a media payload that is not base64");
            return;
        }
        if (audio.length == 0) {
            protocolError("a media message without media.payload");
            return;
        }
        long now = System.nanoTime();
        boolean newReply = now - lastArrivalNanos >= NEW_REPLY_AFTER_NANOS && !playback.playing();
        lastArrivalNanos = now;
        recording.received(log.now(), audio);
        playback.audio(audio);
        if (newReply) {
            event(CallEvent.StreamEventKind.AUDIO_ARRIVED, audio.length + " bytes");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    private static byte[] silenceFrame() {
        byte[] frame = new byte[StreamRecording.FRAME_BYTES];
        Arrays.fill(frame, MuLaw.SILENCE);
        return frame;
    }

    /** Receives the server's messages; whole text messages are handled, partial ones gathered first. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (recording != null) {
                    receive(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last && recording != null) {
                protocolError("a binary message: Twilio's messages are JSON text");
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByServer = "close " + statusCode + (reason.isEmpty() ? "" : " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedByServer = "error " + error;
        }
    }
}
