package io.voicecore.standins.openai;

import java.util.Optional;

/**
 * What the stand-in does with one chat completion request, as programmed through {@code POST /standin/script}.
 *
 * <p>JSON form: {@code {"reply": "text"}} answers with that assistant message; {@code {"fail": 429,
 * "retryAfterSeconds": 1}} answers with OpenAI's rate-limit error and a {@code retry-after} header;
 * {@code {"fail": 500}} with a server error (any 4xx or 5xx status is accepted, {@code "message"} overrides
 * the error text). {@code "delayMillis"} delays either kind, to make a slow reply or a slow failure.
 *
 * @param reply             the assistant message, when the step answers
 * @param failStatus        the HTTP status, when the step fails
 * @param retryAfterSeconds the {@code retry-after} header value of a failure, if any
 * @param message           the error message of a failure, if it should not be the default
 * @param delayMillis       how long to wait before answering (0 for at once)
 */
public record ScriptStep(Optional<String> reply, Optional<Integer> failStatus, Optional<Integer> retryAfterSeconds,
                         Optional<String> message, long delayMillis) {

    /** Checks that the step is either a reply or a failure, and that its numbers make sense. */
    public ScriptStep {
        if (reply.isPresent() == failStatus.isPresent()) {
            throw new IllegalArgumentException("a script step needs exactly one of \"reply\" (the assistant message) or"
                                               + " \"fail\" (an HTTP status such as 429 or 500)");
        }
        failStatus.ifPresent(status -> {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("\"fail\" must be an HTTP error status between 400 and 599, not "
                                                   + status);
            }
        });
        retryAfterSeconds.ifPresent(seconds -> {
            if (seconds < 0) {
                throw new IllegalArgumentException("\"retryAfterSeconds\" must not be negative");
            }
        });
        if (delayMillis < 0 || delayMillis > 600_000) {
            throw new IllegalArgumentException("\"delayMillis\" must be between 0 and 600000");
        }
    }

    /** @return a step answering with {@code content} */
    public static ScriptStep reply(String content) {
        return new ScriptStep(Optional.of(content), Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /** @return a step failing with {@code status} */
    public static ScriptStep fail(int status) {
        return new ScriptStep(Optional.empty(), Optional.of(status), Optional.empty(), Optional.empty(), 0);
    }

    /** @return this step, delayed */
    public ScriptStep delayed(long millis) {
        return new ScriptStep(reply, failStatus, retryAfterSeconds, message, millis);
    }

    /** @return this failure, with a {@code retry-after} header */
    public ScriptStep retryAfter(int seconds) {
        return new ScriptStep(reply, failStatus, Optional.of(seconds), message, delayMillis);
    }
}
