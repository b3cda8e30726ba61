package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** G.711 μ-law as the telephone network has it: bounded error, monotonic, and stable once quantised. */
class MuLawProperties {

    @Property(tries = 5_000)
    void aDecodedSampleIsWithinHalfAStepOfTheOriginal(@ForAll short sample) {
        int magnitude = Math.abs((int) sample);
        int clipped = Math.min(magnitude, 32_635);
        // Half the quantisation step of the segment the sample falls in, plus what clipping took off.
        int bound = (clipped + 132) / 32 + (magnitude - clipped);
        int error = Math.abs(MuLaw.decode(MuLaw.encode(sample)) - sample);
        assertTrue(error <= bound, "sample " + sample + " came back " + MuLaw.decode(MuLaw.encode(sample))
                                   + ", error " + error + " > " + bound);
    }

    @Property(tries = 5_000)
    void louderNeverDecodesQuieter(@ForAll short a, @ForAll short b) {
        short low = (short) Math.min(a, b);
        short high = (short) Math.max(a, b);
        assertTrue(MuLaw.decode(MuLaw.encode(low)) <= MuLaw.decode(MuLaw.encode(high)));
    }

    @Property(tries = 500)
    void everyByteDecodesToASampleThatEncodesBackToTheSameLevel(@ForAll byte encoded) {
        short sample = MuLaw.decode(encoded);
        assertEquals(sample, MuLaw.decode(MuLaw.encode(sample)));
        // 0x7F is μ-law's "negative zero": it decodes to 0, which encodes as 0xFF.
        if (encoded != 0x7F) {
            assertEquals(encoded, MuLaw.encode(sample));
        }
    }

    @Example
    void silenceIsFfAndTheExtremesClip() {
        assertEquals(MuLaw.SILENCE, MuLaw.encode((short) 0));
        assertEquals(0, MuLaw.decode(MuLaw.SILENCE));
        assertEquals(32_124, MuLaw.decode(MuLaw.encode(Short.MAX_VALUE)));
        assertEquals(-32_124, MuLaw.decode(MuLaw.encode(Short.MIN_VALUE)));
        assertEquals((byte) 0x80, MuLaw.encode(Short.MAX_VALUE));
        assertEquals((byte) 0x00, MuLaw.encode(Short.MIN_VALUE));
    }
}
