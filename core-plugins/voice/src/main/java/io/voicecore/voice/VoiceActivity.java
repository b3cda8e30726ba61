package io.voicecore.voice;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

import io.voicecore.aigateway.api.MuLaw;

/**
 * Finds where a caller's utterances start and end in a phone line's audio (8 kHz μ-law, as Media Streams carry it),
 * by the loudness of each frame against the line's own background noise. An utterance starts after
 * {@value #START_FRAMES} loud frames in a row (60 ms: quick enough to stop our own audio when the caller talks over
 * it) and ends after {@code endOfSpeechMillis} of quiet; its audio is kept from a little before the start, so the
 * first syllable is not clipped. Time is counted in frames, not by the clock, so a burst of frames that queued up
 * while a turn was answered is judged as it was spoken.
 *
 * <p>One instance per call; not thread-safe (a stream's callbacks never overlap).
 */
final class VoiceActivity {
    /** The loudness (RMS of 16-bit samples) below which a frame is never speech, however quiet the line. */
    static final double MIN_SPEECH_RMS = 500;
    /** How many times louder than the background a frame must be to count as speech. */
    static final double OVER_NOISE = 3.0;
    /** Loud frames in a row that start an utterance. */
    static final int START_FRAMES = 3;
    /** Audio kept from before an utterance's start (300 ms). */
    static final int PRE_ROLL_FRAMES = 15;
    /** The longest utterance (30 s): a caller who never stops is cut into utterances this long. */
    static final int MAX_UTTERANCE_FRAMES = 1500;
    /** Quiet kept at an utterance's end (200 ms). */
    private static final int TRAILING_QUIET_FRAMES = 10;
    private static final int FRAME_MILLIS = 20;

    /** What a frame changed. */
    enum Event {
        /** Nothing: quiet goes on, or speech goes on. */
        NONE,
        /** The caller started speaking. */
        SPEECH_STARTED,
        /** The caller stopped speaking: {@link #takeUtterance()} has what they said. */
        SPEECH_ENDED
    }

    private final int endFrames;
    private final ArrayDeque<byte[]> recent = new ArrayDeque<>();
    private final ByteArrayOutputStream utterance = new ByteArrayOutputStream();
    private double noise = 0;
    private int loudRun;
    private int quietRun;
    private int utteranceFrames;
    private boolean speaking;
    private byte[] finished = new byte[0];

    /** @param endOfSpeechMillis the quiet after which an utterance is over */
    VoiceActivity(int endOfSpeechMillis) {
        this.endFrames = Math.max(1, endOfSpeechMillis / FRAME_MILLIS);
    }

    /**
     * Takes the next frame of the caller's audio.
     *
     * @param frame μ-law bytes, usually 160 (20 ms)
     * @return whether an utterance started or ended with it
     */
    Event push(byte[] frame) {
        double rms = rms(frame);
        boolean loud = rms >= Math.max(MIN_SPEECH_RMS, noise * OVER_NOISE);
        if (!loud) {
            // The background is learnt from quiet frames only, slowly, so a pause in speech does not raise it.
            noise = noise == 0 ? rms : noise * 0.95 + rms * 0.05;
        }
        if (!speaking) {
            recent.addLast(frame);
            if (recent.size() > PRE_ROLL_FRAMES) {
                recent.removeFirst();
            }
            loudRun = loud ? loudRun + 1 : 0;
            if (loudRun < START_FRAMES) {
                return Event.NONE;
            }
            speaking = true;
            quietRun = 0;
            utterance.reset();
            recent.forEach(utterance::writeBytes);
            utteranceFrames = recent.size();
            recent.clear();
            return Event.SPEECH_STARTED;
        }
        utterance.writeBytes(frame);
        utteranceFrames++;
        quietRun = loud ? 0 : quietRun + 1;
        if (quietRun < endFrames && utteranceFrames < MAX_UTTERANCE_FRAMES) {
            return Event.NONE;
        }
        byte[] audio = utterance.toByteArray();
        int trimmed = Math.max(0, quietRun - TRAILING_QUIET_FRAMES) * frame.length;
        finished = java.util.Arrays.copyOf(audio, Math.max(0, audio.length - trimmed));
        speaking = false;
        loudRun = 0;
        utterance.reset();
        return Event.SPEECH_ENDED;
    }

    /** @return whether the caller is speaking now */
    boolean speaking() {
        return speaking;
    }

    /** @return the μ-law audio of the utterance that just ended, then nothing until the next one ends */
    byte[] takeUtterance() {
        byte[] audio = finished;
        finished = new byte[0];
        return audio;
    }

    /** @return the loudness of a frame: the RMS of its 16-bit samples */
    static double rms(byte[] frame) {
        if (frame.length == 0) {
            return 0;
        }
        long sum = 0;
        for (byte b : frame) {
            int sample = MuLaw.decode(b);
            sum += (long) sample * sample;
        }
        return Math.sqrt((double) sum / frame.length);
    }
}
