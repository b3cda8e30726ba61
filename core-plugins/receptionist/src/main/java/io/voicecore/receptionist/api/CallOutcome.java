package io.voicecore.receptionist.api;

import java.util.Locale;

/** How a call ended. */
public enum CallOutcome {
    /** The receptionist answered the caller until the end of the call. */
    ANSWERED,
    /** The call was put through to a person. */
    TRANSFERRED,
    /** The caller left a voicemail (out of hours, or nobody answered a transfer). */
    VOICEMAIL,
    /** The caller hung up before being helped, e.g. while waiting in the queue. */
    ABANDONED,
    /** The caller asked to be called back instead of waiting. */
    CALLBACK;

    /** @return the lower-case name stored and published, e.g. {@code voicemail} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
