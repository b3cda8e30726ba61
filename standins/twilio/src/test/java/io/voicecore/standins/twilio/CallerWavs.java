package io.voicecore.standins.twilio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * WAV files of a caller speaking, for stream-mode tests: espeak-ng's voice when it is installed (22.05 kHz), else
 * a voiced signal made here at 16 kHz (harmonics and breath noise pulsing at a syllable rate). Either way a real
 * WAV file at a rate the stand-in must convert to the telephone's 8 kHz.
 */
final class CallerWavs {
    private CallerWavs() {
    }

    static Path saying(Path folder, String name, String text) {
        Path wav = folder.resolve(name + ".wav");
        if (espeak(wav, text)) {
            return wav;
        }
        synthetic(text).writeWav(wav);
        return wav;
    }

    private static boolean espeak(Path wav, String text) {
        try {
            Process espeak = new ProcessBuilder("espeak-ng", "-v", "es", "-w", wav.toString(), text)
                    .redirectErrorStream(true).start();
            espeak.getInputStream().readAllBytes();
            return espeak.waitFor(30, TimeUnit.SECONDS) && espeak.exitValue() == 0 && Files.size(wav) > 1_000;
        } catch (IOException notInstalled) {
            return false;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** About 70 ms a character of a voiced, breathy signal, loud as a close-talking caller. */
    static PcmAudio synthetic(String text) {
        int rate = 16_000;
        int length = (int) (Math.max(0.5, text.length() * 0.07) * rate);
        Random breath = new Random(text.hashCode());
        short[] samples = new short[length];
        int fade = rate / 100;
        for (int i = 0; i < length; i++) {
            double t = (double) i / rate;
            double voiced = Math.sin(2 * Math.PI * 160 * t) + 0.5 * Math.sin(2 * Math.PI * 320 * t)
                            + 0.25 * Math.sin(2 * Math.PI * 480 * t) + 0.15 * breath.nextGaussian();
            double syllables = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4.5 * t);
            double envelope = Math.min(1.0, Math.min((double) i / fade, (double) (length - i) / fade));
            samples[i] = (short) Math.max(-32_000, Math.min(32_000, voiced * syllables * envelope * 9_000));
        }
        return new PcmAudio(rate, samples);
    }
}
