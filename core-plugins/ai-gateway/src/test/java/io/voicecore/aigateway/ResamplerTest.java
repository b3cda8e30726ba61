package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** 24 kHz to 8 kHz: the speech band passes, what lies above the phone's 4 kHz does not fold back into it. */
class ResamplerTest {
    private static final double AMPLITUDE = 10_000;

    @Test
    void aThousandHertzTonePassesAtItsLevel() {
        short[] out = Resampler.from24kTo8k(tone(1_000, 24_000));
        assertEquals(8_000, out.length);
        double gain = rms(out) / (AMPLITUDE / Math.sqrt(2));
        assertEquals(1.0, gain, 0.02, "gain " + gain);
        // Still a 1 kHz tone at 8 kHz: 8 samples a period, so a sample equals the one 8 later.
        for (int i = 200; i < 7_700; i += 97) {
            assertEquals(out[i], out[i + 8], 2.0);
        }
    }

    @Test
    void aSixKilohertzToneIsStronglyAttenuatedInsteadOfFoldingToTwoKilohertz() {
        double gain = rms(Resampler.from24kTo8k(tone(6_000, 24_000))) / (AMPLITUDE / Math.sqrt(2));
        // Keeping every third sample alone would turn it into a 2 kHz tone at full level.
        assertTrue(gain < 0.001, "gain " + gain + " (" + 20 * Math.log10(gain) + " dB)");
    }

    @Test
    void theLengthIsAThirdRoundedUpAndSilenceStaysSilent() {
        assertEquals(0, Resampler.from24kTo8k(new short[0]).length);
        assertEquals(2, Resampler.from24kTo8k(new short[4]).length);
        assertEquals(0, rms(Resampler.from24kTo8k(new short[300])));
    }

    @Test
    void fullScaleInputIsClippedNotWrappedAround() {
        short[] loud = new short[3_000];
        java.util.Arrays.fill(loud, Short.MAX_VALUE);
        short[] out = Resampler.from24kTo8k(loud);
        for (int i = 100; i < 900; i++) {
            assertTrue(out[i] > 32_000, "sample " + i + ": " + out[i]);
        }
    }

    private static short[] tone(double hertz, int samples) {
        short[] tone = new short[samples];
        for (int i = 0; i < samples; i++) {
            tone[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hertz * i / Resampler.INPUT_RATE));
        }
        return tone;
    }

    /** The root mean square, leaving out the edges, where the filter sees silence beyond the signal. */
    private static double rms(short[] samples) {
        if (samples.length == 0) {
            return 0;
        }
        int edge = samples.length / 10;
        double sum = 0;
        for (int i = edge; i < samples.length - edge; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / Math.max(1, samples.length - 2 * edge));
    }
}
