package io.voicecore.standins.twilio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Mono 16-bit linear audio at some sample rate: what a caller's WAV file is read into, resampled to the telephone's
 * 8 kHz and encoded to μ-law for a Media Stream, and what a recording is written out as.
 *
 * @param sampleRate samples a second
 * @param samples    the samples, signed 16-bit
 */
public record PcmAudio(int sampleRate, short[] samples) {
    /** The sample rate of telephone audio and of Twilio's Media Streams. */
    public static final int TELEPHONE_RATE = 8_000;

    /** Checks the rate. */
    public PcmAudio {
        if (sampleRate < 1_000 || sampleRate > 384_000) {
            throw new IllegalArgumentException("a sample rate between 1000 and 384000 Hz, not " + sampleRate);
        }
    }

    /** @return how long it plays */
    public Duration duration() {
        return Duration.ofNanos(samples.length * 1_000_000_000L / sampleRate);
    }

    /** @return this audio at the telephone's 8 kHz, encoded to μ-law */
    public byte[] toMuLaw() {
        return MuLaw.encode(resampled(TELEPHONE_RATE).samples());
    }

    /** @return 8 kHz audio decoded from μ-law bytes */
    public static PcmAudio fromMuLaw(byte[] mulaw) {
        return new PcmAudio(TELEPHONE_RATE, MuLaw.decode(mulaw));
    }

    /** @return {@code seconds} of silence */
    public static PcmAudio silence(int sampleRate, double seconds) {
        return new PcmAudio(sampleRate, new short[(int) Math.round(seconds * sampleRate)]);
    }

    /**
     * @param frequency hertz
     * @param amplitude the peak, up to 32,767
     * @return a sine tone with 5 ms fades at each end
     */
    public static PcmAudio tone(int sampleRate, double frequency, double seconds, int amplitude) {
        short[] samples = new short[(int) Math.round(seconds * sampleRate)];
        int fade = Math.max(1, sampleRate / 200);
        for (int i = 0; i < samples.length; i++) {
            double envelope = Math.min(1.0, Math.min((double) i / fade, (double) (samples.length - i) / fade));
            samples[i] = (short) Math.round(amplitude * envelope * Math.sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return new PcmAudio(sampleRate, samples);
    }

    /** @return this audio followed by {@code next}, which must have the same rate */
    public PcmAudio append(PcmAudio next) {
        if (next.sampleRate != sampleRate) {
            throw new IllegalArgumentException("cannot join audio at " + sampleRate + " Hz and " + next.sampleRate
                                               + " Hz; resample one first");
        }
        short[] joined = Arrays.copyOf(samples, samples.length + next.samples.length);
        System.arraycopy(next.samples, 0, joined, samples.length, next.samples.length);
        return new PcmAudio(sampleRate, joined);
    }

    /**
     * Band-limited resampling: each new sample is the windowed-sinc interpolation of the old ones, with the cut-off
     * lowered to the new Nyquist frequency when the rate goes down, so that nothing above 4 kHz folds back into the
     * telephone band as noise.
     *
     * @return this audio at {@code rate}
     */
    public PcmAudio resampled(int rate) {
        if (rate == sampleRate) {
            return this;
        }
        double ratio = (double) rate / sampleRate;
        double cutoff = Math.min(1.0, ratio) * 0.95;
        int halfWidth = (int) Math.ceil(12 / cutoff);
        short[] out = new short[(int) Math.floor(samples.length * ratio)];
        for (int n = 0; n < out.length; n++) {
            double centre = n / ratio;
            int first = Math.max(0, (int) Math.floor(centre) - halfWidth + 1);
            int last = Math.min(samples.length - 1, (int) Math.floor(centre) + halfWidth);
            double sum = 0;
            for (int k = first; k <= last; k++) {
                double distance = centre - k;
                sum += samples[k] * cutoff * sinc(cutoff * distance) * hann(distance / halfWidth);
            }
            out[n] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(sum)));
        }
        return new PcmAudio(rate, out);
    }

