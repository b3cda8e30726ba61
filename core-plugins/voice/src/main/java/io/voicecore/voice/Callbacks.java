package io.voicecore.voice;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;
import io.voicecore.voice.CallStore.Call;

/**
 * Call-backs queued callers asked for: scheduled in the plugin's table {@code callbacks}, and placed by the job
 * {@value #JOB} when due, through Twilio's REST API ({@code POST /2010-04-01/Accounts/{AccountSid}/Calls.json}) from the
 * number the caller had called. When the caller answers, Twilio asks the plugin's {@code /twilio/incoming} for the call
 * as for any other, and the receptionist answers. A call-back Twilio refuses is tried again at the next run, three
 * times in all.
 */
final class Callbacks {
    static final String JOB = "place-callbacks";
    static final int MAX_ATTEMPTS = 3;

    private final PluginContext context;
    private final VoiceSettings settings;

    Callbacks(PluginContext context, VoiceSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    /** Schedules a call-back to the caller's number, due after the configured delay. */
    void schedule(Call call, String webhookBase) {
        Instant now = CallStore.now();
        context.storage().update("INSERT INTO callbacks (id, tenant_id, call_sid, to_number, from_number, account_sid, webhook_base, due_at, "
                                 + "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)", UUID.randomUUID(), Storage.TENANT,
                                 call.callSid(), call.callerNumber().orElseThrow(), call.calledNumber().orElse(""), call.accountSid(),
                                 webhookBase, now.plus(Duration.ofMinutes(settings.callbackDelayMinutes())), now);
    }

    /** Places every call-back that is due; run by the job for each tenant. */
    void placeDue() {
        Optional<String> token = context.secrets().get(Webhook.AUTH_TOKEN_SECRET).filter(t -> !t.isBlank());
        for (Row due : context.storage().query("SELECT id FROM callbacks WHERE status = 'scheduled' AND due_at <= ? ORDER BY due_at",
                                               CallStore.now())) {
            UUID id = due.uuid("id").orElseThrow();
            // Claimed row by row, so that two runs (or nodes) never place the same call-back twice.
            context.storage().transaction(storage -> {
                storage.queryOne("SELECT * FROM callbacks WHERE id = ? AND status = 'scheduled' FOR UPDATE SKIP LOCKED", id)
                        .ifPresent(callback -> place(storage, callback, token));
                return null;
            });
        }
    }

    private void place(Storage storage, Row callback, Optional<String> token) {
        UUID id = callback.uuid("id").orElseThrow();
        int attempt = callback.number("attempts").orElse(0L).intValue() + 1;
        String accountSid = callback.string("account_sid").orElseThrow();
        String base = callback.string("webhook_base").orElseThrow();
        Optional<String> failure;
        Optional<String> placedSid = Optional.empty();
        if (token.isEmpty()) {
            failure = Optional.of("the tenant's Twilio auth token is not set");
        } else {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("To", callback.string("to_number").orElseThrow());
            form.put("From", callback.string("from_number").orElseThrow());
            form.put("Url", base + "/twilio/incoming");
            form.put("Method", "POST");
            form.put("StatusCallback", base + "/twilio/status");
            form.put("StatusCallbackMethod", "POST");
            String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
            URI uri = URI.create(settings.twilioApiBaseUrl() + "/2010-04-01/Accounts/" + encode(accountSid) + "/Calls.json");
            String credentials = Base64.getEncoder().encodeToString((accountSid + ":" + token.get()).getBytes(StandardCharsets.UTF_8));
            try {
                EgressResponse answer = context.http().send(EgressRequest.post(uri, "application/x-www-form-urlencoded", body)
                        .withHeader("Authorization", "Basic " + credentials).withHeader("Accept", "application/json"));
                if (answer.status() / 100 == 2) {
                    failure = Optional.empty();
                    placedSid = sid(answer);
                } else {
                    failure = Optional.of("Twilio answered " + answer.status() + ": " + abbreviated(answer.bodyText()));
                }
            } catch (RuntimeException unreachable) {
                failure = Optional.of("Twilio could not be reached: " + unreachable.getMessage());
            }
        }
        Instant now = CallStore.now();
        if (failure.isEmpty()) {
            storage.update("UPDATE callbacks SET status = 'placed', attempts = ?, placed_call_sid = ?, placed_at = ?, last_error = NULL "
                           + "WHERE id = ?", attempt, placedSid.orElse(null), now, id);
            context.log().info("call-back " + id + " placed" + placedSid.map(sid -> " as " + sid).orElse(""));
        } else {
            String status = attempt >= MAX_ATTEMPTS ? "failed" : "scheduled";
            storage.update("UPDATE callbacks SET status = ?, attempts = ?, last_error = ? WHERE id = ?", status, attempt, failure.get(), id);
            context.log().warn("call-back " + id + " not placed (attempt " + attempt + " of " + MAX_ATTEMPTS + "): " + failure.get());
        }
    }

    private static Optional<String> sid(EgressResponse answer) {
        try {
            return Json.parse(answer.bodyText()).get("sid").asOptionalString();
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
