package io.voicecore.receptionist;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.voicecore.receptionist.engine.ConversationState;
import io.voicecore.receptionist.engine.Dialogue;
import io.voicecore.receptionist.engine.KnowledgeEntry;
import io.voicecore.receptionist.engine.Personality;
import io.voicecore.receptionist.engine.Summary;
import io.voicecore.receptionist.engine.Turn;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The receptionist core plugin. Routes are served under {@code /api/v1/tenants/{tenant}/receptionist}; see
 * {@code plugin.yaml}. Replies come from the offline deterministic engine ({@link Dialogue}); every response says
 * so with {@code "mode": "offline"}. Ending a conversation publishes {@code conversation.ended} in the transaction
 * that closes it, so the event exists exactly when the conversation is ended.
 */
public final class ReceptionistPlugin implements Plugin {
    static final String CONVERSATION_ENDED = "conversation.ended";
    static final String MODE = "offline";
    static final String RETENTION_JOB = "purge-transcripts";
    private static final int MAX_TEXT = 4000;

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.POST, "/conversations", this::startConversation);
        setup.route(HttpMethod.GET, "/conversations/{id}", this::readConversation);
        setup.route(HttpMethod.POST, "/conversations/{id}/messages", this::message);
        setup.route(HttpMethod.POST, "/conversations/{id}/end", this::end);
        setup.stream("/conversations/{id}/stream", new ConversationStream(this::readConversation, this::message, this::end));
        setup.route(HttpMethod.POST, "/knowledge", this::addKnowledge);
        setup.route(HttpMethod.GET, "/knowledge", this::listKnowledge);
        setup.route(HttpMethod.DELETE, "/knowledge/{id}", this::deleteKnowledge);
        setup.route(HttpMethod.GET, "/status", this::status);
        setup.job(RETENTION_JOB, "17 3 * * *", this::purgeTranscripts);
    }

    /** Now, at the database's precision. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private Response status(Request request, PluginContext context) {
        Personality personality = Settings.personality(context);
        return Response.ok(Json.object().put("mode", MODE)
                                   .put("engine", "deterministic rules; no language model is configured")
                                   .put("assistantName", personality.assistantName()).put("businessName", personality.businessName())
                                   .put("tone", personality.tone()).put("languages", personality.languages())
                                   .put("timeZone", personality.zone().getId())
                                   .put("retentionDays", Settings.retentionDays(context)).build());
    }

    private Response startConversation(Request request, PluginContext context) {
        String channel = "chat";
        if (!request.bodyText().isBlank()) {
            Json body = request.json();
            Json given = body.get("channel");
            if (!given.isNull()) {
                if (!(given instanceof Json.Str s) || !(s.value().equals("chat") || s.value().equals("voice"))) {
                    throw new PluginProblem(422, "invalid-fields", "Correct these fields: channel: must be chat or voice.");
                }
                channel = s.value();
            }
        }
        Dialogue dialogue = new Dialogue(Settings.personality(context), List.of());
        ConversationState state = dialogue.start();
        String greeting = dialogue.greeting();
        UUID id = UUID.randomUUID();
        Instant now = now();
        String chosenChannel = channel;
        context.storage().transaction(storage -> {
            storage.update("INSERT INTO conversations (id, tenant_id, channel, status, language, state, started_at, last_activity_at) "
                           + "VALUES (?, ?, ?, 'open', ?, ?, ?, ?)", id, Storage.TENANT, chosenChannel, state.language(),
                           StateCodec.toJson(state), now, now);
            appendMessage(storage, id, 1, "receptionist", greeting, state.language(), null, null, now);
            return null;
        });
        return Response.created(Json.object().put("id", id).put("channel", channel).put("status", "open").put("greeting", greeting)
                                        .put("language", state.language()).put("mode", MODE).build())
                .withHeader("Location", "conversations/" + id);
    }

    private Response readConversation(Request request, PluginContext context) {
        UUID id = conversationId(request);
        return Response.ok(context.storage().transaction(storage -> {
            Row conversation = find(storage, id, false);
            List<Json> transcript = storage.query("SELECT seq, role, text, language, sentiment, emotion, created_at FROM messages "
                                                  + "WHERE conversation_id = ? ORDER BY seq", id).stream().map(row -> Json.object()
                    .put("role", row.string("role").orElseThrow()).put("text", row.string("text").orElseThrow())
                    .put("language", row.string("language").orElseThrow()).put("sentiment", row.decimal("sentiment").orElse(null))
                    .put("emotion", row.string("emotion").orElse(null)).put("at", row.instant("created_at").orElseThrow()).build()).toList();
            return describe(conversation).put("transcript", transcript).build();
        }));
    }

    private Response message(Request request, PluginContext context) {
        UUID id = conversationId(request);
        Json body = request.json();
        if (!(body.get("text") instanceof Json.Str text) || text.value().isBlank() || text.value().length() > MAX_TEXT) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: text: is required, what the caller said (1-" + MAX_TEXT
                                                           + " characters).");
        }
        Personality personality = Settings.personality(context);
        Json reply = context.storage().transaction(storage -> {
            Row conversation = find(storage, id, true);
            requireOpen(conversation, id);
            Dialogue dialogue = new Dialogue(personality, knowledge(storage));
            Turn turn = dialogue.respond(StateCodec.fromJson(conversation.json("state").orElseThrow()), text.value());
            ConversationState state = turn.state();
            Instant now = now();
            int seq = (int) storage.queryOne("SELECT coalesce(max(seq), 0) AS last FROM messages WHERE conversation_id = ?", id)
                    .flatMap(row -> row.number("last")).orElse(0L).longValue();
            appendMessage(storage, id, seq + 1, "caller", text.value(), state.language(), BigDecimal.valueOf(turn.sentiment().score()),
                          turn.sentiment().emotion().wireName(), now);
            appendMessage(storage, id, seq + 2, "receptionist", turn.reply(), state.language(), null, null, now);
            storage.update("UPDATE conversations SET state = ?, language = ?, last_activity_at = ? WHERE id = ?",
                           StateCodec.toJson(state), state.language(), now, id);
            return Json.object().put("reply", turn.reply()).put("language", state.language())
                    .put("sentiment", Json.object().put("label", turn.sentiment().label()).put("score", turn.sentiment().score())
                            .put("emotion", turn.sentiment().emotion().wireName()).build())
                    .put("emotion", turn.sentiment().emotion().wireName())
                    .put("escalated", state.escalated()).put("escalation", state.escalation().orElse(null))
                    .put("stage", state.stage().name().toLowerCase(java.util.Locale.ROOT))
                    .put("collected", Json.object().put("name", state.name().orElse(null)).put("phone", state.phone().orElse(null))
                            .put("email", state.email().orElse(null)).put("reason", state.reason().map(r -> r.wireName()).orElse(null))
                            .put("date", state.date().map(d -> d.keyword()).orElse(null)).build())
                    .put("mode", MODE).build();
        });
        return Response.ok(reply);
    }

    private Response end(Request request, PluginContext context) {
        UUID id = conversationId(request);
        Personality personality = Settings.personality(context);
        Json ended = context.storage().transaction(storage -> {
            Row conversation = find(storage, id, true);
            requireOpen(conversation, id);
            ConversationState state = StateCodec.fromJson(conversation.json("state").orElseThrow());
            Instant now = now();
            Summary summary = Summary.of(state, LocalDate.ofInstant(now, personality.zone()));
            Json summaryJson = Json.object().put("text", summary.text()).put("keyPoints", summary.keyPoints())
                    .put("actionItems", summary.actionItems()).build();
            String goodbye = new Dialogue(personality, List.of()).goodbye(state);
            int seq = (int) storage.queryOne("SELECT coalesce(max(seq), 0) AS last FROM messages WHERE conversation_id = ?", id)
                    .flatMap(row -> row.number("last")).orElse(0L).longValue();
            appendMessage(storage, id, seq + 1, "receptionist", goodbye, state.language(), null, null, now);
            storage.update("UPDATE conversations SET status = 'ended', summary = ?, ended_at = ?, last_activity_at = ? WHERE id = ?",
                           summaryJson, now, now, id);
            Instant startedAt = conversation.instant("started_at").orElseThrow();
            context.events().publish(CONVERSATION_ENDED, Json.object()
                    .put("conversationId", id).put("channel", conversation.string("channel").orElseThrow())
                    .put("contact", Json.object().put("name", state.name().orElse(null)).put("phone", state.phone().orElse(null))
                            .put("email", state.email().orElse(null)).build())
                    .put("summary", summary.text()).put("language", state.language())
                    .put("startedAt", startedAt).put("endedAt", now).build());
            return Json.object().put("id", id).put("status", "ended").put("reply", goodbye).put("language", state.language())
                    .put("summary", summaryJson).put("escalated", state.escalated()).put("mode", MODE).build();
        });
        return Response.ok(ended);
    }

    private Response addKnowledge(Request request, PluginContext context) {
        Json body = request.json();
        List<String> keywords = body.get("keywords") instanceof Json.Arr array
                ? array.asList().stream().filter(k -> k instanceof Json.Str).map(Json::asString).map(String::strip)
                        .filter(k -> !k.isEmpty()).toList()
                : List.of();
        boolean keywordsValid = body.get("keywords") instanceof Json.Arr array && keywords.size() == array.asList().size()
                                && !keywords.isEmpty() && keywords.size() <= 50 && keywords.stream().allMatch(k -> k.length() <= 100);
        boolean answerValid = body.get("answer") instanceof Json.Str answer && !answer.value().isBlank() && answer.value().length() <= MAX_TEXT;
        if (!keywordsValid || !answerValid) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: "
                    + (keywordsValid ? "" : "keywords: is required, a list of 1-50 non-empty words or phrases of at most 100 characters; ")
                    + (answerValid ? "" : "answer: is required, the text to answer with (1-" + MAX_TEXT + " characters)."));
        }
        UUID id = UUID.randomUUID();
        Instant now = now();
        String answer = body.get("answer").asString().strip();
        context.storage().update("INSERT INTO knowledge_entries (id, tenant_id, keywords, answer, created_at) VALUES (?, ?, ?, ?, ?)",
                                 id, Storage.TENANT, Json.array(keywords), answer, now);
        return Response.created(Json.object().put("id", id).put("keywords", keywords).put("answer", answer).put("createdAt", now).build())
                .withHeader("Location", "knowledge/" + id);
    }

    private Response listKnowledge(Request request, PluginContext context) {
        List<Json> items = context.storage().query("SELECT id, keywords, answer, created_at FROM knowledge_entries ORDER BY created_at, id")
                .stream().map(row -> Json.object().put("id", row.uuid("id").orElseThrow()).put("keywords", row.json("keywords").orElseThrow())
                        .put("answer", row.string("answer").orElseThrow()).put("createdAt", row.instant("created_at").orElseThrow()).build())
                .toList();
        return Response.ok(Json.object().put("items", items).build());
    }

    private Response deleteKnowledge(Request request, PluginContext context) {
        String text = request.pathParam("id").orElseThrow();
        UUID id = parseId(text, "knowledge entry");
        if (context.storage().update("DELETE FROM knowledge_entries WHERE id = ?", id) == 0) {
            throw new PluginProblem(404, "knowledge-entry-not-found", "No knowledge entry '" + text + "' in this tenant; list them with GET /knowledge.");
        }
        return Response.noContent();
    }

    private void purgeTranscripts(PluginContext context) {
        long days = Settings.retentionDays(context);
        Instant cutoff = now().minus(days, ChronoUnit.DAYS);
        int deleted = context.storage().update("DELETE FROM conversations WHERE last_activity_at <= ?", cutoff);
        context.log().info("deleted " + deleted + " transcripts with no activity since " + cutoff + " (retention " + days + " days)");
    }

    private static List<KnowledgeEntry> knowledge(Storage storage) {
        return storage.query("SELECT keywords, answer FROM knowledge_entries ORDER BY created_at, id").stream()
                .map(row -> new KnowledgeEntry(row.json("keywords").orElseThrow().asList().stream().map(Json::asString).toList(),
                                               row.string("answer").orElseThrow()))
                .toList();
    }

    private static void appendMessage(Storage storage, UUID conversationId, int seq, String role, String text, String language,
                                      BigDecimal sentiment, String emotion, Instant at) {
        storage.update("INSERT INTO messages (tenant_id, conversation_id, seq, role, text, language, sentiment, emotion, created_at) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", Storage.TENANT, conversationId, seq, role, text, language, sentiment, emotion, at);
    }

    private static Row find(Storage storage, UUID id, boolean lock) {
        return storage.queryOne("SELECT id, channel, status, language, summary, started_at, last_activity_at, ended_at, state "
                                + "FROM conversations WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id)
                .orElseThrow(() -> new PluginProblem(404, "conversation-not-found", "No conversation '" + id
                                                                                     + "' in this tenant; start one with POST /conversations."));
    }

    private static void requireOpen(Row conversation, UUID id) {
        if (!conversation.string("status").orElseThrow().equals("open")) {
            throw new PluginProblem(409, "conversation-ended", "Conversation '" + id + "' has ended; start a new one with POST /conversations.");
        }
    }

    private static Json.ObjectBuilder describe(Row conversation) {
        return Json.object().put("id", conversation.uuid("id").orElseThrow()).put("channel", conversation.string("channel").orElseThrow())
                .put("status", conversation.string("status").orElseThrow()).put("language", conversation.string("language").orElseThrow())
                .put("startedAt", conversation.instant("started_at").orElseThrow())
                .put("endedAt", conversation.instant("ended_at").orElse(null)).put("summary", conversation.json("summary").orElse(null))
                .put("mode", MODE);
    }

    private static UUID conversationId(Request request) {
        return parseId(request.pathParam("id").orElseThrow(), "conversation");
    }

    private static UUID parseId(String text, String what) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new PluginProblem(404, what.replace(' ', '-') + "-not-found", "No " + what + " '" + text + "': ids are UUIDs.");
        }
    }
}