    private static double sinc(double x) {
        return x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** The Hann window over [-1, 1]. */
    private static double hann(double x) {
        return Math.abs(x) >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * x));
    }

    /** @return the root mean square of the samples, 0 for silence */
    public double rms() {
        if (samples.length == 0) {
            return 0;
        }
        double sum = 0;
        for (short sample : samples) {
            sum += (double) sample * sample;
        }
        return Math.sqrt(sum / samples.length);
    }

    /** @return a 16-bit mono PCM RIFF/WAVE file of this audio */
    public byte[] toWav() {
        ByteBuffer file = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples.length * 2)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        file.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        file.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples.length * 2);
        for (short sample : samples) {
            file.putShort(sample);
        }
        return file.array();
    }

    /** Writes {@link #toWav()} to {@code file}. */
    public void writeWav(Path file) {
        try {
            Files.write(file, toWav());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * Reads a WAV file: PCM 16-bit or 8-bit (also as WAVE_FORMAT_EXTENSIBLE) or G.711 μ-law, any rate, any number of
     * channels (mixed down to mono).
     *
     * @throws IllegalArgumentException when it is not such a file, saying what it is instead
     */
    public static PcmAudio readWav(Path file) {
        try {
            return parseWav(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** @see #readWav(Path) */
    public static PcmAudio parseWav(byte[] wav, String name) {
        ByteBuffer bytes = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !id(wav, 0).equals("RIFF") || !id(wav, 8).equals("WAVE")) {
            throw new IllegalArgumentException(name + " is not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int position = 12;
        while (position + 8 <= wav.length) {
            String id = id(wav, position);
            long size = Integer.toUnsignedLong(bytes.getInt(position + 4));
            int body = position + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > wav.length) {
                    throw new IllegalArgumentException(name + " has a truncated fmt chunk");
                }
                format = Short.toUnsignedInt(bytes.getShort(body));
                channels = bytes.getShort(body + 2);
                rate = bytes.getInt(body + 4);
                bits = bytes.getShort(body + 14);
                if (format == 0xFFFE && size >= 40) {
                    // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
                    format = Short.toUnsignedInt(bytes.getShort(body + 24));
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw new IllegalArgumentException(name + " has its data chunk before its fmt chunk");
                }
                int length = (int) Math.min(size, wav.length - body);
                return decode(bytes, body, length, format, channels, rate, bits, name);
            }
            position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IllegalArgumentException(name + " has no data chunk");
    }

    private static PcmAudio decode(ByteBuffer bytes, int offset, int length, int format, int channels, int rate,
                                   int bits, String name) {
        if (channels < 1) {
            throw new IllegalArgumentException(name + " says it has " + channels + " channels");
        }
        boolean pcm16 = format == 1 && bits == 16;
        boolean pcm8 = format == 1 && bits == 8;
        boolean mulaw = format == 7 && bits == 8;
        if (!pcm16 && !pcm8 && !mulaw) {
            throw new IllegalArgumentException(name + " is WAV format " + format + " with " + bits + "-bit samples;"
                                               + " the stand-in reads PCM 16-bit (any rate), PCM 8-bit and μ-law"
                                               + " (convert it, e.g. sox in.wav -b 16 out.wav)");
        }
        int bytesPerSample = bits / 8;
        int frames = length / (bytesPerSample * channels);
        short[] samples = new short[frames];
        for (int frame = 0; frame < frames; frame++) {
            int sum = 0;
            for (int channel = 0; channel < channels; channel++) {
                int at = offset + (frame * channels + channel) * bytesPerSample;
                if (pcm16) {
                    sum += bytes.getShort(at);
                } else if (pcm8) {
                    sum += ((bytes.get(at) & 0xFF) - 128) << 8;
                } else {
                    sum += MuLaw.decode(bytes.get(at));
                }
            }
            samples[frame] = (short) (sum / channels);
        }
        return new PcmAudio(rate, samples);
    }

    private static String id(byte[] wav, int at) {
        return new String(wav, at, 4, StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PcmAudio audio && audio.sampleRate == sampleRate
               && Arrays.equals(audio.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * sampleRate + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "PcmAudio[" + sampleRate + " Hz, " + samples.length + " samples]";
    }
}
