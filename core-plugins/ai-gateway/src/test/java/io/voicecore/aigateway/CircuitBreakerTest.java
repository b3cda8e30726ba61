package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.voicecore.aigateway.api.GatewayStatus;
import org.junit.jupiter.api.Test;

/** The breaker's transitions, as pure functions of the stored state and an explicit clock. */
class CircuitBreakerTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30));

    CircuitBreaker.State failTimes(int times, Instant at) {
        CircuitBreaker.State state = CircuitBreaker.State.CLOSED;
        for (int i = 0; i < times; i++) {
            state = breaker.failed(state, at, "the provider answered 503 (server error)");
        }
        return state;
    }

    @Test
    void staysClosedBelowTheThresholdAndASuccessForgetsTheFailures() {
        CircuitBreaker.State twice = failTimes(2, T0);
        assertEquals(CircuitBreaker.Verdict.CALL, breaker.permit(twice, T0).verdict());
        assertEquals(GatewayStatus.BreakerState.CLOSED, breaker.view(twice, T0).state());
        assertEquals(2, breaker.view(twice, T0).consecutiveFailures());
        CircuitBreaker.State recovered = breaker.succeeded(twice);
        assertEquals(0, recovered.consecutiveFailures());
        CircuitBreaker.State again = breaker.failed(breaker.failed(recovered, T0, "x"), T0, "x");
        assertEquals(CircuitBreaker.Verdict.CALL, breaker.permit(again, T0).verdict(), "after a success it takes the whole threshold again");
        assertEquals(Optional.of("the provider answered 503 (server error)"), recovered.lastFailureReason(), "the last failure stays visible");
    }

    @Test
    void opensAtTheThresholdAndRefusesUntilTheCoolDownEnds() {
        CircuitBreaker.State open = failTimes(3, T0);
        assertEquals(Optional.of(T0.plusSeconds(30)), open.openUntil());
        assertEquals(CircuitBreaker.Verdict.REFUSE, breaker.permit(open, T0.plusSeconds(29)).verdict());
        GatewayStatus.Breaker shown = breaker.view(open, T0.plusSeconds(29));
        assertEquals(GatewayStatus.BreakerState.OPEN, shown.state());
        assertEquals(Optional.of(T0), shown.lastFailureAt());
        assertEquals(GatewayStatus.BreakerState.HALF_OPEN, breaker.view(open, T0.plusSeconds(30)).state());
    }

    @Test
    void afterTheCoolDownExactlyOneTrialGoesOutAndItsOutcomeDecides() {
        CircuitBreaker.State open = failTimes(3, T0);
        Instant later = T0.plusSeconds(31);
        CircuitBreaker.Permit trial = breaker.permit(open, later);
        assertEquals(CircuitBreaker.Verdict.TRIAL, trial.verdict());
        assertEquals(CircuitBreaker.Verdict.REFUSE, breaker.permit(trial.state(), later.plusSeconds(1)).verdict(),
                     "a second caller waits for the trial");

        CircuitBreaker.State closed = breaker.succeeded(trial.state());
        assertEquals(CircuitBreaker.Verdict.CALL, breaker.permit(closed, later).verdict());
        assertEquals(GatewayStatus.BreakerState.CLOSED, breaker.view(closed, later).state());

        CircuitBreaker.State reopened = breaker.failed(trial.state(), later.plusSeconds(2), "timeout");
        assertEquals(Optional.of(later.plusSeconds(32)), reopened.openUntil(), "a failed trial opens it for the whole cool-down again");
        assertEquals(4, reopened.consecutiveFailures());
        assertEquals(CircuitBreaker.Verdict.REFUSE, breaker.permit(reopened, later.plusSeconds(10)).verdict());
    }

    @Test
    void aTrialThatNeverReportsBackIsRetakenAfterItsTimeout() {
        CircuitBreaker.Permit trial = breaker.permit(failTimes(3, T0), T0.plusSeconds(30));
        Instant afterTimeout = T0.plusSeconds(30).plus(CircuitBreaker.TRIAL_TIMEOUT);
        assertEquals(CircuitBreaker.Verdict.TRIAL, breaker.permit(trial.state(), afterTimeout).verdict());
    }

    @Test
    void anAbandonedTrialIsGivenBackWithoutCountingAsAFailure() {
        CircuitBreaker.Permit trial = breaker.permit(failTimes(3, T0), T0.plusSeconds(30));
        CircuitBreaker.State given = breaker.abandoned(trial.state());
        assertEquals(3, given.consecutiveFailures());
        assertEquals(CircuitBreaker.Verdict.TRIAL, breaker.permit(given, T0.plusSeconds(31)).verdict());
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(1, Duration.ZERO));
    }
}
