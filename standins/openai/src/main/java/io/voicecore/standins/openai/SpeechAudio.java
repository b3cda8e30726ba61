package io.voicecore.standins.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The audio the stand-in answers {@code POST /v1/audio/speech} with: not speech, but real audio of the format asked
 * for, whose length grows with the text as speech would. Each word is a short voiced tone (a fundamental and two
 * harmonics, its pitch taken from the word) followed by a gap, so a listener or a voice-activity detector hears
 * syllable-like bursts. Deterministic: the same text, voice and speed give the same bytes.
 *
 * <p>OpenAI's {@code pcm} is raw 24 kHz signed 16-bit little-endian mono; its {@code wav} is the same samples in a
 * RIFF/WAVE file.
 */
final class SpeechAudio {
    /** OpenAI's speech sample rate. */
    static final int SAMPLE_RATE = 24_000;
    /** How long a character of input lasts at speed 1, roughly the pace of speech (about 15 characters a second). */
    static final double SECONDS_PER_CHARACTER = 0.065;
    private static final double GAP_SECONDS = 0.08;
    private static final double MINIMUM_SECONDS = 0.3;

    private SpeechAudio() {
    }

    /** @return the samples for {@code text} spoken at {@code speed} (1.0 is normal, 2.0 twice as fast) */
    static short[] samples(String text, double speed) {
        List<String> words = OpenAiStandIn.words(text);
        if (words.isEmpty()) {
            words = List.of(text);
        }
        double total = Math.max(MINIMUM_SECONDS, text.strip().length() * SECONDS_PER_CHARACTER) / speed;
        int totalSamples = (int) Math.round(total * SAMPLE_RATE);
        short[] samples = new short[totalSamples];
        int letters = words.stream().mapToInt(String::length).sum();
        int gap = (int) Math.round(GAP_SECONDS / speed * SAMPLE_RATE);
        int voicedBudget = Math.max(words.size(), totalSamples - gap * words.size());
        int at = 0;
        for (String word : words) {
            int length = (int) ((long) voicedBudget * word.length() / Math.max(1, letters));
            tone(samples, at, Math.min(length, totalSamples - at), pitch(word));
            at += length + gap;
            if (at >= totalSamples) {
                break;
            }
        }
        return samples;
    }

    /** A voiced burst with 10 ms fades, so it starts and stops without clicks. */
    private static void tone(short[] samples, int from, int length, double fundamental) {
        int fade = SAMPLE_RATE / 100;
        for (int i = 0; i < length; i++) {
            double t = (double) i / SAMPLE_RATE;
            double value = 0.55 * Math.sin(2 * Math.PI * fundamental * t)
                           + 0.3 * Math.sin(2 * Math.PI * 2 * fundamental * t)
                           + 0.15 * Math.sin(2 * Math.PI * 3 * fundamental * t);
            double envelope = Math.min(1.0, Math.min((double) i / fade, (double) (length - i) / fade));
            samples[from + i] = (short) Math.round(value * envelope * 0.4 * Short.MAX_VALUE);
        }
    }

    /** A pitch between 140 and 260 Hz that depends on the word only. */
    private static double pitch(String word) {
        return 140 + Math.floorMod(word.hashCode(), 13) * 10;
    }

    /** @return the samples as OpenAI's {@code pcm}: signed 16-bit little-endian, no header */
    static byte[] pcm(short[] samples) {
        ByteBuffer bytes = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short sample : samples) {
            bytes.putShort(sample);
        }
        return bytes.array();
    }

    /** @return the samples as a 16-bit mono RIFF/WAVE file at {@value #SAMPLE_RATE} Hz */
    static byte[] wav(short[] samples) {
        byte[] data = pcm(samples);
        ByteBuffer file = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        file.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16);
        file.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return file.array();
    }

    /**
     * The duration of a RIFF/WAVE file, read from its {@code fmt } and {@code data} chunks.
     *
     * @return the seconds of audio it holds
     * @throws IllegalArgumentException when it is not a WAVE file a decoder could read
     */
    static double wavSeconds(byte[] file) {
        ByteBuffer bytes = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || !chunkId(file, 0).equals("RIFF") || !chunkId(file, 8).equals("WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        int byteRate = -1;
        int position = 12;
        while (position + 8 <= file.length) {
            String id = chunkId(file, position);
            long size = Integer.toUnsignedLong(bytes.getInt(position + 4));
            int body = position + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > file.length) {
                    throw new IllegalArgumentException("a fmt chunk too short");
                }
                int channels = bytes.getShort(body + 2);
                int rate = bytes.getInt(body + 4);
                byteRate = bytes.getInt(body + 8);
                if (channels < 1 || rate < 1 || byteRate < 1) {
                    throw new IllegalArgumentException("a fmt chunk with no channels or no rate");
                }
            } else if (id.equals("data")) {
                if (byteRate < 0) {
                    throw new IllegalArgumentException("a data chunk before the fmt chunk");
                }
                // A streamed WAVE may say 0xFFFFFFFF; what is there is what counts.
                long present = Math.min(size, file.length - body);
                return (double) present / byteRate;
            }
            position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IllegalArgumentException("no data chunk");
    }

    private static String chunkId(byte[] file, int at) {
        return new String(file, at, 4, StandardCharsets.US_ASCII);
    }
}
