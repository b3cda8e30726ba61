package io.voicecore.aigateway.api;

import java.util.Objects;

/**
 * {@link Speech} could not do what was asked. There is no offline stand-in for audio, so the caller decides what the
 * phone call does instead (e.g. apologise and transfer, or take a voicemail). The message says what happened and what
 * the tenant can do about it; it never contains the API key.
 *
 * @since ai-gateway 0.3.0
 */
public final class SpeechUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why speech is unavailable. */
    public enum Reason {
        /** The tenant set no OpenAI key (secret {@code openai.api-key}): nothing was sent anywhere. */
        OFFLINE,
        /** The provider did not answer, after the gateway's retries, or refused the request. */
        PROVIDER_FAILED,
        /** The provider failed so often lately that the gateway's circuit breaker is not calling it for a while. */
        CIRCUIT_OPEN,
        /** The kernel refused the gateway's call to the provider (e.g. {@code http:egress} not granted); the cause says why. */
        PERMISSION
    }

    private final Reason reason;

    /**
     * @param reason  why
     * @param message what happened and what the tenant can do
     */
    public SpeechUnavailableException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * @param reason  why
     * @param message what happened and what the tenant can do
     * @param cause   what was thrown, if anything (for {@link Reason#PERMISSION}, the kernel's refusal)
     */
    public SpeechUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why speech is unavailable */
    public Reason reason() {
        return reason;
    }
}
