package io.voicecore.aigateway;

import java.nio.charset.StandardCharsets;

/** 16-bit linear PCM as bytes: little-endian raw samples (OpenAI's {@code pcm}) and mono RIFF/WAVE files. */
final class Wav {
    /** The bytes of a canonical WAVE header: RIFF, a 16-byte {@code fmt } chunk, and the {@code data} chunk's header. */
    static final int HEADER_BYTES = 44;

    private Wav() {
    }

    /**
     * @param samples    16-bit samples, one channel
     * @param sampleRate samples a second
     * @return a RIFF/WAVE file holding them as 16-bit PCM mono
     */
    static byte[] mono16(short[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        byte[] file = new byte[HEADER_BYTES + dataBytes];
        ascii(file, 0, "RIFF");
        int32(file, 4, 36 + dataBytes);
        ascii(file, 8, "WAVE");
        ascii(file, 12, "fmt ");
        int32(file, 16, 16);
        int16(file, 20, 1);               // PCM
        int16(file, 22, 1);               // mono
        int32(file, 24, sampleRate);
        int32(file, 28, sampleRate * 2);  // bytes a second
        int16(file, 32, 2);               // bytes a frame
        int16(file, 34, 16);              // bits a sample
        ascii(file, 36, "data");
        int32(file, 40, dataBytes);
        for (int i = 0; i < samples.length; i++) {
            int16(file, HEADER_BYTES + 2 * i, samples[i]);
        }
        return file;
    }

    /**
     * @param bytes signed 16-bit little-endian samples without a header; an odd last byte is ignored
     * @return the samples
     */
    static short[] fromLittleEndian(byte[] bytes) {
        short[] samples = new short[bytes.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] << 8));
        }
        return samples;
    }

    private static void ascii(byte[] file, int at, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, file, at, bytes.length);
    }

    private static void int16(byte[] file, int at, int value) {
        file[at] = (byte) value;
        file[at + 1] = (byte) (value >> 8);
    }

    private static void int32(byte[] file, int at, int value) {
        int16(file, at, value);
        int16(file, at + 2, value >> 16);
    }
}
