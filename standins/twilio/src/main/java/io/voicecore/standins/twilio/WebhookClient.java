package io.voicecore.standins.twilio;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Sends the application what Twilio sends: form-encoded parameters (the body of a POST, the query of a GET), signed
 * with {@code X-Twilio-Signature}, with Twilio's other headers, and records each request and answer in the call's
 * log. The signing can be spoilt on purpose (another token, a parameter changed after signing, no signature) to
 * test that a webhook refuses forgeries.
 */
final class WebhookClient {
    /** How much of an answer's body the transcript keeps. */
    static final int KEPT_BODY_CHARACTERS = 64 * 1024;

    /** An answer; {@code failure} when the request got none (connection refused, time-out). */
    record Reply(int status, Optional<String> contentType, String body, Optional<String> failure) {
        boolean successful() {
            return failure.isEmpty() && status >= 200 && status < 300;
        }
    }

    private final TwilioCallSettings settings;
    private final CallLog log;
    private final HttpClient http;
    private int sent;

    WebhookClient(TwilioCallSettings settings, CallLog log) {
        this.settings = settings;
        this.log = log;
        // Twilio does not follow an answer's redirect: a 3xx is an application error like any other non-2xx.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @return how many requests have been sent */
    int sent() {
        return sent;
    }

    Reply send(String purpose, String method, URI url, Map<String, String> params) {
        sent++;
        boolean get = method.equalsIgnoreCase("GET");
        URI target = get ? withQuery(url, params) : url;
        Map<String, String> signedParams = get ? Map.of() : params;
        String signature = TwilioSignature.sign(settings.signingToken().orElse(settings.authToken()),
                                                target.toString(), signedParams);
        Map<String, String> sentParams = new LinkedHashMap<>(params);
        sentParams.putAll(settings.tamperedParameters());
        URI requested = get ? withQuery(url, sentParams) : url;
        HttpRequest.Builder request = HttpRequest.newBuilder(requested).timeout(settings.requestTimeout())
                .header("User-Agent", "TwilioProxy/1.1")
                .header("Accept", "*/*")
                .header("I-Twilio-Idempotency-Token", UUID.randomUUID().toString());
        if (settings.signed()) {
            request.header(TwilioSignature.HEADER, signature);
        }
        if (get) {
            request.GET();
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(sentParams)));
        }
        // Sorted by name, as Twilio signs them: the transcript reads the same from one request to the next.
        Map<String, String> logged = Collections.unmodifiableMap(new TreeMap<>(sentParams));
        log.add(at -> new CallEvent.RequestSent(at, purpose, get ? "GET" : "POST", requested, logged,
                                                settings.signed() ? Optional.of(signature) : Optional.empty()));
        Reply reply;
        try {
            HttpResponse<String> response = http.send(request.build(),
                                                      HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            reply = new Reply(response.statusCode(), response.headers().firstValue("Content-Type"), response.body(),
                              Optional.empty());
        } catch (IOException failed) {
            reply = new Reply(0, Optional.empty(), "", Optional.of(failed.getClass().getSimpleName()
                                                                   + (failed.getMessage() == null ? ""
                                                                      : ": " + failed.getMessage())));
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            reply = new Reply(0, Optional.empty(), "", Optional.of("interrupted"));
        }
        Reply answered = reply;
        String kept = answered.body().length() > KEPT_BODY_CHARACTERS
                      ? answered.body().substring(0, KEPT_BODY_CHARACTERS) : answered.body();
        log.add(at -> new CallEvent.ResponseReceived(at, purpose, answered.status(), answered.contentType(),
                                                     answered.failure().orElse(kept)));
        return answered;
    }

    /** @return {@code url} with {@code params} added to its query, form-encoded, as Twilio requests with GET */
    static URI withQuery(URI url, Map<String, String> params) {
        if (params.isEmpty()) {
            return url;
        }
        String raw = url.toString();
        int fragment = raw.indexOf('#');
        String base = fragment < 0 ? raw : raw.substring(0, fragment);
        return URI.create(base + (url.getRawQuery() == null ? "?" : "&") + encode(params));
    }

    static String encode(Map<String, String> params) {
        StringJoiner form = new StringJoiner("&");
        params.forEach((name, value) -> form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                                                 + URLEncoder.encode(value == null ? "" : value,
                                                                     StandardCharsets.UTF_8)));
        return form.toString();
    }
}
