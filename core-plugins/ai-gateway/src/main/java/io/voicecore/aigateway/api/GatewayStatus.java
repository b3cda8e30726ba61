package io.voicecore.aigateway.api;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway's state for one tenant.
 *
 * @param mode         {@code offline} when the tenant set no OpenAI key, {@code online} otherwise
 * @param model        the configured model, e.g. {@code gpt-4o-mini}
 * @param providerHost the host of the configured base URL, e.g. {@code api.openai.com}
 * @param breaker      the circuit breaker in front of the provider
 */
public record GatewayStatus(Mode mode, String model, String providerHost, Breaker breaker) {

    /** Whether completions may go to the online provider. */
    public enum Mode {
        /** No key: every answer is the offline engine's. */
        OFFLINE,
        /** A key is set: completions go to the provider, falling back to the offline engine. */
        ONLINE;

        /** @return the lower-case wire name, e.g. {@code online} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the circuit breaker is. */
    public enum BreakerState {
        /** Calls go to the provider. */
        CLOSED,
        /** Too many failures in a row: calls are answered offline until {@link Breaker#openUntil()}. */
        OPEN,
        /** The cool-down is over: the next call tries the provider once, and its outcome closes or opens the breaker. */
        HALF_OPEN;

        /** @return the wire name: {@code closed}, {@code open} or {@code half-open} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The circuit breaker in front of the provider, shared by every node.
     *
     * @param state               closed, open or half-open
     * @param openUntil           while open: when the next trial call may go out
     * @param consecutiveFailures failed provider calls since the last success
     * @param lastFailureReason   why the last failed call failed
     * @param lastFailureAt       when it failed
     */
    public record Breaker(BreakerState state, Optional<Instant> openUntil, int consecutiveFailures, Optional<String> lastFailureReason,
                          Optional<Instant> lastFailureAt) {

        /** Checks the values. */
        public Breaker {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(openUntil, "openUntil");
            Objects.requireNonNull(lastFailureReason, "lastFailureReason");
            Objects.requireNonNull(lastFailureAt, "lastFailureAt");
        }
    }

    /** Checks the values. */
    public GatewayStatus {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(providerHost, "providerHost");
        Objects.requireNonNull(breaker, "breaker");
    }
}
