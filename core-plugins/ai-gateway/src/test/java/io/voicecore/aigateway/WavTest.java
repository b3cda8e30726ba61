package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;

class WavTest {

    @Test
    void theHeaderDescribes16BitMonoPcmAtTheRateGiven() {
        byte[] file = Wav.mono16(new short[] {1, -2, 300}, 8_000);
        ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", new String(file, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(file.length - 8, header.getInt(4));
        assertEquals("WAVEfmt ", new String(file, 8, 8, StandardCharsets.US_ASCII));
        assertEquals(16, header.getInt(16));
        assertEquals(1, header.getShort(20), "PCM");
        assertEquals(1, header.getShort(22), "mono");
        assertEquals(8_000, header.getInt(24));
        assertEquals(16_000, header.getInt(28), "bytes a second");
        assertEquals(2, header.getShort(32));
        assertEquals(16, header.getShort(34));
        assertEquals("data", new String(file, 36, 4, StandardCharsets.US_ASCII));
        assertEquals(6, header.getInt(40));
        assertEquals(-2, header.getShort(46));
        assertEquals(300, header.getShort(48));
    }

    @Test
    void theJdksAudioReaderReadsTheFileBack() throws Exception {
        short[] samples = {0, 12_345, -12_345, Short.MAX_VALUE, Short.MIN_VALUE};
        try (AudioInputStream read = AudioSystem.getAudioInputStream(new ByteArrayInputStream(Wav.mono16(samples, 8_000)))) {
            AudioFormat format = read.getFormat();
            assertEquals(8_000f, format.getSampleRate());
            assertEquals(1, format.getChannels());
            assertEquals(16, format.getSampleSizeInBits());
            assertEquals(samples.length, read.getFrameLength());
            assertArrayEquals(samples, Wav.fromLittleEndian(read.readAllBytes()));
        }
    }
}
