package io.voicecore.standins.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link TwilioCall} is placed. Start from {@link #call(URI, String)} and change what a test needs:
 * {@code TwilioCallSettings.call(webhook, "auth-token").withFrom("+34600111222").withDialStatuses("busy")}.
 *
 * @param webhook                 the voice webhook of the number called, the first URL requested
 * @param authToken               the account's auth token, which signs every request
 * @param accountSid              the account ({@code AC} and 32 hex digits)
 * @param from                    the caller's number ({@code From}, {@code Caller})
 * @param to                      the number called ({@code To}, {@code Called})
 * @param webhookMethod           how the webhook is requested, {@code POST} or {@code GET}
 * @param statusCallback          where the call's end is posted ({@code CallStatus=completed}), if anywhere
 * @param dialStatuses            what each {@code <Dial>} ends with, in order ({@code completed}, {@code busy},
 *                                {@code no-answer}, {@code failed}, {@code canceled}); {@code completed} once used up
 * @param dialCallDurationSeconds how long an answered {@code <Dial>} lasts ({@code DialCallDuration})
 * @param requestTimeout          how long a webhook may take to answer (Twilio waits 15 seconds)
 * @param maxRequests             how many requests a call may make before it is ended, against TwiML loops
 * @param signingToken            the token requests are signed with instead of {@code authToken}: a forged call
 * @param tamperedParameters      parameters changed after signing, as a forger would
 * @param signed                  whether requests carry {@code X-Twilio-Signature} at all
 * @param replyTimeout            stream mode: how long a caller waiting for a reply waits before going on anyway
 * @param hangUpAfterQuiet        stream mode: how long after the last reply the caller hangs up, once the script
 *                                is done
 * @param maxStreamDuration       stream mode: the longest a stream may last before the caller hangs up
 */
public record TwilioCallSettings(URI webhook, String authToken, String accountSid, String from, String to,
                                 String webhookMethod, Optional<URI> statusCallback, List<String> dialStatuses,
                                 int dialCallDurationSeconds, Duration requestTimeout, int maxRequests,
                                 Optional<String> signingToken, Map<String, String> tamperedParameters, boolean signed,
                                 Duration replyTimeout, Duration hangUpAfterQuiet, Duration maxStreamDuration) {
    /** The caller's number when none is given. */
    public static final String DEFAULT_FROM = "+34600111222";
    /** The number called when none is given. */
    public static final String DEFAULT_TO = "+34910000000";
    /** What a {@code <Dial>} can end with. */
    public static final Set<String> DIAL_STATUSES = Set.of("completed", "busy", "no-answer", "failed", "canceled");

    /** Checks every setting, saying what is wrong with it. */
    public TwilioCallSettings {
        if (webhook == null || !webhook.isAbsolute()
            || !("http".equals(webhook.getScheme()) || "https".equals(webhook.getScheme()))) {
            throw new IllegalArgumentException("the voice webhook must be an absolute http or https URL, not " + webhook);
        }
        if (authToken == null || authToken.isBlank()) {
            throw new IllegalArgumentException("an auth token is needed to sign the requests (Twilio signs every one)");
        }
        if (!Sids.looksLike(Sids.ACCOUNT, accountSid)) {
            throw new IllegalArgumentException("an account SID is AC followed by 32 hex digits, not " + accountSid);
        }
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new IllegalArgumentException("a call needs a From and a To number, e.g. +34600111222");
        }
        if (!webhookMethod.equals("POST") && !webhookMethod.equals("GET")) {
            throw new IllegalArgumentException("the webhook method is POST or GET, not " + webhookMethod);
        }
        statusCallback.ifPresent(url -> {
            if (!url.isAbsolute()) {
                throw new IllegalArgumentException("the status callback must be an absolute URL, not " + url);
            }
        });
        dialStatuses = List.copyOf(dialStatuses);
        for (String status : dialStatuses) {
            if (!DIAL_STATUSES.contains(status)) {
                throw new IllegalArgumentException("a dial status is one of " + DIAL_STATUSES + ", not " + status);
            }
        }
        if (dialCallDurationSeconds < 0) {
            throw new IllegalArgumentException("dialCallDurationSeconds must not be negative");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1");
        }
        tamperedParameters = Map.copyOf(tamperedParameters);
        for (Duration duration : List.of(replyTimeout, hangUpAfterQuiet, maxStreamDuration)) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("stream durations must not be negative");
            }
        }
    }

    /**
     * @return a call from {@value #DEFAULT_FROM} to {@value #DEFAULT_TO} on a random account, the webhook requested
     *         with POST, no status callback, dials answered and lasting 30 s, Twilio's 15 s request time-out, at
     *         most 100 requests, correctly signed; in stream mode a caller waits up to 10 s for a reply, hangs up 1 s
     *         after the last one and stays at most 2 minutes
     */
    public static TwilioCallSettings call(URI webhook, String authToken) {
        return new TwilioCallSettings(webhook, authToken, Sids.next(Sids.ACCOUNT), DEFAULT_FROM, DEFAULT_TO, "POST",
                                      Optional.empty(), List.of(), 30, Duration.ofSeconds(15), 100, Optional.empty(),
                                      Map.of(), true, Duration.ofSeconds(10), Duration.ofSeconds(1),
                                      Duration.ofMinutes(2));
    }

    public TwilioCallSettings withFrom(String newFrom) {
        return new TwilioCallSettings(webhook, authToken, accountSid, newFrom, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    public TwilioCallSettings withTo(String newTo) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, newTo, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    public TwilioCallSettings withAccountSid(String newAccountSid) {
        return new TwilioCallSettings(webhook, authToken, newAccountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    /** @return these settings, requesting the webhook with {@code GET} (parameters in the query) or {@code POST} */
    public TwilioCallSettings withWebhookMethod(String method) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, method, statusCallback, dialStatuses,
                                      dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    public TwilioCallSettings withStatusCallback(URI url) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, Optional.of(url),
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    /** @return these settings, the n-th {@code <Dial>} ending with the n-th status */
    public TwilioCallSettings withDialStatuses(String... statuses) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      List.of(statuses), dialCallDurationSeconds, requestTimeout, maxRequests,
                                      signingToken, tamperedParameters, signed, replyTimeout, hangUpAfterQuiet,
                                      maxStreamDuration);
    }

    public TwilioCallSettings withDialCallDuration(int seconds) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, seconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    public TwilioCallSettings withRequestTimeout(Duration timeout) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, timeout, maxRequests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    public TwilioCallSettings withMaxRequests(int requests) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, requests, signingToken,
                                      tamperedParameters, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    /** @return these settings, signing every request with {@code wrongToken}: a forged call the webhook must refuse */
    public TwilioCallSettings signedWith(String wrongToken) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests,
                                      Optional.of(wrongToken), tamperedParameters, signed, replyTimeout,
                                      hangUpAfterQuiet, maxStreamDuration);
    }

    /**
     * @return these settings, with {@code name} set to {@code value} after each request is signed (added when the
     *         request has no such parameter): a replayed request someone altered, which the webhook must refuse
     */
    public TwilioCallSettings withParameterTamperedAfterSigning(String name, String value) {
        Map<String, String> tampered = new LinkedHashMap<>(tamperedParameters);
        tampered.put(name, value);
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tampered, signed, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    /** @return these settings, sending no {@code X-Twilio-Signature} header */
    public TwilioCallSettings unsigned() {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, false, replyTimeout, hangUpAfterQuiet, maxStreamDuration);
    }

    /** @return these settings with other stream-mode patience: see the record's description */
    public TwilioCallSettings withStreamTiming(Duration newReplyTimeout, Duration newHangUpAfterQuiet,
                                               Duration newMaxStreamDuration) {
        return new TwilioCallSettings(webhook, authToken, accountSid, from, to, webhookMethod, statusCallback,
                                      dialStatuses, dialCallDurationSeconds, requestTimeout, maxRequests, signingToken,
                                      tamperedParameters, signed, newReplyTimeout, newHangUpAfterQuiet,
                                      newMaxStreamDuration);
    }
}
