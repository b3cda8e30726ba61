package io.voicecore.standins.twilio;

/** How a call ended. */
public enum CallEnd {
    /** The application hung up ({@code <Hangup>}). */
    HANGUP(true),
    /** The TwiML ran out of verbs, so Twilio hung up. */
    END_OF_DOCUMENT(true),
    /** In stream mode, the caller's script was done and the caller hung up. */
    CALLER_HUNG_UP(true),
    /** The application rejected the call ({@code <Reject>}). */
    REJECTED(true),
    /** An application error (see {@link CallEvent.ApplicationError}): Twilio apologises and hangs up. */
    APPLICATION_ERROR(false),
    /** The call made {@link TwilioCallSettings#maxRequests()} requests: most likely a TwiML loop. */
    REQUEST_LIMIT(false);

    private final boolean completed;

    CallEnd(boolean completed) {
        this.completed = completed;
    }

    /** @return whether the application handled the call to its end, without an error */
    public boolean completed() {
        return completed;
    }
}
