package io.voicecore.aigateway.api;

import java.util.Locale;

/** Why the caller is in touch, as understood from their words. */
public enum Intent {
    /** Book an appointment. */
    BOOK,
    /** Move an appointment. */
    RESCHEDULE,
    /** Cancel an appointment. */
    CANCEL,
    /** Ask a question. */
    QUESTION,
    /** Complain. */
    COMPLAINT,
    /** Speak to a person. */
    HUMAN;

    /** @return the lower-case wire name, e.g. {@code book} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
