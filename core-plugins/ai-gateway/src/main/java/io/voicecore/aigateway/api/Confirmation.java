package io.voicecore.aigateway.api;

/** A yes or a no in the caller's words, e.g. the answer to "Is that correct?". */
public enum Confirmation {
    /** Yes, correct, exactly. */
    YES,
    /** No, not correct. */
    NO
}
