package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV files in, telephone μ-law out, and back. */
class PcmAudioTest {
    @TempDir
    Path folder;

    @Test
    void aToneAt16KilohertzSurvivesResamplingAndMuLawWithLittleError() {
        PcmAudio tone = PcmAudio.tone(16_000, 440, 1.0, 12_000);
        byte[] mulaw = tone.toMuLaw();
        assertEquals(8_000, mulaw.length);

        PcmAudio back = PcmAudio.fromMuLaw(mulaw);
        PcmAudio reference = PcmAudio.tone(8_000, 440, 1.0, 12_000);
        double noise = 0;
        double signal = 0;
        // The fades at the ends are where band-limiting smears most; the middle is the fair comparison.
        for (int i = 400; i < 7_600; i++) {
            double difference = back.samples()[i] - reference.samples()[i];
            noise += difference * difference;
            signal += (double) reference.samples()[i] * reference.samples()[i];
        }
        double snr = 10 * Math.log10(signal / noise);
        assertTrue(snr > 30, "signal to noise " + snr + " dB");
    }

    @Test
    void downsamplingRemovesWhatTheTelephoneCannotCarry() {
        // 6 kHz is above the 4 kHz Nyquist limit of 8 kHz audio: without filtering it would fold back as 2 kHz.
        PcmAudio high = PcmAudio.tone(48_000, 6_000, 0.5, 20_000).resampled(8_000);
        assertTrue(high.rms() < 200, "leaked " + high.rms());
        PcmAudio low = PcmAudio.tone(48_000, 1_000, 0.5, 20_000).resampled(8_000);
        assertEquals(20_000 / Math.sqrt(2), low.rms(), 800);
    }

    @Test
    void readsStereoAnd8BitWavesAndWritesWhatItReads() throws Exception {
        Path stereo = folder.resolve("stereo.wav");
        ByteBuffer data = ByteBuffer.allocate(4 * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 1000).putShort((short) 3000).putShort((short) -2000).putShort((short) 0)
                .putShort((short) 10).putShort((short) 20).putShort((short) 0).putShort((short) 0);
        Files.write(stereo, wav(1, 2, 22_050, 16, data.array()));
        PcmAudio read = PcmAudio.readWav(stereo);
        assertEquals(22_050, read.sampleRate());
        assertEquals(2000, read.samples()[0]);
        assertEquals(-1000, read.samples()[1]);
        assertEquals(15, read.samples()[2]);

        Path eightBit = folder.resolve("eight.wav");
        Files.write(eightBit, wav(1, 1, 8_000, 8, new byte[] {(byte) 128, (byte) 255, 0}));
        PcmAudio eight = PcmAudio.readWav(eightBit);
        assertEquals(0, eight.samples()[0]);
        assertEquals(127 << 8, eight.samples()[1]);
        assertEquals(-128 << 8, eight.samples()[2]);

        Path written = folder.resolve("written.wav");
        read.writeWav(written);
        assertEquals(read, PcmAudio.readWav(written));
        assertEquals(Duration.ofNanos(4 * 1_000_000_000L / 22_050), read.duration());
    }

    @Test
    void refusesWhatItCannotRead() throws Exception {
        Path text = folder.resolve("not.wav");
        Files.writeString(text, "hello");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PcmAudio.readWav(text)).getMessage()
                           .contains("not a WAV file"));
        Path floats = folder.resolve("float.wav");
        Files.write(floats, wav(3, 1, 16_000, 32, new byte[8]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PcmAudio.readWav(floats)).getMessage()
                           .contains("format 3 with 32-bit samples"));
    }

    static byte[] wav(int format, int channels, int rate, int bits, byte[] data) {
        ByteBuffer file = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) format).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return file.array();
    }
}
