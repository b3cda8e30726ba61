package io.voicecore.aigateway.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Audio as a phone line carries it: 8 kHz mono G.711 μ-law, one byte per sample, e.g. the payload of Twilio Media
 * Streams frames. Immutable: the bytes are copied in and out.
 *
 * @param muLaw the μ-law codes, 8,000 a second
 * @since ai-gateway 0.3.0
 */
public record PhoneAudio(byte[] muLaw) {
    /** Samples a second. */
    public static final int SAMPLE_RATE = 8_000;
    /** Samples (and bytes) in one 20 ms frame, the unit a media stream sends. */
    public static final int FRAME_SAMPLES = SAMPLE_RATE / 50;

    /** Copies the bytes. */
    public PhoneAudio {
        muLaw = Objects.requireNonNull(muLaw, "muLaw").clone();
    }

    /** @param muLaw μ-law codes at 8 kHz @return the audio, holding a copy */
    public static PhoneAudio ofMuLaw(byte[] muLaw) {
        return new PhoneAudio(muLaw);
    }

    /** @param pcm 16-bit linear samples at 8 kHz @return the audio, μ-law encoded */
    public static PhoneAudio ofPcm8k(short[] pcm) {
        byte[] codes = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            codes[i] = MuLaw.encode(pcm[i]);
        }
        return new PhoneAudio(codes);
    }

    /** @return a copy of the μ-law codes */
    @Override
    public byte[] muLaw() {
        return muLaw.clone();
    }

    /** @return the audio as 16-bit linear samples at 8 kHz */
    public short[] pcm8k() {
        short[] samples = new short[muLaw.length];
        for (int i = 0; i < muLaw.length; i++) {
            samples[i] = MuLaw.decode(muLaw[i]);
        }
        return samples;
    }

    /** @return how many samples (bytes) it has */
    public int samples() {
        return muLaw.length;
    }

    /** @return whether it has no samples */
    public boolean isEmpty() {
        return muLaw.length == 0;
    }

    /** @return how long it plays */
    public Duration duration() {
        return Duration.ofNanos(muLaw.length * 1_000_000_000L / SAMPLE_RATE);
    }

    /** @return how many 20 ms frames it takes to send, the last one possibly partial */
    public int frames20ms() {
        return (muLaw.length + FRAME_SAMPLES - 1) / FRAME_SAMPLES;
    }

    /**
     * @param index 0 for the first frame, up to {@link #frames20ms()} - 1
     * @return that 20 ms frame's {@value #FRAME_SAMPLES} codes; the last frame is padded with silence
     * @throws IndexOutOfBoundsException when there is no such frame
     */
    public byte[] frame20ms(int index) {
        Objects.checkIndex(index, frames20ms());
        byte[] frame = new byte[FRAME_SAMPLES];
        int from = index * FRAME_SAMPLES;
        int length = Math.min(FRAME_SAMPLES, muLaw.length - from);
        System.arraycopy(muLaw, from, frame, 0, length);
        Arrays.fill(frame, length, FRAME_SAMPLES, MuLaw.SILENCE);
        return frame;
    }

    /** Equal when the codes are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof PhoneAudio audio && Arrays.equals(muLaw, audio.muLaw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(muLaw);
    }

    /** @return its length, not its bytes */
    @Override
    public String toString() {
        return "PhoneAudio[" + muLaw.length + " samples, " + duration().toMillis() + " ms]";
    }
}
