package io.voicecore.aigateway.api;

/**
 * The G.711 μ-law codec (ITU-T G.711, the North American and Japanese telephone companding): one 8-bit code per
 * sample, logarithmic, so quiet speech keeps its detail. Decoding is a table lookup, cheap enough to run on every
 * sample of a live call (e.g. to measure its energy for voice activity detection).
 *
 * @since ai-gateway 0.3.0
 */
public final class MuLaw {
    /** The code of silence (a decoded 0). */
    public static final byte SILENCE = (byte) 0xFF;
    /** The largest magnitude μ-law represents; louder samples are clipped to it. */
    private static final int CLIP = 32_635;
    /** Added before encoding so that every segment starts on a power of two. */
    private static final int BIAS = 0x84;
    private static final short[] DECODED = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            int inverted = ~code & 0xFF;
            int exponent = (inverted >> 4) & 0x07;
            int mantissa = inverted & 0x0F;
            int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
            DECODED[code] = (short) ((inverted & 0x80) != 0 ? -magnitude : magnitude);
        }
    }

    private MuLaw() {
    }

    /**
     * @param code a μ-law code as a phone line carries it
     * @return the 16-bit linear sample it stands for, between -32124 and 32124
     */
    public static short decode(byte code) {
        return DECODED[code & 0xFF];
    }

    /**
     * @param sample a 16-bit linear sample
     * @return its μ-law code: the segment and step nearest below it, so decoding gives the middle of that step
     */
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
}
