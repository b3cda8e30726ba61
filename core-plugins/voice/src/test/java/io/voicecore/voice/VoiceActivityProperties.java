package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.voicecore.aigateway.api.MuLaw;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Where utterances start and end, judged frame by frame as a phone line carries them. */
class VoiceActivityProperties {
    static final int END_MILLIS = 700;

    /** A 20 ms frame of a tone at this amplitude (0 for silence), 8 kHz μ-law. */
    static byte[] frame(int amplitude, int index) {
        byte[] frame = new byte[160];
        for (int i = 0; i < frame.length; i++) {
            double t = (index * 160 + i) / 8000.0;
            frame[i] = MuLaw.encode((short) Math.round(amplitude * Math.sin(2 * Math.PI * 440 * t)));
        }
        return frame;
    }

    static List<VoiceActivity.Event> run(VoiceActivity voice, int amplitude, int frames, int[] counter) {
        List<VoiceActivity.Event> events = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            VoiceActivity.Event event = voice.push(frame(amplitude, counter[0]++));
            if (event != VoiceActivity.Event.NONE) {
                events.add(event);
            }
        }
        return events;
    }

    @Property(tries = 50)
    void quietOrBackgroundNoiseNeverStartsAnUtterance(@ForAll @IntRange(min = 0, max = 300) int noise,
                                                      @ForAll @IntRange(min = 1, max = 500) int frames) {
        VoiceActivity voice = new VoiceActivity(END_MILLIS);
        assertEquals(List.of(), run(voice, noise, frames, new int[1]));
    }

    @Property(tries = 50)
    void speechStartsAfterThreeLoudFramesAndEndsAfterTheConfiguredQuiet(@ForAll @IntRange(min = 0, max = 100) int quietBefore,
                                                                       @ForAll @IntRange(min = 3, max = 400) int speechFrames,
                                                                       @ForAll @IntRange(min = 2_000, max = 20_000) int loudness) {
        VoiceActivity voice = new VoiceActivity(END_MILLIS);
        int[] counter = new int[1];
        assertEquals(List.of(), run(voice, 0, quietBefore, counter));
        List<VoiceActivity.Event> first = new ArrayList<>();
        for (int i = 0; i < speechFrames; i++) {
            VoiceActivity.Event event = voice.push(frame(loudness, counter[0]++));
            if (event == VoiceActivity.Event.SPEECH_STARTED) {
                assertEquals(VoiceActivity.START_FRAMES - 1, i, "the third loud frame (60 ms) starts the utterance");
            }
            if (event != VoiceActivity.Event.NONE) {
                first.add(event);
            }
        }
        assertEquals(List.of(VoiceActivity.Event.SPEECH_STARTED), first);
        List<VoiceActivity.Event> after = run(voice, 0, END_MILLIS / 20 - 1, counter);
        assertEquals(List.of(), after, "not over before the configured quiet");
        assertEquals(VoiceActivity.Event.SPEECH_ENDED, voice.push(frame(0, counter[0]++)));
        byte[] utterance = voice.takeUtterance();
        int kept = Math.min(quietBefore + VoiceActivity.START_FRAMES, VoiceActivity.PRE_ROLL_FRAMES) - VoiceActivity.START_FRAMES;
        assertEquals((kept + speechFrames + 10) * 160, utterance.length, "pre-roll, the speech and 200 ms of quiet");
        assertArrayEquals(new byte[0], voice.takeUtterance(), "taken once");
    }

    @Test
    void aCallerWhoNeverStopsIsCutIntoThirtySecondUtterances() {
        VoiceActivity voice = new VoiceActivity(END_MILLIS);
        List<VoiceActivity.Event> events = run(voice, 8_000, VoiceActivity.MAX_UTTERANCE_FRAMES + 10, new int[1]);
        // The speech goes on, so the next utterance starts with it.
        assertEquals(List.of(VoiceActivity.Event.SPEECH_STARTED, VoiceActivity.Event.SPEECH_ENDED, VoiceActivity.Event.SPEECH_STARTED), events);
        assertEquals(VoiceActivity.MAX_UTTERANCE_FRAMES * 160, voice.takeUtterance().length);
    }
}
