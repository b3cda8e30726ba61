package io.voicecore.sdk.capability;

/** An outbound call failed: connection refused, timed out, or the response exceeded the size limit. */
public final class EgressException extends RuntimeException {
    /** @param message what failed, naming the host */
    public EgressException(String message) {
        super(message);
    }
}
