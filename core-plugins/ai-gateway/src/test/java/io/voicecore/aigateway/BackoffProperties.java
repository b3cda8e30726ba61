package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffProperties {
    @Property
    void everyWaitIsBetweenHalfTheStepAndTheStepAndNeverBelowRetryAfter(@ForAll @IntRange(min = 0, max = 40) int retriesSoFar,
                                                                       @ForAll @LongRange(min = 1, max = 5000) long base,
                                                                       @ForAll @LongRange(min = 0, max = 20000) long extra,
                                                                       @ForAll @LongRange(min = 0, max = 30000) long retryAfter,
                                                                       @ForAll long seed) {
        Backoff backoff = new Backoff(41, Duration.ofMillis(base), Duration.ofMillis(base + extra));
        Optional<Duration> asked = retryAfter == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryAfter));
        Optional<Duration> wait = backoff.beforeRetry(retriesSoFar, asked, new SplittableRandom(seed));
        if (retryAfter > base + extra) {
            assertEquals(Optional.empty(), wait);
            return;
        }
        long step = Math.min(base + extra, base << Math.min(retriesSoFar, 30));
        long millis = wait.orElseThrow().toMillis();
        assertTrue(millis >= step - step / 2 || millis == retryAfter, millis + " below half of " + step);
        assertTrue(millis <= Math.max(step, retryAfter), millis + " above " + step + " and " + retryAfter);
        assertTrue(millis >= retryAfter, "never before the Retry-After");
    }
}
