package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BackoffTest {
    static final Backoff BACKOFF = new Backoff(3, Duration.ofMillis(200), Duration.ofMillis(1000));

    @Test
    void eachRetryWaitsAboutTwiceAsLongUpToTheCapThenGivesUp() {
        SplittableRandom random = new SplittableRandom(7);
        assertBetween(100, 200, BACKOFF.beforeRetry(0, Optional.empty(), random));
        assertBetween(200, 400, BACKOFF.beforeRetry(1, Optional.empty(), random));
        assertBetween(400, 800, BACKOFF.beforeRetry(2, Optional.empty(), random));
        assertEquals(Optional.empty(), BACKOFF.beforeRetry(3, Optional.empty(), random), "three retries at most");
        Backoff long_ = new Backoff(10, Duration.ofMillis(200), Duration.ofMillis(1000));
        assertBetween(500, 1000, long_.beforeRetry(5, Optional.empty(), random));
        assertBetween(500, 1000, long_.beforeRetry(9, Optional.empty(), random));
    }

    @Test
    void honoursRetryAfterUpToTheCapAndGivesUpBeyondIt() {
        SplittableRandom random = new SplittableRandom(7);
        assertEquals(Optional.of(Duration.ofMillis(900)), BACKOFF.beforeRetry(0, Optional.of(Duration.ofMillis(900)), random));
        assertBetween(100, 200, BACKOFF.beforeRetry(0, Optional.of(Duration.ofMillis(10)), random));
        assertEquals(Optional.empty(), BACKOFF.beforeRetry(0, Optional.of(Duration.ofSeconds(2)), random),
                     "a Retry-After beyond the longest wait is not waited for");
    }

    @Test
    void noRetriesMeansNoWait() {
        assertEquals(Optional.empty(), new Backoff(0, Duration.ofMillis(100), Duration.ofMillis(100))
                .beforeRetry(0, Optional.empty(), new SplittableRandom()));
    }

    @Test
    void refusesAnInconsistentSchedule() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, Duration.ofMillis(100), Duration.ofMillis(100)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, Duration.ZERO, Duration.ofMillis(100)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, Duration.ofMillis(200), Duration.ofMillis(100)));
    }

    static void assertBetween(long min, long max, Optional<Duration> wait) {
        long millis = wait.orElseThrow().toMillis();
        assertTrue(millis >= min && millis <= max, millis + " not in [" + min + ", " + max + "]");
    }
}
