package io.voicecore.standins.stripe;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A scripted fault: the next {@code times} API requests matching {@code method} and {@code path} fail instead of
 * being answered normally. Programmed with {@link StripeStandIn#fault(Fault)} or {@code POST /standin/faults}
 * ({@code {"method": "POST", "path": "/v1/payment_intents", "times": 2, "status": 500}} or
 * {@code {"path": "/v1/transfers", "hangMillis": 5000}}).
 *
 * <ul>
 *   <li>A <b>status</b> fault answers that status at once, before anything is done: 5xx with Stripe's
 *       {@code api_error} body, 429 with {@code rate_limit}, another 4xx with {@code invalid_request_error}.
 *       Nothing is kept under the request's idempotency key, so a retry runs normally.</li>
 *   <li>A <b>hang</b> does the request (the payment is made, its answer kept under the idempotency key) and then
 *       holds the answer back for that long: the case of a lost response, where the caller times out not knowing
 *       whether it was charged, and a retry with the same key gets the kept answer.</li>
 * </ul>
 *
 * @param method the HTTP method to match, or empty for any
 * @param path   the path to match exactly, or a prefix ending in {@code *} ({@code /v1/payment_intents*})
 * @param times  how many matching requests it applies to (at least 1)
 * @param status the status to answer, for a status fault
 * @param hang   how long to hold the answer back, for a hang
 */
public record Fault(Optional<String> method, String path, int times, OptionalInt status, Optional<Duration> hang) {

    /** Checks that the fault is one of the two kinds and its numbers make sense. */
    public Fault {
        method = method.map(m -> m.toUpperCase(Locale.ROOT));
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a fault needs \"path\", a request path such as /v1/payment_intents (a"
                                               + " trailing * matches a prefix)");
        }
        if (times < 1) {
            throw new IllegalArgumentException("\"times\" must be at least 1, not " + times);
        }
        if (status.isPresent() == hang.isPresent()) {
            throw new IllegalArgumentException("a fault needs exactly one of \"status\" (an HTTP error status such as"
                                               + " 500) or \"hangMillis\" (how long to hold the answer back)");
        }
        status.ifPresent(code -> {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("\"status\" must be an HTTP error status between 400 and 599, not "
                                                   + code);
            }
        });
        hang.ifPresent(duration -> {
            if (duration.isNegative() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("\"hangMillis\" must be between 0 and 600000");
            }
        });
    }

    /** @return a fault answering {@code status} to the next {@code times} requests of {@code method} to {@code path} */
    public static Fault status(String method, String path, int status, int times) {
        return new Fault(Optional.of(method), path, times, OptionalInt.of(status), Optional.empty());
    }

    /** @return a fault holding back the answer to the next {@code times} requests of {@code method} to {@code path} */
    public static Fault hang(String method, String path, Duration hang, int times) {
        return new Fault(Optional.of(method), path, times, OptionalInt.empty(), Optional.of(hang));
    }

    boolean matches(String requestMethod, String requestPath) {
        boolean pathMatches = path.endsWith("*") ? requestPath.startsWith(path.substring(0, path.length() - 1))
                                                 : requestPath.equals(path);
        return pathMatches && method.map(m -> m.equalsIgnoreCase(requestMethod)).orElse(true);
    }

    /** @return how the request log names it: {@code status 500} or {@code hang 2000ms} */
    String describe() {
        return status.isPresent() ? "status " + status.getAsInt() : "hang " + hang.orElseThrow().toMillis() + "ms";
    }
}
