package io.voicecore.kernel.http;

import java.time.Clock;

import io.voicecore.kernel.state.SharedState;

/**
 * Fixed-window request limit per key (a credential, or a client address for anonymous calls).
 * The counter lives in {@link SharedState}, so with Redis every kernel node counts against the same window.
 */
public final class RateLimiter {
    private final SharedState state;
    private final int limitPerWindow;
    private final long windowSeconds;
    private final Clock clock;

    public RateLimiter(SharedState state, int limitPerWindow, long windowSeconds, Clock clock) {
        this.state = state;
        this.limitPerWindow = limitPerWindow;
        this.windowSeconds = windowSeconds;
        this.clock = clock;
    }

    /** Counts one request for the key and throws 429 when the window's limit is exceeded. */
    public void check(String key) {
        long nowSeconds = clock.millis() / 1000;
        long window = nowSeconds / windowSeconds;
        long count = state.increment("ratelimit:" + key + ":" + window, windowSeconds + 1);
        if (count > limitPerWindow) {
            long retryAfter = Math.max(1, (window + 1) * windowSeconds - nowSeconds);
            throw new ApiException.TooManyRequests("More than " + limitPerWindow + " requests in " + windowSeconds
                                                   + " s from this credential (or, without a valid credential, from"
                                                   + " this address); retry after " + retryAfter + " s.",
                                                   retryAfter);
        }
    }
}
