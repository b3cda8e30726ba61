package io.voicecore.kernel.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.state.SharedState;

/**
 * Limits guessing: counts failed attempts per subject (a tenant and email, or a user) in
 * {@link SharedState}, so every kernel node counts together, and refuses with 429 once more than
 * {@code maxFailures} happened within {@code window} of the first one. Subjects are hashed before
 * they become keys, so emails do not end up in the shared store.
 */
public final class AttemptLimiter {
    private final SharedState state;
    private final String namespace;
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    /**
     * @param namespace   separates independent counters, e.g. {@code login} and {@code mfa}
     * @param maxFailures failures tolerated within the window; the next one is refused
     */
    public AttemptLimiter(SharedState state, String namespace, int maxFailures, Duration window, Clock clock) {
        this.state = state;
        this.namespace = namespace;
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** Throws 429 when the subject already failed too often; call before spending effort on the attempt. */
    public void checkAllowed(String subject) {
        long failures = state.get(countKey(subject)).map(Long::parseLong).orElse(0L);
        if (failures > maxFailures) {
            throw refused(subject);
        }
    }

    /** Counts one failure; throws 429 instead of returning when this failure exceeds the limit. */
    public void recordFailure(String subject) {
        state.putIfAbsent(sinceKey(subject), Long.toString(clock.millis()), window);
        long failures = state.increment(countKey(subject), window.toSeconds());
        if (failures > maxFailures) {
            throw refused(subject);
        }
    }

    /** Forgets the failures after a success. */
    public void reset(String subject) {
        state.delete(countKey(subject));
        state.delete(sinceKey(subject));
    }

    private ApiException.TooManyRequests refused(String subject) {
        long since = state.get(sinceKey(subject)).map(Long::parseLong).orElse(clock.millis());
        long retryAfter = Math.max(1, (since + window.toMillis() - clock.millis() + 999) / 1000);
        return new ApiException.TooManyRequests("More than " + maxFailures + " failed attempts within " + window.toMinutes()
                                                + " minutes; further attempts are refused for " + retryAfter + " s. "
                                                + "Retry after that time, or ask an administrator to check the account.",
                                                retryAfter);
    }

    private String countKey(String subject) {
        return "failures:" + namespace + ":" + digest(subject);
    }

    private String sinceKey(String subject) {
        return "failures-since:" + namespace + ":" + digest(subject);
    }

    private static String digest(String subject) {
        return HexFormat.of().formatHex(Secrets.sha256(subject));
    }
}
