package io.voicecore.standins.twilio;

/**
 * G.711 μ-law, the telephone audio of Twilio's Media Streams ({@code audio/x-mulaw}, 8 kHz mono, one byte a sample):
 * a 16-bit sample is biased, its magnitude's highest set bit becomes a 3-bit exponent and the next four bits the
 * mantissa, and the byte is inverted. Decoding gives the middle of the step the sample fell in, so the error is at
 * most half a step: 4 for the quietest samples, growing to 512 for the loudest ({@code (|x| + 132) / 32} at most),
 * plus what clipping at ±32,635 takes off.
 */
public final class MuLaw {
    /** The byte of silence (a zero sample). */
    public static final byte SILENCE = (byte) 0xFF;
    private static final int BIAS = 0x84;
    private static final int CLIP = 32_635;

    private MuLaw() {
    }

    /** @return the μ-law byte of a 16-bit linear sample */
    public static byte encode(short sample) {
        int value = sample;
        int sign = 0;
        if (value < 0) {
            sign = 0x80;
            value = -value;
        }
        value = Math.min(value, CLIP) + BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (value >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** @return the 16-bit linear sample a μ-law byte stands for */
    public static short decode(byte encoded) {
        int value = ~encoded & 0xFF;
        int exponent = (value >> 4) & 0x07;
        int mantissa = value & 0x0F;
        int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        return (short) ((value & 0x80) != 0 ? -magnitude : magnitude);
    }

    /** @return the μ-law bytes of {@code samples} */
    public static byte[] encode(short[] samples) {
        byte[] encoded = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            encoded[i] = encode(samples[i]);
        }
        return encoded;
    }

    /** @return the linear samples of μ-law {@code bytes} */
    public static short[] decode(byte[] bytes) {
        short[] samples = new short[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            samples[i] = decode(bytes[i]);
        }
        return samples;
    }
}
