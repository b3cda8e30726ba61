package io.voicecore.aigateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.EgressException;

/**
 * How every call to the provider goes, whatever it asks for (a completion, a transcription, speech): through the
 * tenant's one circuit breaker, retried with backoff on 429, 5xx and time-outs within {@link #ONLINE_BUDGET}, each
 * failed attempt metered as a provider error. What to do when the provider does not answer is the caller's business
 * (completions answer offline; speech has no offline answer). A refusal by the kernel (a {@link PluginProblem}, such
 * as a withdrawn {@code http:egress}) is thrown on: it says nothing about the provider.
 */
final class ProviderCalls {
    /**
     * The most time the attempts and waits of one call may take, so that a caller within the usual 30 s plugin
     * deadline still has time to do something else when the provider keeps failing.
     */
    static final Duration ONLINE_BUDGET = Duration.ofSeconds(20);

    /** How a call ended. @param <T> what the provider answers */
    sealed interface Outcome<T> {
    }

    /** The provider answered. @param value its answer @param <T> what the provider answers */
    record Answered<T>(T value) implements Outcome<T> {
    }

    /** The breaker is open: the provider was not called. @param reason why, for a status page @param <T> unused */
    record BreakerOpen<T>(String reason) implements Outcome<T> {
    }

    /** The provider did not answer, after the retries allowed. @param reason why, for a status page @param <T> unused */
    record Failed<T>(String reason) implements Outcome<T> {
    }

    private final PluginContext context;
    private final GatewaySettings settings;
    private final Clock clock;
    private final RandomGenerator random;

    /**
     * @param context  the gateway's context for the tenant's call: its storage holds the breaker, its usage the meters
     * @param settings the tenant's retries and breaker
     * @param clock    the time, for the breaker and the budget
     * @param random   the jitter of retry waits
     */
    ProviderCalls(PluginContext context, GatewaySettings settings, Clock clock, RandomGenerator random) {
        this.context = context;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Calls the provider, if the breaker lets it, as often as the tenant's retries allow.
     *
     * @param attempt one request to the provider; throws {@link ProviderFailure} when it does not answer
     * @param <T>     what the provider answers
     * @return the answer, or why there is none
     * @throws PluginProblem when the kernel refused the call (e.g. {@link io.voicecore.sdk.PermissionDeniedException})
     */
    <T> Outcome<T> call(Supplier<T> attempt) {
        CircuitBreaker breaker = settings.breaker();
        BreakerStore breakers = new BreakerStore(context.storage());
        if (breakers.permit(breaker, clock.instant()) == CircuitBreaker.Verdict.REFUSE) {
            CircuitBreaker.State state = breakers.read();
            return new BreakerOpen<>("the circuit breaker is open" + state.openUntil().map(until -> " until " + until).orElse("")
                                     + " after " + state.consecutiveFailures() + " failed calls in a row"
                                     + state.lastFailureReason().map(reason -> " (last: " + reason + ")").orElse(""));
        }
        Backoff backoff = settings.backoff();
        ProviderFailure failure;
        int attempts = 0;
        Instant started = clock.instant();
        while (true) {
            attempts++;
            try {
                T answer = attempt.get();
                breakers.record(breaker::succeeded, clock.instant());
                return new Answered<>(answer);
            } catch (ProviderFailure.PermissionDenied denied) {
                breakers.record(breaker::abandoned, clock.instant());
                throw denied.refusal();
            } catch (PluginProblem refused) {
                // Includes PermissionDeniedException: a refusal the caller must see, not the provider's failure.
                breakers.record(breaker::abandoned, clock.instant());
                throw refused;
            } catch (ProviderFailure failed) {
                failure = failed;
            } catch (EgressException unreachable) {
                failure = new ProviderFailure.Timeout(unreachable.getMessage());
            } catch (RuntimeException unexpected) {
                // A provider that broke its contract: treated like a failed call, and logged so it gets fixed.
                context.log().error("the provider failed unexpectedly", unexpected);
                failure = new ProviderFailure.ServerError(500);
            }
            context.usage().record(Gateway.METER_PROVIDER_ERRORS, 1, "call");
            Optional<Duration> wait = failure.retryable() ? backoff.beforeRetry(attempts - 1, failure.retryAfter(), random) : Optional.empty();
            // Another attempt only if it could finish within the online budget: the caller's deadline must still
            // leave time for what it does without the provider.
            Duration spent = Duration.between(started, clock.instant());
            if (wait.isEmpty() || spent.plus(wait.get()).plus(ModelProviders.REQUEST_TIMEOUT).compareTo(ONLINE_BUDGET) > 0
                || !pause(wait.get())) {
                break;
            }
        }
        String reason = failure.reason() + (attempts > 1 ? ", " + attempts + " attempts" : "");
        Instant failedAt = clock.instant();
        breakers.record(state -> breaker.failed(state, failedAt, reason), failedAt);
        return new Failed<>(reason);
    }

    /** Waits before a retry, within the call's deadline; false when the call is being stopped. */
    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
