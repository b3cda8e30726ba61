package io.voicecore.standins.twilio;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Media Stream of a call as the caller lived it: the timeline (utterances, replies, marks, {@code clear}s),
 * every {@code media} message received with its arrival time, what the caller heard tick by tick, and what the
 * caller sent. Times are since the call started, on the same clock as the {@link CallEvent}s.
 *
 * <p>For barge-in: {@link #clearAfterUtterance(int)} is how long after the caller started speaking the server's
 * {@code clear} arrived, and {@link #audioHeardWhileSpeaking(int)} how much of our audio the caller heard over
 * their own voice. Both hold whether the server stopped its audio with {@code clear} or by sending no more.
 */
public final class StreamRecording {
    /** A 20 ms frame of 8 kHz μ-law. */
    public static final int FRAME_BYTES = 160;
    /** The length of a frame. */
    public static final Duration FRAME = Duration.ofMillis(20);
    /** Below this root mean square (of 16-bit samples) a frame is silence to the caller's ear. */
    static final double AUDIBLE_RMS = 300;

    /** A {@code media} message from the server: when it arrived and its μ-law payload. */
    public record ReceivedAudio(Duration at, byte[] mulaw) {
    }

    private final String streamSid;
    private final URI url;
    private final boolean bidirectional;
    private final Map<String, String> customParameters;
    private final Duration startedAt;
    private final List<CallEvent.StreamEvent> timeline = new ArrayList<>();
    private final List<ReceivedAudio> received = new ArrayList<>();
    private final ByteArrayOutputStream heard = new ByteArrayOutputStream();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final List<Duration> sentAt = new ArrayList<>();
    private Duration endedAt;
    private String endReason;

    StreamRecording(String streamSid, URI url, boolean bidirectional, Map<String, String> customParameters,
                    Duration startedAt) {
        this.streamSid = streamSid;
        this.url = url;
        this.bidirectional = bidirectional;
        this.customParameters = Map.copyOf(customParameters);
        this.startedAt = startedAt;
    }

    synchronized void event(CallEvent.StreamEvent event) {
        timeline.add(event);
    }

    synchronized void received(Duration at, byte[] mulaw) {
        received.add(new ReceivedAudio(at, mulaw));
    }

    /** One tick of what the caller heard, a whole frame (silence where nothing played). */
    synchronized void heard(byte[] frame) {
        heard.writeBytes(frame);
    }

    synchronized void sent(Duration at, byte[] frame) {
        sent.writeBytes(frame);
        sentAt.add(at);
    }

    synchronized void ended(Duration at, String reason) {
        endedAt = at;
        endReason = reason;
    }

    /** @return the stream's SID ({@code MZ…}) */
    public String streamSid() {
        return streamSid;
    }

    /** @return the WebSocket URL */
    public URI url() {
        return url;
    }

    /** @return whether it was a {@code <Connect><Stream>} (the server may send audio back) */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** @return the {@code <Parameter>}s sent in {@code start.customParameters} */
    public Map<String, String> customParameters() {
        return customParameters;
    }

    /** @return when the stream started ({@code start} sent), since the call started */
    public Duration startedAt() {
        return startedAt;
    }

    /** @return when it ended, if it has */
    public synchronized Optional<Duration> endedAt() {
        return Optional.ofNullable(endedAt);
    }

    /**
     * @return how it ended: {@code caller-hung-up}, {@code closed-by-server}, {@code time-limit}, {@code stopped}
     *         (a {@code <Stop><Stream>} or the end of the call), {@code failed: …}; empty while it runs
     */
    public synchronized Optional<String> endReason() {
        return Optional.ofNullable(endReason);
    }

    /** @return the timeline, oldest first */
    public synchronized List<CallEvent.StreamEvent> timeline() {
        return List.copyOf(timeline);
    }

    /** @return the timeline's events of one kind */
    public synchronized List<CallEvent.StreamEvent> timeline(CallEvent.StreamEventKind kind) {
        return timeline.stream().filter(event -> event.kind() == kind).toList();
    }

    /** @return every {@code media} message received, in order */
    public synchronized List<ReceivedAudio> received() {
        return List.copyOf(received);
    }

    /** @return the payloads of every {@code media} message received, joined: the server's audio as sent */
    public synchronized byte[] receivedMuLaw() {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        received.forEach(audio -> joined.writeBytes(audio.mulaw()));
        return joined.toByteArray();
    }

    /**
     * @return what the caller heard, one frame every 20 ms from the start of the stream (one for each frame the
     *         caller sent, at the same moment): received audio as it played, silence where nothing was left to play,
     *         nothing of what a {@code clear} dropped
     */
    public synchronized byte[] heardMuLaw() {
        return heard.toByteArray();
    }

    /** @return what the caller sent, one frame every 20 ms */
    public synchronized byte[] sentMuLaw() {
        return sent.toByteArray();
    }

    /** @return when each of the caller's {@code media} frames was sent */
    public synchronized List<Duration> sentAt() {
        return List.copyOf(sentAt);
    }

    /** Writes the audio received, decoded, as an 8 kHz 16-bit WAV file. */
    public void writeReceivedWav(Path file) {
        PcmAudio.fromMuLaw(receivedMuLaw()).writeWav(file);
    }

    /** Writes what the caller heard, in real time, as an 8 kHz 16-bit WAV file. */
    public void writeHeardWav(Path file) {
        PcmAudio.fromMuLaw(heardMuLaw()).writeWav(file);
    }

    /** Writes what the caller said, in real time, as an 8 kHz 16-bit WAV file. */
    public void writeSentWav(Path file) {
        PcmAudio.fromMuLaw(sentMuLaw()).writeWav(file);
    }

    /** @return when each of the caller's utterances started, in order */
    public List<Duration> utteranceStarts() {
        return timeline(CallEvent.StreamEventKind.UTTERANCE_STARTED).stream().map(CallEvent.StreamEvent::at).toList();
    }

    /** @return when each of the caller's utterances ended, in order */
    public List<Duration> utteranceEnds() {
        return timeline(CallEvent.StreamEventKind.UTTERANCE_ENDED).stream().map(CallEvent.StreamEvent::at).toList();
    }

    /**
     * @param utterance 0 for the caller's first utterance on this stream
     * @return how long after the utterance started the first {@code clear} after it arrived, if one did
     */
    public Optional<Duration> clearAfterUtterance(int utterance) {
        Duration start = utteranceStarts().get(utterance);
        return timeline(CallEvent.StreamEventKind.CLEAR_RECEIVED).stream().map(CallEvent.StreamEvent::at)
                .filter(at -> at.compareTo(start) >= 0).findFirst().map(at -> at.minus(start));
    }

    /**
     * @param utterance 0 for the caller's first utterance on this stream
     * @return how much audible audio from the server the caller heard while saying it (to its end, or to now)
     */
    public Duration audioHeardWhileSpeaking(int utterance) {
        Duration start = utteranceStarts().get(utterance);
        List<Duration> ends = utteranceEnds();
        Optional<Duration> end = utterance < ends.size() ? Optional.of(ends.get(utterance)) : Optional.empty();
        return audibleBetween(start, end.orElse(Duration.ofDays(1)));
    }

    /** @return how much audible audio from the server the caller heard between two moments of the call */
    public synchronized Duration audibleBetween(Duration from, Duration to) {
        short[] samples = MuLaw.decode(heard.toByteArray());
        long frames = 0;
        // A frame is heard in the tick the caller's frame is sent in: the tick's time is that send's.
        for (int frame = 0; (frame + 1) * FRAME_BYTES <= samples.length && frame < sentAt.size(); frame++) {
            Duration at = sentAt.get(frame);
            if (at.compareTo(from) >= 0 && at.compareTo(to) < 0 && audible(samples, frame * FRAME_BYTES)) {
                frames++;
            }
        }
        return FRAME.multipliedBy(frames);
    }

    /** @return whether the frame at {@code offset} is loud enough to be heard as more than line noise */
    static boolean audible(short[] samples, int offset) {
        double sum = 0;
        for (int i = offset; i < offset + FRAME_BYTES && i < samples.length; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / FRAME_BYTES) > AUDIBLE_RMS;
    }
}
