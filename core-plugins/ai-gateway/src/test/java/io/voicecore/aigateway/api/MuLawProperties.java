package io.voicecore.aigateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The G.711 μ-law codec: every code survives a round trip, and encoding loses no more than half a step. */
class MuLawProperties {

    @Property
    void everyCodeDecodesToASampleThatEncodesBackToTheSameSound(@ForAll byte code) {
        short sample = MuLaw.decode(code);
        // 0x7F is G.711's "negative zero": it decodes to 0, which encodes as the positive zero 0xFF.
        assertEquals(sample, MuLaw.decode(MuLaw.encode(sample)));
        if (code != 0x7F) {
            assertEquals(code, MuLaw.encode(sample));
        }
    }

    @Property
    void encodingIsWithinHalfASegmentStepOfTheSample(@ForAll @IntRange(min = -32_635, max = 32_635) int value) {
        short sample = (short) value;
        int error = Math.abs(MuLaw.decode(MuLaw.encode(sample)) - sample);
        // A segment's step is 1/16 of its span, which starts at (|sample| + 132) / 2 or above: half a step is at most 1/32.
        assertTrue(error <= (Math.abs(value) + 132) / 32 + 1, value + " came back " + error + " away");
    }

    @Property
    void louderSamplesNeverDecodeQuieter(@ForAll short first, @ForAll short second) {
        short quieter = (short) Math.min(first, second);
        short louder = (short) Math.max(first, second);
        assertTrue(MuLaw.decode(MuLaw.encode(quieter)) <= MuLaw.decode(MuLaw.encode(louder)));
    }

    @Property
    void theSignIsKept(@ForAll @IntRange(min = 200, max = 32_767) int magnitude) {
        assertTrue(MuLaw.decode(MuLaw.encode((short) magnitude)) > 0);
        assertTrue(MuLaw.decode(MuLaw.encode((short) -magnitude)) < 0);
    }
}
