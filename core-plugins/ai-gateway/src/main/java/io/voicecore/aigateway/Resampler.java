package io.voicecore.aigateway;

/**
 * Brings OpenAI's 24 kHz speech down to the phone's 8 kHz. Keeping every third sample alone would fold everything
 * between 4 and 12 kHz (sibilants, the synthetic voice's brightness) back into the speech band as noise, so the signal
 * first goes through a low-pass filter: a windowed-sinc FIR with its cut-off at 3.4 kHz (the telephone band's top) and
 * a Blackman window (about 74 dB stop-band attenuation, reached by about 4.1 kHz with these taps).
 */
final class Resampler {
    /** OpenAI's speech sample rate. */
    static final int INPUT_RATE = 24_000;
    /** The phone's sample rate. */
    static final int OUTPUT_RATE = 8_000;
    private static final int FACTOR = INPUT_RATE / OUTPUT_RATE;
    private static final double CUTOFF_HZ = 3_400;
    private static final int TAPS = 97;
    private static final double[] FILTER = lowPass();

    private Resampler() {
    }

    /**
     * @param samples 16-bit samples at 24 kHz
     * @return the same sound at 8 kHz: one output sample for every three input samples, rounded up
     */
    static short[] from24kTo8k(short[] samples) {
        int half = TAPS / 2;
        short[] output = new short[(samples.length + FACTOR - 1) / FACTOR];
        for (int out = 0; out < output.length; out++) {
            int centre = out * FACTOR;
            double sum = 0;
            // Samples before the start and after the end count as silence.
            int firstTap = Math.max(0, half - centre);
            int lastTap = Math.min(TAPS - 1, samples.length - 1 - centre + half);
            for (int tap = firstTap; tap <= lastTap; tap++) {
                sum += FILTER[tap] * samples[centre - half + tap];
            }
            output[out] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(sum)));
        }
        return output;
    }

    /** The filter's taps, normalised to a gain of exactly 1 at 0 Hz. */
    private static double[] lowPass() {
        double[] taps = new double[TAPS];
        double cutoff = CUTOFF_HZ / INPUT_RATE;
        int half = TAPS / 2;
        double sum = 0;
        for (int i = 0; i < TAPS; i++) {
            int n = i - half;
            double sinc = n == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
            double window = 0.42 - 0.5 * Math.cos(2 * Math.PI * i / (TAPS - 1)) + 0.08 * Math.cos(4 * Math.PI * i / (TAPS - 1));
            taps[i] = sinc * window;
            sum += taps[i];
        }
        for (int i = 0; i < TAPS; i++) {
            taps[i] /= sum;
        }
        return taps;
    }
}
