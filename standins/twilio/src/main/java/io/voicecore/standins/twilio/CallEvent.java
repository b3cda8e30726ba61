package io.voicecore.standins.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a call's transcript: a request the stand-in sent and the answer it got, a TwiML verb it followed,
 * what was said and by whom, a Media Stream's events. {@link #at()} is the time since the call started, on the
 * machine's monotonic clock. As JSON (see {@link CallTranscript#jsonLine(CallEvent)}), each is an object with
 * {@code "event"} (the record's name in kebab case, e.g. {@code "request-sent"}), {@code "atMillis"} and its fields.
 */
public sealed interface CallEvent {
    /** @return when it happened, since the call started */
    Duration at();

    /** The call rings at the webhook. */
    record CallStarted(Duration at, String callSid, String accountSid, String from, String to, URI webhook)
            implements CallEvent {
    }

    /**
     * A request to the application.
     *
     * @param purpose   why: {@code voice-webhook}, {@code gather-action}, {@code redirect}, {@code dial-action},
     *                  {@code whisper}, {@code record-action}, {@code transcribe-callback}, {@code connect-action},
     *                  {@code status-callback}
     * @param params    the parameters sent (in the body for POST, in the query for GET), after any tampering
     * @param signature the {@code X-Twilio-Signature} sent, if any
     */
    record RequestSent(Duration at, String purpose, String method, URI url, Map<String, String> params,
                       Optional<String> signature) implements CallEvent {
    }

    /** The application's answer: its status, content type and body (cut at 64 KB). */
    record ResponseReceived(Duration at, String purpose, int status, Optional<String> contentType, String body)
            implements CallEvent {
    }

    /** {@code <Say>}: the application said {@code text} to the caller. */
    record Said(Duration at, String text, Optional<String> voice, Optional<String> language, int loop,
                boolean inGather) implements CallEvent {
    }

    /** {@code <Play>}: an audio file, or keys ({@code digits}), played to the caller. */
    record Played(Duration at, String url, Optional<String> digits, int loop, boolean inGather) implements CallEvent {
    }

    /** {@code <Pause>}. */
    record Paused(Duration at, int seconds, boolean inGather) implements CallEvent {
    }

    /** How a {@code <Gather>} was answered. */
    enum GatherResult {
        /** The caller spoke: {@code SpeechResult} and {@code Confidence} were posted. */
        SPEECH,
        /** The caller pressed keys: {@code Digits} were posted. */
        DTMF,
        /** Nothing the Gather accepts came: Twilio's time-out. */
        NO_INPUT
    }

    /**
     * {@code <Gather>}: its attributes as given, and what the caller answered. With no input and no
     * {@code actionOnEmptyResult}, nothing was posted and the call went on with the next verb.
     */
    record Gathered(Duration at, String input, Optional<String> language, Optional<String> hints,
                    Optional<String> speechTimeout, int timeoutSeconds, Optional<Integer> numDigits, URI action,
                    String method, GatherResult result, Optional<String> speech, Optional<Double> confidence,
                    Optional<String> digits) implements CallEvent {
    }

    /** {@code <Redirect>}. */
    record Redirected(Duration at, URI url, String method) implements CallEvent {
    }

    /**
     * One party a {@code <Dial>} calls.
     *
     * @param kind    {@code number}, {@code sip}, {@code client}, {@code queue} or {@code conference}
     * @param address the number, SIP URI, client, queue or conference name
     * @param url     a {@code <Number url>} or {@code <Sip url>}: the whisper played to the called party
     */
    record DialTarget(String kind, String address, Optional<URI> url) {
    }

    /** {@code <Dial>}: who was called and how it ended (scripted, {@link TwilioCallSettings#dialStatuses()}). */
    record Dialled(Duration at, List<DialTarget> targets, Optional<String> callerId, Optional<URI> action,
                   String dialCallStatus, int dialCallDurationSeconds, String dialCallSid) implements CallEvent {
    }

    /** The whisper TwiML of a dialled number, fetched when it answered, and what it said to the called party. */
    record Whispered(Duration at, URI url, List<String> said) implements CallEvent {
    }

    /**
     * {@code <Record>}. An empty recording (the caller said nothing, or pressed a key at once) has no SID and
     * duration 0, and, as with Twilio, the call went on with the next verb instead of the action.
     */
    record Recorded(Duration at, Optional<URI> action, int maxLengthSeconds, boolean playBeep, boolean transcribe,
                    Optional<URI> transcribeCallback, Optional<String> recordingSid, Optional<String> recordingUrl,
                    int durationSeconds, Optional<String> transcriptionText) implements CallEvent {
    }

    /** {@code <Connect><Stream>} (bidirectional) or {@code <Start><Stream>}: the WebSocket opened. */
    record StreamStarted(Duration at, URI url, String streamSid, boolean bidirectional, Optional<String> name,
                         Map<String, String> customParameters) implements CallEvent {
    }

    /** What happens on a Media Stream, for its timeline. */
    enum StreamEventKind {
        /** The caller starts speaking; the detail is the text. */
        UTTERANCE_STARTED,
        /** The caller stops speaking. */
        UTTERANCE_ENDED,
        /** The caller presses a key ({@code dtmf} message); the detail is the key. */
        DTMF_SENT,
        /** The caller waited for a reply that never came and went on. */
        NO_REPLY,
        /** Audio arrived from the server after a quiet spell: the first {@code media} message of a reply. */
        AUDIO_ARRIVED,
        /** The caller starts hearing our audio. */
        PLAYBACK_STARTED,
        /** Everything received has been played. */
        PLAYBACK_FINISHED,
        /** A {@code mark} arrived; the detail is its name. */
        MARK_RECEIVED,
        /** The {@code mark} went back, its audio played (or cleared); the detail is its name. */
        MARK_ECHOED,
        /** A {@code clear} arrived; the detail says how much audio not yet played it dropped. */
        CLEAR_RECEIVED,
        /** The server sent something Twilio would refuse or ignore; the detail says what. */
        PROTOCOL_ERROR,
        /**
         * The caller's frames fell behind the 20 ms schedule (the machine was busy); the detail says by how much.
         * The schedule moves on from there, so timings measured across it include the delay.
         */
        FRAMES_LATE,
        /** The caller hung up: {@code stop} sent. */
        STOP_SENT,
        /** The server closed the WebSocket; the detail has the close code and reason. */
        CLOSED_BY_SERVER
    }

    /** An event on a Media Stream's timeline. */
    record StreamEvent(Duration at, String streamSid, StreamEventKind kind, String detail) implements CallEvent {
    }

    /** The stream ended; {@code reason} says how. */
    record StreamStopped(Duration at, String streamSid, String reason) implements CallEvent {
    }

    /** A verb the stand-in does not follow, or does not follow here, and why. */
    record Skipped(Duration at, String verb, String reason) implements CallEvent {
    }

    /** {@code <Hangup>}. */
    record HungUp(Duration at) implements CallEvent {
    }

    /** {@code <Reject>}: the call is not answered; {@code reason} is {@code rejected} or {@code busy}. */
    record Rejected(Duration at, String reason) implements CallEvent {
    }

    /**
     * What Twilio reports as an application error, after which it says "an application error has occurred" and
     * hangs up: {@code 11200} HTTP retrieval failure (an answer that is not 2xx), {@code 11205} HTTP connection
     * failure, {@code 12100} document parse failure, {@code 12300} invalid content type, {@code 31920} stream
     * WebSocket handshake error.
     */
    record ApplicationError(Duration at, int code, String detail) implements CallEvent {
    }

    /**
     * The end of the call.
     *
     * @param callStatus      what the status callback says: {@code completed}, or {@code busy} / {@code no-answer}
     *                        for a rejected call
     * @param durationSeconds the call's length as Twilio would bill it ({@code CallDuration}), from the stand-in's
     *                        simulated clock in Gather mode and the real one in stream mode
     */
    record CallEnded(Duration at, CallEnd end, String callStatus, int durationSeconds, String detail)
            implements CallEvent {
    }
}
