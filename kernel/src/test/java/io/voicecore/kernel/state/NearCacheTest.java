package io.voicecore.kernel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.voicecore.kernel.testing.RedisTestServer;

/** The near cache: served without reading, invalidated on every node, never keeping a read that overlapped a change. */
class NearCacheTest {
    private final MovableClock clock = new MovableClock();

    @Test
    void servesWhatItReadOnceUntilInvalidated() {
        try (SharedState state = new InProcessSharedState();
             NearCache cache = new NearCache("rows", state, Duration.ofSeconds(30), 100, clock)) {
            AtomicReference<String> row = new AtomicReference<>("v1");
            AtomicInteger reads = new AtomicInteger();
            for (int i = 0; i < 5; i++) {
                assertEquals(Optional.of("v1"), cache.get("k", () -> read(row, reads)));
            }
            assertEquals(1, reads.get());

            row.set("v2");
            assertEquals(Optional.of("v1"), cache.get("k", () -> read(row, reads)), "not yet invalidated");
            cache.invalidate("k");
            assertEquals(Optional.of("v2"), cache.get("k", () -> read(row, reads)));
            assertEquals(2, reads.get());
        }
    }

    @Test
    void forgettingAPrefixOnThisNodeForgetsItsKeysOnlyAndTellsNoOtherNode() throws Exception {
        try (SharedState state = new InProcessSharedState();
             NearCache here = new NearCache("rows", state, Duration.ofSeconds(30), 100, clock);
             NearCache there = new NearCache("rows", state, Duration.ofSeconds(30), 100, clock)) {
            AtomicInteger reads = new AtomicInteger();
            AtomicReference<String> row = new AtomicReference<>("v1");
            for (NearCache cache : new NearCache[] {here, there}) {
                cache.get("greeter/t1", () -> read(row, reads));
                cache.get("greeter/t2", () -> read(row, reads));
                cache.get("crm/t1", () -> read(row, reads));
            }
            assertEquals(6, reads.get());

            here.forgetPrefixOnThisNode("greeter/");
            TimeUnit.MILLISECONDS.sleep(200); // a notification, had one been sent, would have arrived by now
            assertEquals(1, here.size(), "only the crm entry is left here");
            assertEquals(3, there.size(), "the other node heard nothing: every node forgets by itself");
            here.get("crm/t1", () -> read(row, reads));
            assertEquals(6, reads.get(), "the entry of another plugin is still served");
            here.get("greeter/t1", () -> read(row, reads));
            assertEquals(7, reads.get());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "redis"})
    void anInvalidationOnOneNodeReachesTheOthers(String kind) throws Exception {
        String prefix = RedisTestServer.freshPrefix();
        SharedState stateA;
        SharedState stateB;
        if (kind.equals("redis")) {
            stateA = new RedisSharedState(RedisTestServer.shared().url(), prefix);
            stateB = new RedisSharedState(RedisTestServer.shared().url(), prefix);
        } else {
            stateA = new InProcessSharedState();
            stateB = stateA;
        }
        try (NearCache nodeA = new NearCache("rows", stateA, Duration.ofSeconds(30), 100, clock);
             NearCache nodeB = new NearCache("rows", stateB, Duration.ofSeconds(30), 100, clock);
             NearCache otherCache = new NearCache("other", stateB, Duration.ofSeconds(30), 100, clock)) {
            AtomicReference<String> row = new AtomicReference<>("v1");
            AtomicInteger reads = new AtomicInteger();
            assertEquals(Optional.of("v1"), nodeA.get("k", () -> read(row, reads)));
            assertEquals(Optional.of("v1"), nodeB.get("k", () -> read(row, reads)));
            assertEquals(Optional.of("v1"), otherCache.get("k", () -> read(row, reads)));
            row.set("v2");

            nodeA.invalidate("k");

            assertEquals(Optional.of("v2"), nodeA.get("k", () -> read(row, reads)), "the invalidating node forgets at once");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (nodeB.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Optional.of("v2"), nodeB.get("k", () -> read(row, reads)), "the other node, after the notification");
            assertEquals(Optional.of("v1"), otherCache.get("k", () -> read(row, reads)), "a cache of another name keeps its entry");

            row.set("v3");
            nodeB.invalidateAll();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (nodeA.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Optional.of("v3"), nodeA.get("k", () -> read(row, reads)));
        } finally {
            stateA.close();
            if (stateB != stateA) {
                stateB.close();
            }
        }
    }

    @Test
    void aReadThatOverlapsAnInvalidationIsNotKept() {
        try (SharedState state = new InProcessSharedState();
             NearCache cache = new NearCache("rows", state, Duration.ofSeconds(30), 100, clock)) {
            AtomicReference<String> row = new AtomicReference<>("old");
            // The read returns the row as it was; the change commits and invalidates before the read's result is stored.
            assertEquals(Optional.of("old"), cache.get("k", () -> {
                Optional<String> before = Optional.of(row.get());
                row.set("new");
                cache.invalidate("k");
                return before;
            }));
            AtomicInteger reads = new AtomicInteger();
            assertEquals(Optional.of("new"), cache.get("k", () -> read(row, reads)));
            assertEquals(1, reads.get(), "the overlapping read was not served again");
        }
    }

    @Test
    void entriesExpireAfterTheirMaxAgeAndAbsentRowsAreNotCached() {
        try (SharedState state = new InProcessSharedState();
             NearCache cache = new NearCache("rows", state, Duration.ofSeconds(30), 100, clock)) {
            AtomicReference<String> row = new AtomicReference<>("v1");
            AtomicInteger reads = new AtomicInteger();
            cache.get("k", () -> read(row, reads));
            row.set("v2");
            clock.advance(Duration.ofSeconds(29));
            assertEquals(Optional.of("v1"), cache.get("k", () -> read(row, reads)));
            clock.advance(Duration.ofSeconds(2));
            assertEquals(Optional.of("v2"), cache.get("k", () -> read(row, reads)), "a missed notification is bounded by the max age");

            AtomicInteger misses = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.empty(), cache.<String>get("absent", () -> {
                    misses.incrementAndGet();
                    return Optional.empty();
                }));
            }
            assertEquals(3, misses.get());
        }
    }

    @Test
    void holdsNoMoreThanItsBound() {
        try (SharedState state = new InProcessSharedState();
             NearCache cache = new NearCache("rows", state, Duration.ofSeconds(30), 50, clock)) {
            for (int i = 0; i < 1_000; i++) {
                String value = "v" + i;
                assertEquals(Optional.of(value), cache.get("k" + i, () -> Optional.of(value)));
                assertTrue(cache.size() <= 50, "size " + cache.size());
            }
        }
    }

    private static Optional<String> read(AtomicReference<String> row, AtomicInteger reads) {
        reads.incrementAndGet();
        return Optional.of(row.get());
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
