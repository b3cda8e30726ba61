package io.voicecore.kernel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SharedState} must do, whatever backs it. Each implementation's test class only says
 * how to make a store; the same tests then run against the in-process map and a real Redis server.
 * Expiry is checked by polling up to {@link #PATIENCE}, never by one fixed sleep that a slow machine could outrun.
 */
abstract class SharedStateContract {
    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration PATIENCE = Duration.ofSeconds(3);
    /** How long to watch for a message that must not arrive. */
    private static final Duration QUIET = Duration.ofMillis(300);

    /** A new, empty store in a namespace of its own. */
    protected abstract SharedState newState();

    private SharedState state;

    @BeforeEach
    void open() {
        state = newState();
    }

    @AfterEach
    void close() {
        state.close();
    }

    // --- values

    @Test
    void missingKeyReadsAsEmpty() {
        assertEquals(Optional.empty(), state.get("never-written"));
    }

    @Test
    void storedValueIsReadBack() {
        state.put("greeting", "hello", LONG);
        assertEquals(Optional.of("hello"), state.get("greeting"));
    }

    @Test
    void putOverwritesTheValue() {
        state.put("colour", "red", LONG);
        state.put("colour", "blue", LONG);
        assertEquals(Optional.of("blue"), state.get("colour"));
    }

    @Test
    void deleteRemovesTheKeyAndIsHarmlessWhenAbsent() {
        state.put("doomed", "x", LONG);
        state.put("survivor", "y", LONG);
        state.delete("doomed");
        state.delete("never-written");
        assertEquals(Optional.empty(), state.get("doomed"));
        assertEquals(Optional.of("y"), state.get("survivor"));
    }

    @Test
    void valueExpiresAfterItsTtlButNotBefore() {
        long start = System.nanoTime();
        state.put("short-lived", "x", SHORT);
        state.put("long-lived", "y", LONG);
        awaitAbsent("short-lived");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis >= SHORT.toMillis() - 5, "the value vanished after " + elapsedMillis + " ms, before its TTL");
        assertEquals(Optional.of("y"), state.get("long-lived"), "expiry of one key must not touch another");
    }

    @Test
    void overwritingReplacesTheTtl() throws InterruptedException {
        state.put("renewed", "old", SHORT);
        state.put("renewed", "new", LONG);
        // Proving that something does not happen needs a wait past the old TTL.
        Thread.sleep(SHORT.toMillis() * 2);
        assertEquals(Optional.of("new"), state.get("renewed"));
    }

    // --- putIfAbsent

    @Test
    void putIfAbsentStoresOnlyWhenTheKeyIsAbsent() {
        assertTrue(state.putIfAbsent("lock", "first", LONG));
        assertFalse(state.putIfAbsent("lock", "second", LONG));
        assertEquals(Optional.of("first"), state.get("lock"));
        state.delete("lock");
        assertTrue(state.putIfAbsent("lock", "third", LONG));
        assertEquals(Optional.of("third"), state.get("lock"));
    }

    @Test
    void putIfAbsentSucceedsAgainOnceTheValueExpired() {
        assertTrue(state.putIfAbsent("marker", "first", SHORT));
        assertFalse(state.putIfAbsent("marker", "second", SHORT));
        awaitAbsent("marker");
        assertTrue(state.putIfAbsent("marker", "third", LONG));
        assertEquals(Optional.of("third"), state.get("marker"));
    }

    @Test
    void putIfAbsentValueExpiresWithItsOwnTtl() {
        assertTrue(state.putIfAbsent("temporary", "x", SHORT));
        awaitAbsent("temporary");
    }

    // --- counters

    @Test
    void incrementStartsAtOneAndCounts() {
        assertEquals(1, state.increment("hits", 60));
        assertEquals(2, state.increment("hits", 60));
        assertEquals(3, state.increment("hits", 60));
        assertEquals(1, state.increment("other-hits", 60), "counters are per key");
        assertEquals(Optional.of("3"), state.get("hits"), "a counter reads back as its decimal value");
    }

    @Test
    void takeGivesWhatIsLeftOfTheBudgetAndNothingBeyond() {
        assertEquals(4, state.take("budget", 4, 10, 60));
        assertEquals(4, state.take("budget", 4, 10, 60));
        assertEquals(2, state.take("budget", 4, 10, 60), "only two are left");
        assertEquals(0, state.take("budget", 4, 10, 60), "the budget is spent");
        assertEquals(3, state.take("other-budget", 3, 10, 60), "budgets are per key");
        assertEquals(Optional.of("10"), state.get("budget"), "a budget reads back as what was taken");
    }

    @Test
    void aSpentBudgetExpiresWithItsTtlAndStartsFull() {
        assertEquals(2, state.take("short-budget", 5, 2, 1));
        assertEquals(0, state.take("short-budget", 5, 2, 1));
        awaitAbsent("short-budget");
        assertEquals(2, state.take("short-budget", 5, 2, 1));
    }

    @Test
    void concurrentTakesNeverTogetherPassTheBudget() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> takers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                takers.add(pool.submit(() -> {
                    long taken = 0;
                    for (int i = 0; i < 100; i++) {
                        taken += state.take("contended-budget", 3, 1000, 60);
                    }
                    return taken;
                }));
            }
            long total = 0;
            for (Future<Long> taker : takers) {
                total += taker.get(30, TimeUnit.SECONDS);
            }
            assertEquals(1000, total, "2,400 wanted, exactly the budget of 1,000 taken");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void counterExpiresWithItsTtlAndRestartsAtOne() {
        assertEquals(1, state.increment("window", 1));
        assertEquals(2, state.increment("window", 1));
        awaitAbsent("window");
        assertEquals(1, state.increment("window", 1));
    }

    @Test
    void laterIncrementsDoNotExtendTheCountersLife() throws InterruptedException {
        // A fixed window: the TTL runs from the first increment. Were it renewed by the second increment
        // (at 1.5 s) the counter would live until 3.5 s; it must be gone well before that.
        long start = System.nanoTime();
        assertEquals(1, state.increment("fixed-window", 2));
        Thread.sleep(1500);
        assertEquals(2, state.increment("fixed-window", 2));
        awaitAbsent("fixed-window");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 3000, "the counter lived " + elapsedMillis + " ms; its 2 s TTL was renewed by a later increment");
    }

    @Test
    void concurrentIncrementsAreNeitherLostNorDuplicated() throws Exception {
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    List<Long> seen = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        seen.add(state.increment("contended", 60));
                    }
                    return seen;
                }));
            }
            go.countDown();
            TreeSet<Long> returned = new TreeSet<>();
            int count = 0;
            for (Future<List<Long>> result : results) {
                List<Long> seen = result.get(60, TimeUnit.SECONDS);
                returned.addAll(seen);
                count += seen.size();
            }
            long total = (long) threads * perThread;
            assertEquals(total, count);
            assertEquals(total, returned.size(), "two increments returned the same value");
            assertEquals(1L, returned.first());
            assertEquals(total, returned.last());
            assertEquals(Optional.of(Long.toString(total)), state.get("contended"));
        } finally {
            pool.shutdownNow();
        }
    }

    // --- publish / subscribe

    @Test
    void publishReachesEverySubscriberOfTheChannelInOrder() throws InterruptedException {
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        BlockingQueue<String> third = new LinkedBlockingQueue<>();
        try (var a = state.subscribe("news", first::add);
             var b = state.subscribe("news", second::add);
             var c = state.subscribe("news", third::add)) {
            state.publish("news", "one");
            state.publish("news", "two");
            for (BlockingQueue<String> received : List.of(first, second, third)) {
                assertEquals("one", next(received));
                assertEquals("two", next(received));
            }
        }
    }

    @Test
    void closedSubscriptionReceivesNothingMore() throws InterruptedException {
        BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        BlockingQueue<String> open = new LinkedBlockingQueue<>();
        try (var staying = state.subscribe("news", open::add)) {
            var leaving = state.subscribe("news", closed::add);
            state.publish("news", "before");
            assertEquals("before", next(closed));
            assertEquals("before", next(open));
            leaving.close();
            state.publish("news", "after");
            assertEquals("after", next(open));
            assertNull(closed.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS), "delivered after the subscription was closed");
        }
    }

    @Test
    void messagesOnOtherChannelsAreNotDelivered() throws InterruptedException {
        BlockingQueue<String> sports = new LinkedBlockingQueue<>();
        try (var subscription = state.subscribe("sports", sports::add)) {
            state.publish("weather", "rain");
            state.publish("sports", "goal");
            // Both were published in order by one publisher: had "rain" been delivered, it would come first.
            assertEquals("goal", next(sports));
            assertNull(sports.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void failingListenerDoesNotStopLaterDeliveries() throws InterruptedException {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (var subscription = state.subscribe("fragile", message -> {
            received.add(message);
            if (message.equals("boom")) {
                throw new IllegalStateException("listener failure on purpose");
            }
        })) {
            state.publish("fragile", "boom");
            state.publish("fragile", "still-here");
            assertEquals("boom", next(received));
            assertEquals("still-here", next(received));
        }
    }

    @Test
    void manySubscriptionsDoNotStarveOtherOperations() {
        // Each subscription holds a connection for its whole life in Redis; they must not use up the ones
        // that ordinary reads and writes need.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            List<SharedState.Subscription> subscriptions = new ArrayList<>();
            try {
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                for (int i = 0; i < 12; i++) {
                    subscriptions.add(state.subscribe("channel-" + i, received::add));
                }
                state.put("still-works", "yes", LONG);
                assertEquals(Optional.of("yes"), state.get("still-works"));
                assertEquals(1, state.increment("still-counts", 60));
                state.publish("channel-11", "hello");
                assertEquals("hello", next(received));
            } finally {
                subscriptions.forEach(SharedState.Subscription::close);
            }
        });
    }

    // --- health and isolation

    @Test
    void pingAnswersWhileTheStoreIsReachable() {
        assertTrue(state.ping());
        assertTrue(List.of("redis", "in-process").contains(state.kind()), state.kind());
    }

    @Test
    void separateStoresDoNotSeeEachOthersKeysOrMessages() throws InterruptedException {
        try (SharedState neighbour = newState()) {
            state.put("shared-name", "mine", LONG);
            neighbour.put("shared-name", "theirs", LONG);
            assertEquals(Optional.of("mine"), state.get("shared-name"));
            assertEquals(Optional.of("theirs"), neighbour.get("shared-name"));

            assertEquals(1, state.increment("shared-counter", 60));
            assertEquals(1, neighbour.increment("shared-counter", 60));

            neighbour.delete("shared-name");
            assertEquals(Optional.of("mine"), state.get("shared-name"));
            assertTrue(neighbour.putIfAbsent("shared-name", "again", LONG));

            BlockingQueue<String> mine = new LinkedBlockingQueue<>();
            try (var subscription = state.subscribe("shared-channel", mine::add)) {
                neighbour.publish("shared-channel", "not for you");
                state.publish("shared-channel", "for you");
                assertEquals("for you", next(mine));
                assertNull(mine.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }

    // --- model-based property

    /** One step of a random workload; no expiry, so a plain map is the whole truth. */
    sealed interface Operation {
        record Put(String key, String value) implements Operation {
        }

        record Delete(String key) implements Operation {
        }

        record Increment(String key) implements Operation {
        }
    }

    @Property(tries = 150)
    void randomOperationsAgreeWithAMapModel(@ForAll("workloads") List<Operation> operations) {
        Map<String, String> model = new HashMap<>();
        try (SharedState store = newState()) {
            for (Operation operation : operations) {
                switch (operation) {
                    case Operation.Put put -> {
                        store.put(put.key(), put.value(), LONG);
                        model.put(put.key(), put.value());
                    }
                    case Operation.Delete delete -> {
                        store.delete(delete.key());
                        model.remove(delete.key());
                    }
                    case Operation.Increment increment -> {
                        long expected = model.containsKey(increment.key()) ? Long.parseLong(model.get(increment.key())) + 1 : 1;
                        assertEquals(expected, store.increment(increment.key(), 3600), "increment of " + increment.key());
                        model.put(increment.key(), Long.toString(expected));
                    }
                }
            }
            for (String key : KEYS) {
                assertEquals(Optional.ofNullable(model.get(key)), store.get(key), "value of " + key);
            }
        }
    }

    private static final List<String> KEYS = List.of("a", "b", "c", "d");

    @Provide
    Arbitrary<List<Operation>> workloads() {
        Arbitrary<String> keys = Arbitraries.of(KEYS);
        // Values are canonical integers so that any key may be incremented later, as a counter.
        Arbitrary<String> values = Arbitraries.longs().between(-1_000_000, 1_000_000).map(String::valueOf);
        Arbitrary<Operation> operation = Arbitraries.oneOf(
                keys.flatMap(k -> values.map(v -> new Operation.Put(k, v))),
                keys.map(Operation.Delete::new),
                keys.map(Operation.Increment::new));
        return operation.list().ofMaxSize(40);
    }

    // --- helpers

    private void awaitAbsent(String key) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (state.get(key).isEmpty()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("'" + key + "' was still present " + PATIENCE.toMillis() + " ms later; it should have expired");
    }

    private static String next(BlockingQueue<String> received) throws InterruptedException {
        String message = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            fail("no message arrived within " + PATIENCE.toMillis() + " ms");
        }
        return message;
    }
}
