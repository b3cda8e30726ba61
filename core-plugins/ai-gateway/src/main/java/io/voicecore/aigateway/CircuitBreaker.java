package io.voicecore.aigateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.voicecore.aigateway.api.GatewayStatus;

/**
 * The rules of the per-tenant circuit breaker in front of the provider, as pure functions of a {@link State} and the
 * time: after {@code failureThreshold} failed calls in a row it opens for {@code openFor}; after that, one trial call
 * may go out (half-open), and its outcome closes the breaker or opens it again. The state itself lives in the
 * plugin's storage ({@link BreakerStore}), so it holds across calls and nodes.
 *
 * @param failureThreshold failed calls in a row that open the breaker, at least 1
 * @param openFor          how long it stays open before a trial
 */
record CircuitBreaker(int failureThreshold, Duration openFor) {
    /** How long a trial call may run before another caller may try instead (its node may have stopped). */
    static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(60);

    /** Checks the values. */
    CircuitBreaker {
        if (failureThreshold < 1 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("a circuit breaker needs a threshold of at least 1 and a positive open time");
        }
    }

    /**
     * The stored state of one tenant's breaker.
     *
     * @param consecutiveFailures failed calls since the last success
     * @param openUntil           set while open: when a trial may go out
     * @param trialUntil          set while a trial call is out: until when the others wait for it
     * @param lastFailureReason   why the last failed call failed
     * @param lastFailureAt       when
     */
    record State(int consecutiveFailures, Optional<Instant> openUntil, Optional<Instant> trialUntil, Optional<String> lastFailureReason,
                 Optional<Instant> lastFailureAt) {
        /** A breaker that never failed. */
        static final State CLOSED = new State(0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** What a caller may do now. */
    enum Verdict {
        /** Closed: call the provider. */
        CALL,
        /** Half-open: this caller makes the one trial call. */
        TRIAL,
        /** Open, or a trial is out: answer without the provider. */
        REFUSE
    }

    /**
     * @param verdict what the caller may do
     * @param state   the state to store (a trial is recorded as taken)
     */
    record Permit(Verdict verdict, State state) {
    }

    /** @param state the stored state @param now the time @return what a caller may do now, and the state to store */
    Permit permit(State state, Instant now) {
        if (state.openUntil().isEmpty()) {
            return new Permit(Verdict.CALL, state);
        }
        if (now.isBefore(state.openUntil().get()) || state.trialUntil().filter(now::isBefore).isPresent()) {
            return new Permit(Verdict.REFUSE, state);
        }
        return new Permit(Verdict.TRIAL, new State(state.consecutiveFailures(), state.openUntil(), Optional.of(now.plus(TRIAL_TIMEOUT)),
                                                   state.lastFailureReason(), state.lastFailureAt()));
    }

    /** @param state the stored state @return the state after a call the provider answered: closed, failures forgotten */
    State succeeded(State state) {
        return new State(0, Optional.empty(), Optional.empty(), state.lastFailureReason(), state.lastFailureAt());
    }

    /**
     * @param state  the stored state
     * @param now    when the call failed
     * @param reason why
     * @return the state after a failed call: open when the threshold is reached or a trial failed
     */
    State failed(State state, Instant now, String reason) {
        int failures = state.consecutiveFailures() + 1;
        boolean trialFailed = state.openUntil().isPresent();
        Optional<Instant> openUntil = trialFailed || failures >= failureThreshold ? Optional.of(now.plus(openFor)) : Optional.empty();
        return new State(failures, openUntil, Optional.empty(), Optional.of(reason), Optional.of(now));
    }

    /**
     * @param state the stored state
     * @return the state after a call that ended for a reason that says nothing about the provider (a refused
     *         permission): a trial it held is given back
     */
    State abandoned(State state) {
        return new State(state.consecutiveFailures(), state.openUntil(), Optional.empty(), state.lastFailureReason(), state.lastFailureAt());
    }

    /** @param state the stored state @param now the time @return the state as the status shows it */
    GatewayStatus.Breaker view(State state, Instant now) {
        GatewayStatus.BreakerState shown = state.openUntil().isEmpty() ? GatewayStatus.BreakerState.CLOSED
                : now.isBefore(state.openUntil().get()) ? GatewayStatus.BreakerState.OPEN : GatewayStatus.BreakerState.HALF_OPEN;
        return new GatewayStatus.Breaker(shown, state.openUntil(), state.consecutiveFailures(), state.lastFailureReason(),
                                         state.lastFailureAt());
    }
}
