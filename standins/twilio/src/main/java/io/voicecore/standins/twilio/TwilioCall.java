package io.voicecore.standins.twilio;

import java.util.List;
import java.util.function.Consumer;

/**
 * A phone call from a scripted caller to a voice application, as Twilio Programmable Voice would place it: the
 * inbound call's webhook requested with Twilio's signed parameters, the TwiML answered followed verb by verb, the
 * caller's turns answering each {@code <Gather>} (Gather mode) or spoken as real-time audio over a Media Stream
 * ({@code <Connect><Stream>}, stream mode). Nothing leaves the machine but requests to the URLs the settings and the
 * TwiML name.
 *
 * <pre>{@code
 * CallTranscript call = TwilioCall.place(
 *         TwilioCallSettings.call(URI.create("http://127.0.0.1:8080/voice/incoming"), "auth-token"),
 *         List.of(CallerTurn.say("Quiero pedir cita"), CallerTurn.press("1"), CallerTurn.say("El martes")));
 * call.completed();   // true: hung up or ran out of TwiML, no application error
 * call.said();        // every <Say>, in order
 * call.gathers();     // each <Gather> and what the caller answered
 * }</pre>
 */
public final class TwilioCall {
    private TwilioCall() {
    }

    /**
     * Places the call and plays it to its end. Blocks for as long as the call lasts: in Gather mode that is the time
     * the requests take; in stream mode the audio is real time.
     *
     * @param settings where to call, the auth token and the rest ({@link TwilioCallSettings#call})
     * @param turns    what the caller does, in order
     * @return everything that happened
     */
    public static CallTranscript place(TwilioCallSettings settings, List<CallerTurn> turns) {
        return place(settings, turns, event -> { });
    }

    /**
     * Places the call, telling {@code listener} each event as it happens (the command line prints them).
     *
     * @see #place(TwilioCallSettings, List)
     */
    public static CallTranscript place(TwilioCallSettings settings, List<CallerTurn> turns,
                                       Consumer<CallEvent> listener) {
        return new CallRunner(settings, turns, listener).run();
    }
}
