package io.voicecore.aigateway;

import java.time.Duration;
import java.util.Optional;

import io.voicecore.sdk.PermissionDeniedException;

/**
 * Why the provider did not answer. {@link Gateway} retries the retryable ones with {@link Backoff}, counts the others
 * (and retryable ones that kept failing) against the circuit breaker and then answers offline, except
 * {@link PermissionDenied}, which reaches the caller as the permission error it is. Messages say what happened in words
 * fit for a status page and never contain the API key.
 */
abstract sealed class ProviderFailure extends RuntimeException {

    private ProviderFailure(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** @return whether trying again may help */
    abstract boolean retryable();

    /** @return how long the provider asked the caller to wait, if it said */
    Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /** @return what happened, e.g. {@code the provider answered 429 (rate limited)} */
    String reason() {
        return getMessage();
    }

    /** 429: too many requests or tokens for the account right now. */
    static final class RateLimited extends ProviderFailure {
        private final Optional<Duration> retryAfter;

        /** @param retryAfter the provider's {@code Retry-After}, if any */
        RateLimited(Optional<Duration> retryAfter) {
            super("the provider answered 429 (rate limited)", null);
            this.retryAfter = retryAfter;
        }

        @Override
        boolean retryable() {
            return true;
        }

        @Override
        Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }

    /** 5xx: the provider failed. */
    static final class ServerError extends ProviderFailure {
        /** @param status the HTTP status, 500-599 */
        ServerError(int status) {
            super("the provider answered " + status + " (server error)", null);
        }

        @Override
        boolean retryable() {
            return true;
        }
    }

    /** 401: the API key was refused. Not retried: the same key would be refused again. */
    static final class Unauthorized extends ProviderFailure {
        Unauthorized() {
            super("the provider refused the API key (401); set a valid key in the secret " + Gateway.API_KEY_SECRET, null);
        }

        @Override
        boolean retryable() {
            return false;
        }
    }

    /** Another 4xx: the provider refused this request (e.g. an unknown model). Not retried: it would be refused again. */
    static final class Rejected extends ProviderFailure {
        /** @param status the HTTP status, 400-499 */
        Rejected(int status) {
            super("the provider refused the request (" + status + "); check the model name in the configuration", null);
        }

        @Override
        boolean retryable() {
            return false;
        }
    }

    /** No answer in time, or the connection failed. */
    static final class Timeout extends ProviderFailure {
        /** @param detail what timed out or failed, naming the host, e.g. the egress exception's message */
        Timeout(String detail) {
            super("the provider did not answer in time (" + detail + ")", null);
        }

        @Override
        boolean retryable() {
            return true;
        }
    }

    /** The kernel's egress refused the call: not the provider's fault, and never hidden behind an offline answer. */
    static final class PermissionDenied extends ProviderFailure {
        private final PermissionDeniedException refusal;

        /** @param refusal what the egress capability threw */
        PermissionDenied(PermissionDeniedException refusal) {
            super("the egress refused the call: " + refusal.getMessage(), refusal);
            this.refusal = refusal;
        }

        @Override
        boolean retryable() {
            return false;
        }

        /** @return the refusal, to throw on to the caller */
        PermissionDeniedException refusal() {
            return refusal;
        }
    }
}
