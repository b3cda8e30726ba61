package io.voicecore.standins.twilio;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One thing the caller does, in the order of the script: say something, press keys, or stay silent.
 *
 * <p>In Gather mode (TwiML {@code <Gather>}) each Gather takes the next turn: speech answers it with
 * {@code SpeechResult} (the text) and {@code Confidence}, keys with {@code Digits}, silence with no input (Twilio's
 * time-out). A {@code <Record>} takes the next turn as the message left: speech is recorded and its text is the
 * transcription. In stream mode ({@code <Connect><Stream>}) speech is sent as audio in real time (the WAV file, or
 * a synthetic voice the length of the text when there is none), keys as {@code dtmf} messages, silence as silence;
 * {@link Start} says when the caller starts.
 */
public sealed interface CallerTurn {
    /** The confidence Twilio's recogniser reports when the script does not say. */
    double DEFAULT_CONFIDENCE = 0.92;

    /** How long the caller waits once the other side has gone quiet, when the script does not say. */
    Duration DEFAULT_PAUSE = Duration.ofMillis(700);

    /** @return when, in stream mode, the caller starts this turn */
    Start start();

    /**
     * The caller says something.
     *
     * @param text       what the recogniser hears ({@code SpeechResult}), and the text of a transcription
     * @param confidence the recogniser's confidence, 0 to 1
     * @param audio      what is sent in stream mode; without it, a synthetic voice as long as the text
     * @param start      when it is said in stream mode
     */
    record Speech(String text, double confidence, Optional<PcmAudio> audio, Start start) implements CallerTurn {
        /** Checks the text and the confidence. */
        public Speech {
            if (text == null) {
                throw new IllegalArgumentException("a speech turn needs a text (what the recogniser hears)");
            }
            if (!(confidence >= 0 && confidence <= 1)) {
                throw new IllegalArgumentException("confidence is between 0 and 1, not " + confidence);
            }
        }

        /** @return this turn with another recogniser confidence */
        public Speech withConfidence(double newConfidence) {
            return new Speech(text, newConfidence, audio, start);
        }

        /** @return this turn, said at another moment in stream mode */
        public Speech startingWhen(Start newStart) {
            return new Speech(text, confidence, audio, newStart);
        }
    }

    /**
     * The caller presses keys.
     *
     * @param digits the keys, {@code 0}-{@code 9}, {@code *} and {@code #}
     * @param start  when they are pressed in stream mode
     */
    record Digits(String digits, Start start) implements CallerTurn {
        /** Checks the keys. */
        public Digits {
            if (digits == null || !digits.matches("[0-9*#]+")) {
                throw new IllegalArgumentException("digits are keys of a phone keypad, 0-9, * and #, not " + digits);
            }
        }
    }

    /**
     * The caller says nothing: a Gather times out (no input), a Record gets nothing; in stream mode the caller stays
     * silent this long before the next turn.
     */
    record Silence(Duration length) implements CallerTurn {
        /** Checks the length. */
        public Silence {
            if (length.isNegative()) {
                throw new IllegalArgumentException("a silence cannot be negative");
            }
        }

        @Override
        public Start start() {
            return Start.after(Duration.ZERO);
        }
    }

    /** @return the caller saying {@code text}, with a synthetic voice in stream mode */
    static Speech say(String text) {
        return new Speech(text, DEFAULT_CONFIDENCE, Optional.empty(), Start.afterReply(DEFAULT_PAUSE));
    }

    /** @return the caller saying {@code text}; in stream mode the audio of {@code wav} is sent */
    static Speech say(String text, Path wav) {
        return say(text, PcmAudio.readWav(wav));
    }

    /** @return the caller saying {@code text}; in stream mode {@code audio} is sent */
    static Speech say(String text, PcmAudio audio) {
        return new Speech(text, DEFAULT_CONFIDENCE, Optional.of(audio), Start.afterReply(DEFAULT_PAUSE));
    }

    /** @return the caller pressing {@code digits} */
    static Digits press(String digits) {
        return new Digits(digits, Start.afterReply(DEFAULT_PAUSE));
    }

    /** @return the caller saying nothing for three seconds (in Gather mode: no input) */
    static Silence silence() {
        return new Silence(Duration.ofSeconds(3));
    }

    /** @return the caller saying nothing for {@code length} */
    static Silence silence(Duration length) {
        return new Silence(length);
    }

    /**
     * When a turn starts in stream mode, counted from the end of the caller's previous turn (or the start of the
     * stream). "Our audio" is what the server sent to be played to the caller.
     */
    sealed interface Start {
        /**
         * Once our reply has been heard and has been quiet for {@code quiet}: a polite caller. When nothing is heard
         * for the settings' reply time-out, the caller goes on anyway.
         */
        record AfterReply(Duration quiet) implements Start {
        }

        /** {@code delay} after the previous turn, whatever is being played. */
        record After(Duration delay) implements Start {
        }

        /** Once {@code intoReply} of our reply has been heard: the caller talks over it (barge-in). */
        record Interrupting(Duration intoReply) implements Start {
        }

        static Start afterReply(Duration quiet) {
            return new AfterReply(quiet);
        }

        static Start after(Duration delay) {
            return new After(delay);
        }

        static Start interrupting(Duration intoReply) {
            return new Interrupting(intoReply);
        }
    }
}
