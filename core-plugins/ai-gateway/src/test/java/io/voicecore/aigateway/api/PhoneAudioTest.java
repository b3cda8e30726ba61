package io.voicecore.aigateway.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class PhoneAudioTest {

    @Test
    void knownG711CodesDecodeAsTheStandardSays() {
        assertEquals(0, MuLaw.decode(MuLaw.SILENCE));
        assertEquals(32_124, MuLaw.decode((byte) 0x80));
        assertEquals(-32_124, MuLaw.decode((byte) 0x00));
        assertEquals((byte) 0xFF, MuLaw.encode((short) 0));
        assertEquals((byte) 0x80, MuLaw.encode(Short.MAX_VALUE));
        assertEquals((byte) 0x00, MuLaw.encode(Short.MIN_VALUE));
    }

    @Test
    void theBytesAreCopiedInAndOut() {
        byte[] codes = {1, 2, 3};
        PhoneAudio audio = PhoneAudio.ofMuLaw(codes);
        codes[0] = 9;
        audio.muLaw()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, audio.muLaw());
        assertEquals(PhoneAudio.ofMuLaw(new byte[] {1, 2, 3}), audio);
        assertNotEquals(PhoneAudio.ofMuLaw(new byte[] {1, 2, 4}), audio);
    }

    @Test
    void durationAndFramesFollowTheEightKilohertzRate() {
        PhoneAudio audio = PhoneAudio.ofPcm8k(new short[8_100]);
        assertEquals(Duration.ofMillis(1_012).plusNanos(500_000), audio.duration());
        assertEquals(51, audio.frames20ms());
        assertEquals(PhoneAudio.FRAME_SAMPLES, audio.frame20ms(50).length);
        assertEquals(MuLaw.SILENCE, audio.frame20ms(50)[99], "the last frame is padded with silence");
        assertThrows(IndexOutOfBoundsException.class, () -> audio.frame20ms(51));
        assertEquals(0, PhoneAudio.ofMuLaw(new byte[0]).frames20ms());
    }

    @Test
    void pcmSurvivesTheRoundTripWithinTheCodecsPrecision() {
        short[] pcm = {0, 1_000, -1_000, 20_000, -20_000};
        short[] back = PhoneAudio.ofPcm8k(pcm).pcm8k();
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(pcm[i], back[i], Math.abs(pcm[i]) / 16.0 + 8, "sample " + i);
        }
    }
}
