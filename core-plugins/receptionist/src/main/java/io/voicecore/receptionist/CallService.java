package io.voicecore.receptionist;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.receptionist.api.CallEnded;
import io.voicecore.receptionist.api.CallEnding;
import io.voicecore.receptionist.api.CallStarted;
import io.voicecore.receptionist.api.CallTurn;
import io.voicecore.receptionist.api.Calls;
import io.voicecore.receptionist.engine.Summary;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.json.Json;

/**
 * {@link Calls}, as exported to a telephony plugin: each call is a conversation on channel {@code call}, started,
 * answered and ended by exactly the code of the conversation routes ({@link ReceptionistPlugin#handleStart},
 * {@link ReceptionistPlugin#handleMessage}, {@link ReceptionistPlugin#handleEnd}), with the receptionist's own context
 * for the calling tenant.
 */
final class CallService implements Calls {
    private final ReceptionistPlugin receptionist;
    private final PluginContext context;

    CallService(ReceptionistPlugin receptionist, PluginContext context) {
        this.receptionist = receptionist;
        this.context = context;
    }

    @Override
    public CallStarted start(String callerNumber, Optional<String> language) {
        Optional<String> number = Optional.ofNullable(callerNumber).map(String::strip).filter(n -> !n.isEmpty());
        if (number.isPresent() && !number.get().matches(CompletionRequest.E164)) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: callerNumber: '" + number.get()
                                                           + "' is not a number in E.164, e.g. +34612345678.");
        }
        ReceptionistPlugin.Started started = receptionist.handleStart(context, ReceptionistPlugin.CALL, number,
                                                                      language == null ? Optional.empty() : language);
        var personality = started.personality();
        Optional<Boolean> openNow = ReceptionistPlugin.languageModel(context).openAt(personality.persona(), Instant.now());
        return new CallStarted(started.id(), started.greeting().text(), started.language(), personality.languages(), openNow,
                               personality.assistantName(), personality.businessName());
    }

    @Override
    public CallTurn turn(UUID conversationId, String text, double confidence) {
        if (text == null || text.isBlank() || text.length() > ReceptionistPlugin.MAX_TEXT) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: text: is required, what the caller said (1-"
                                                           + ReceptionistPlugin.MAX_TEXT + " characters).");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: confidence: must be between 0 and 1, not " + confidence + ".");
        }
        requireCall(conversationId);
        Json reply = receptionist.handleMessage(context, conversationId, text.strip(),
                                                Optional.of(BigDecimal.valueOf(confidence).setScale(3, java.math.RoundingMode.HALF_UP)));
        boolean escalate = reply.get("escalated").asBoolean();
        Json collected = reply.get("collected");
        return new CallTurn(reply.get("reply").asString(), reply.get("language").asString(), escalate,
                            reply.get("escalation").asOptionalString(), escalate ? Optional.of(briefing(conversationId)) : Optional.empty(),
                            reply.get("stage").asString(),
                            new CallTurn.Collected(collected.get("name").asOptionalString(), collected.get("phone").asOptionalString(),
                                                   collected.get("email").asOptionalString(), collected.get("reason").asOptionalString(),
                                                   collected.get("date").asOptionalString()),
                            reply.get("sentiment").get("score").asDecimal().doubleValue(), reply.get("mode").asString(),
                            reply.get("fallbackReason").asOptionalString(), reply.get("transferTo").asOptionalString());
    }

    @Override
    public CallEnded end(UUID conversationId, CallEnding ending) {
        requireCall(conversationId);
        Json ended = receptionist.handleEnd(context, conversationId, Optional.of(ending));
        Json summary = ended.get("summary");
        return new CallEnded(summary.get("text").asString(), strings(summary.get("keyPoints")), strings(summary.get("actionItems")),
                             ended.get("language").asString(), ended.get("reply").asString());
    }

    /** What the team knows of the call so far, in the words of the summary it will get at the end. */
    private String briefing(UUID conversationId) {
        return context.storage().transaction(storage -> {
            var state = StateCodec.fromJson(storage.queryOne("SELECT state FROM conversations WHERE id = ?", conversationId).orElseThrow()
                                                    .json("state").orElseThrow());
            return Summary.of(state, LocalDate.ofInstant(Instant.now(), Settings.personality(context).zone())).text();
        });
    }

    /** Only calls are held through this service: a chat is not a telephony plugin's to answer or end. */
    private void requireCall(UUID conversationId) {
        String channel = context.storage().queryOne("SELECT channel FROM conversations WHERE id = ?", conversationId)
                .flatMap(row -> row.string("channel"))
                .orElseThrow(() -> new PluginProblem(404, "conversation-not-found", "No conversation '" + conversationId
                                                                                     + "' in this tenant."));
        if (!channel.equals(ReceptionistPlugin.CALL)) {
            throw new PluginProblem(409, "not-a-call", "Conversation '" + conversationId + "' is a " + channel + ", not a call.");
        }
    }

    private static List<String> strings(Json list) {
        return list.asList().stream().map(Json::asString).toList();
    }
}
