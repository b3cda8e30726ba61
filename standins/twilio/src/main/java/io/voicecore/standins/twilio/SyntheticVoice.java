package io.voicecore.standins.twilio;

import java.util.Arrays;
import java.util.List;

/**
 * What the caller sounds like in stream mode when a turn has only text: not speech, but telephone audio with
 * speech's rhythm and loudness, so that a voice-activity detector hears a caller talking for as long as the text
 * would take to say. Each word is a voiced burst (a fundamental between 110 and 230 Hz with harmonics, its pitch
 * from the word, pulsing at a syllable rate of about 5 Hz), with a short gap between words. Deterministic.
 */
final class SyntheticVoice {
    /** Roughly the pace of speech: about 15 characters a second. */
    static final double SECONDS_PER_CHARACTER = 0.065;
    private static final double GAP_SECONDS = 0.06;
    private static final int RATE = PcmAudio.TELEPHONE_RATE;

    private SyntheticVoice() {
    }

    /** @return 8 kHz audio of someone "saying" {@code text} */
    static PcmAudio saying(String text) {
        List<String> words = Arrays.stream(text.strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
        if (words.isEmpty()) {
            return PcmAudio.silence(RATE, 0.3);
        }
        int totalSamples = (int) Math.round(Math.max(0.3, text.strip().length() * SECONDS_PER_CHARACTER) * RATE);
        short[] samples = new short[totalSamples];
        int letters = words.stream().mapToInt(String::length).sum();
        int gap = (int) Math.round(GAP_SECONDS * RATE);
        int voiced = Math.max(words.size(), totalSamples - gap * words.size());
        int at = 0;
        for (String word : words) {
            int length = Math.min((int) ((long) voiced * word.length() / letters), totalSamples - at);
            burst(samples, at, length, 110 + Math.floorMod(word.hashCode(), 13) * 10);
            at += length + gap;
            if (at >= totalSamples) {
                break;
            }
        }
        return new PcmAudio(RATE, samples);
    }

    private static void burst(short[] samples, int from, int length, double pitch) {
        int fade = RATE / 100;
        for (int i = 0; i < length; i++) {
            double t = (double) i / RATE;
            double voice = 0.6 * Math.sin(2 * Math.PI * pitch * t) + 0.3 * Math.sin(4 * Math.PI * pitch * t)
                           + 0.1 * Math.sin(6 * Math.PI * pitch * t);
            double syllables = 0.65 + 0.35 * Math.sin(2 * Math.PI * 5 * t);
            double envelope = Math.min(1.0, Math.min((double) i / fade, (double) (length - i) / fade));
            samples[from + i] = (short) Math.round(voice * syllables * envelope * 12_000);
        }
    }
}
