package io.voicecore.kernel.http;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.voicecore.kernel.state.SharedState;

/**
 * Fixed-window request limit per key (a credential, or a client address for anonymous calls), counted across nodes.
 *
 * <p>The window's budget lives in {@link SharedState}, so with Redis every kernel node spends the same one. A node does
 * not ask Redis on every request: it keeps a local bucket of tokens per key and window, and when the bucket is empty it
 * takes a chunk of the budget ({@link SharedState#take}, one atomic step in Redis) into it. So a request costs a
 * Redis round trip once per chunk (and a refused one none, once the node found the budget spent), and the nodes
 * together never admit more than the limit in a window. The price is on
 * the other side: tokens a node took and did not use in its window are lost to the others, so a key may be refused up
 * to {@code nodes × (chunk − 1)} requests before its limit (a chunk is a fiftieth of the limit: at most 2 % per node).
 * Within one node the limit is exact.
 */
public final class RateLimiter {
    /** How much of the limit a node takes into its bucket at once: a fiftieth, so one node strands at most 2 %. */
    private static final int CHUNKS_PER_WINDOW = 50;

    /** The tokens this node holds for one key in one window. */
    private static final class Bucket {
        final long window;
        long tokens;
        /** The shared budget had nothing left: it never grows back within its window, so no need to ask again. */
        boolean spent;

        Bucket(long window) {
            this.window = window;
        }
    }

    private final SharedState state;
    private final int limitPerWindow;
    private final long windowSeconds;
    private final int chunk;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong sweptWindow = new AtomicLong(-1);

    public RateLimiter(SharedState state, int limitPerWindow, long windowSeconds, Clock clock) {
        this.state = state;
        this.limitPerWindow = limitPerWindow;
        this.windowSeconds = windowSeconds;
        this.chunk = Math.max(1, limitPerWindow / CHUNKS_PER_WINDOW);
        this.clock = clock;
    }

    /** How many requests a node takes from the shared budget at once. */
    public int chunk() {
        return chunk;
    }

    /** Counts one request for the key and throws 429 when the window's limit is exceeded. */
    public void check(String key) {
        long nowSeconds = clock.millis() / 1000;
        long window = nowSeconds / windowSeconds;
        forgetEarlierWindows(window);
        if (!takeToken(key, window)) {
            long retryAfter = Math.max(1, (window + 1) * windowSeconds - nowSeconds);
            throw new ApiException.TooManyRequests("More than " + limitPerWindow + " requests in " + windowSeconds
                                                   + " s from this credential (or, without a valid credential, from"
                                                   + " this address); retry after " + retryAfter + " s.",
                                                   retryAfter);
        }
    }

    private boolean takeToken(String key, long window) {
        Bucket bucket = buckets.compute(key, (k, old) -> old == null || old.window != window ? new Bucket(window) : old);
        // One request of a key at a time refills its bucket; the others of the same key on this node wait for it.
        synchronized (bucket) {
            if (bucket.tokens == 0 && !bucket.spent) {
                bucket.tokens = state.take("ratelimit:" + key + ":" + window, chunk, limitPerWindow, windowSeconds + 1);
                bucket.spent = bucket.tokens == 0;
            }
            if (bucket.tokens == 0) {
                return false;
            }
            bucket.tokens--;
            return true;
        }
    }

    /** Drops the buckets of windows that ended, once per window, so addresses seen once do not pile up. */
    private void forgetEarlierWindows(long window) {
        long swept = sweptWindow.get();
        if (swept < window && sweptWindow.compareAndSet(swept, window)) {
            buckets.values().removeIf(bucket -> bucket.window < window);
        }
    }
}
