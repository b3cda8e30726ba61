package io.voicecore.aigateway;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to retry a provider call that failed with a rate limit, a server error or a time-out: exponential backoff with
 * "equal jitter" (half the step fixed, half random, so concurrent callers spread out), capped, and never shorter than
 * the provider's {@code Retry-After}. A {@code Retry-After} longer than the cap is not waited for: the call gives up
 * and the offline engine answers, since the caller is waiting.
 *
 * @param maxRetries retries after the first attempt, 0 or more
 * @param base       the step before the first retry; doubled for each further one
 * @param maxWait    the longest single wait
 */
record Backoff(int maxRetries, Duration base, Duration maxWait) {

    /** Checks the values. */
    Backoff {
        if (maxRetries < 0 || base.isNegative() || base.isZero() || maxWait.compareTo(base) < 0) {
            throw new IllegalArgumentException("a backoff needs maxRetries >= 0 and 0 < base <= maxWait, not " + maxRetries + ", " + base
                                               + ", " + maxWait);
        }
    }

    /**
     * @param retriesSoFar how many retries were already made (0 before the first)
     * @param retryAfter   what the provider asked for, if anything
     * @param random       the source of jitter
     * @return how long to wait before the next attempt, or empty to give up
     */
    Optional<Duration> beforeRetry(int retriesSoFar, Optional<Duration> retryAfter, RandomGenerator random) {
        if (retriesSoFar >= maxRetries) {
            return Optional.empty();
        }
        if (retryAfter.filter(asked -> asked.compareTo(maxWait) > 0).isPresent()) {
            return Optional.empty();
        }
        long step = Math.min(maxWait.toMillis(), base.toMillis() << Math.min(retriesSoFar, 30));
        long half = step / 2;
        Duration jittered = Duration.ofMillis(step - half + random.nextLong(half + 1));
        return Optional.of(retryAfter.filter(asked -> asked.compareTo(jittered) > 0).orElse(jittered));
    }
}
