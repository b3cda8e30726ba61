package io.voicecore.standins.stripe;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stripe's idempotent requests. A {@code POST} with an {@code Idempotency-Key} is answered once; the same key with
 * the same endpoint and parameters later gets the very same answer again (status and body), marked
 * {@code Idempotent-Replayed: true}; the same key with another endpoint or other parameters is refused with 400
 * {@code idempotency_error}; while the first request is still running, the same key gets 409
 * {@code idempotency_error} ({@code idempotency_key_in_use}). Keys are forgotten after the window (24 hours).
 *
 * <p>As with Stripe, an answer is kept only once the endpoint started executing: successes and card declines are
 * kept; a request refused for its parameters, or failed by a scripted fault, keeps nothing, so a retry runs anew.
 * Thread-safe.
 */
final class IdempotencyKeys {
    /** Stripe refuses longer keys. */
    static final int MAX_LENGTH = 255;

    private final Duration window;
    private final Map<String, Saved> saved = new HashMap<>();
    private final Set<String> running = new HashSet<>();

    IdempotencyKeys(Duration window) {
        this.window = window;
    }

    /**
     * A kept answer.
     *
     * @param requestId the {@code Request-Id} of the request that made it (replays name it in {@code Original-Request})
     */
    record Saved(String method, String path, JsonNode params, int status, ObjectNode body, String requestId,
                 Instant at) {
    }

    /**
     * Decides what a request with {@code key} gets: a replay, a refusal, or to run (then {@link #finish} must follow).
     *
     * @return the kept answer to replay, or empty when the request is to run
     * @throws ApiError when the key was used for something else or is in use
     */
    synchronized Optional<Saved> begin(String key, String method, String path, JsonNode params, Instant now) {
        if (key.length() > MAX_LENGTH) {
            throw ApiError.invalid("Idempotency-Key must be at most " + MAX_LENGTH + " characters long, not "
                                   + key.length() + ".", null);
        }
        saved.values().removeIf(entry -> !entry.at().plus(window).isAfter(now));
        Saved earlier = saved.get(key);
        if (earlier != null) {
            if (!earlier.method().equals(method) || !earlier.path().equals(path)) {
                throw ApiError.idempotency(400, "Keys for idempotent requests can only be used for the same endpoint"
                                                + " they were first used for ('" + earlier.method() + " "
                                                + earlier.path() + "' vs '" + method + " " + path + "'). Try using a"
                                                + " key other than '" + key + "' if you meant to execute a different"
                                                + " request.", null);
            }
            if (!earlier.params().equals(params)) {
                throw ApiError.idempotency(400, "Keys for idempotent requests can only be used with the same"
                                                + " parameters they were first used with. Try using a key other than '"
                                                + key + "' if you meant to execute a different request.", null);
            }
            return Optional.of(earlier);
        }
        if (!running.add(key)) {
            throw ApiError.idempotency(409, "There is currently another in-progress request using this Idempotency-Key"
                                            + " ('" + key + "'). Please try again later.", "idempotency_key_in_use");
        }
        return Optional.empty();
    }

    /** Ends the request begun with {@code key}, keeping its answer when there is one to keep. */
    synchronized void finish(String key, Optional<Saved> answer) {
        running.remove(key);
        answer.ifPresent(kept -> saved.put(key, kept));
    }

    synchronized void clear() {
        saved.clear();
    }
}
