package io.voicecore.kernel.state;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Short-lived state shared by every kernel node: caches, rate-limit counters, revocation markers
 * and cross-node notifications. Redis in production; an in-process map when no Redis is configured.
 * Nothing here is the system of record: losing it may cost a cache miss, never data.
 */
public interface SharedState extends AutoCloseable {

    /** A live subscription; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    Optional<String> get(String key);

    /** Stores a value that expires after {@code ttl}. */
    void put(String key, String value, Duration ttl);

    /** Stores a value only if the key is absent; returns whether it was stored. */
    boolean putIfAbsent(String key, String value, Duration ttl);

    void delete(String key);

    /**
     * Adds one to a counter and returns the new value. A counter that did not exist starts at 1
     * and expires {@code ttlSeconds} after that first increment.
     */
    long increment(String key, long ttlSeconds);

    /**
     * Takes up to {@code wanted} units from a budget of {@code limit} counted under {@code key}, in one atomic step
     * across nodes, and returns how many it took: {@code wanted}, fewer when less is left, 0 when the budget is spent.
     * A budget that did not exist starts full and expires {@code ttlSeconds} after its first take.
     */
    long take(String key, long wanted, long limit, long ttlSeconds);

    /** Sends a message to every subscriber of the channel on every node. */
    void publish(String channel, String message);

    /**
     * What a listener receives, in place of a message, when its subscription was lost and is back: messages published
     * meanwhile are lost, so a listener that keeps anything up to date by messages must treat it all as stale.
     */
    String MESSAGES_MAY_BE_LOST = "\u0000messages-may-be-lost";

    /**
     * Receives the channel's messages on a background thread until the subscription is closed. A subscription that
     * loses its connection subscribes again by itself and then delivers {@link #MESSAGES_MAY_BE_LOST}.
     */
    Subscription subscribe(String channel, Consumer<String> listener);

    /** Whether the backing store answers, for readiness. */
    boolean ping();

    /** {@code "redis"} or {@code "in-process"}. */
    String kind();

    @Override
    void close();
}
