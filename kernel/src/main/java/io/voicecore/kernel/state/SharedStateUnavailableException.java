package io.voicecore.kernel.state;

/** The shared-state store (Redis) cannot be reached; callers answer 503 rather than guess. */
public final class SharedStateUnavailableException extends RuntimeException {
    public SharedStateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
