package io.voicecore.receptionist;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.GatewayStatus;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.LanguageModel;
import io.voicecore.aigateway.api.Message;
import io.voicecore.receptionist.api.CallEnding;
import io.voicecore.receptionist.api.Calls;
import io.voicecore.receptionist.engine.ConversationRules;
import io.voicecore.receptionist.engine.ConversationState;
import io.voicecore.receptionist.engine.KnowledgeBase;
import io.voicecore.receptionist.engine.Personality;
import io.voicecore.receptionist.engine.Sentences;
import io.voicecore.receptionist.engine.Summary;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.PermissionDeniedException;
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
 * {@code plugin.yaml}. What the receptionist says comes from the AI gateway's {@link LanguageModel} (offline rules, or
 * OpenAI when the tenant set a key), which also analyses each caller turn; the conversation itself (its state, the
 * escalation rules, the transcript, the summary and retention) is the receptionist's. Each reply says where it came
 * from in {@code mode}. Ending a conversation publishes {@code conversation.ended} in the transaction that closes it, so
 * the event exists exactly when the conversation is ended.
 *
 * <p>{@link #handleMessage} and {@link #handleEnd} are the message and end paths of a conversation, for every way
 * a conversation reaches the plugin (the routes here, and a stream of turns).
 */
public final class ReceptionistPlugin implements Plugin {
    static final String CONVERSATION_ENDED = "conversation.ended";
    static final String RETENTION_JOB = "purge-transcripts";
    /** The mode of the receptionist's own sentences (the handover, the goodbye, a configured greeting): no model said them. */
    static final String OWN_SENTENCE_MODE = "offline";
    static final int MAX_TEXT = 4000;
    static final String CHAT = "chat";
    /** The channel of phone calls, held through {@link Calls}. */
    static final String CALL = "call";
    /**
     * @param channel a conversation's channel, {@code chat}, {@code voice} or {@code call}
     * @return the channel the language model is told: a phone call, or a chat (a voice conversation is not a phone call:
     *         it has no number on the line)
     */
    static Channel modelChannel(String channel) {
        return channel.equals(CALL) ? Channel.CALL : Channel.CHAT;
    }

    /** Tries of a turn when another turn of the same conversation was saved while this one was being answered. */
    private static final int ATTEMPTS = 3;

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.POST, "/conversations", this::startConversation);
        setup.route(HttpMethod.GET, "/conversations", ConversationList::list);
        setup.route(HttpMethod.GET, "/conversations/{id}", this::readConversation);
        setup.route(HttpMethod.POST, "/conversations/{id}/messages", this::message);
        setup.route(HttpMethod.POST, "/conversations/{id}/end", this::end);
        setup.stream("/conversations/{id}/stream", new ConversationStream(this::readConversation, this::message, this::end));
        setup.route(HttpMethod.POST, "/knowledge", this::addKnowledge);
        setup.route(HttpMethod.GET, "/knowledge", this::listKnowledge);
        setup.route(HttpMethod.DELETE, "/knowledge/{id}", this::deleteKnowledge);
        setup.route(HttpMethod.GET, "/status", this::status);
        setup.route(HttpMethod.GET, "/call-flow", CallFlows::read);
        setup.route(HttpMethod.PUT, "/call-flow", CallFlows::save);
        setup.route(HttpMethod.DELETE, "/call-flow", CallFlows::delete);
        setup.route(HttpMethod.POST, "/call-flow/dry-run", CallFlows::dryRun);
        setup.job(RETENTION_JOB, "17 3 * * *", this::purgeTranscripts);
        setup.exportService(Calls.class, context -> new CallService(this, context));
    }

    /** Now, at the database's precision. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * The tenant's language model, from the AI gateway.
     *
     * @throws PluginProblem 409 {@code language-model-unavailable} when the tenant has not enabled the gateway
     */
    static LanguageModel languageModel(PluginContext context) {
        try {
            return context.services().require(LanguageModel.class);
        } catch (PermissionDeniedException unavailable) {
            throw new PluginProblem(409, "language-model-unavailable", "The receptionist answers through the AI gateway's language model, "
                    + "which this tenant cannot use: " + unavailable.getMessage() + " Enable plugin 'ai-gateway' for the tenant "
                    + "(PUT /api/v1/tenants/{tenant}/plugins/ai-gateway, granting the permissions it declares), then try again.");
        }
    }

    private Response status(Request request, PluginContext context) {
        Personality personality = Settings.personality(context);
        GatewayStatus gateway = languageModel(context).status();
        boolean online = gateway.mode() == GatewayStatus.Mode.ONLINE;
        String engine = online ? "ai-gateway: OpenAI " + gateway.model() + " at " + gateway.providerHost() + " (circuit breaker "
                                 + gateway.breaker().state().wireName() + "), falling back to the offline engine"
                : "ai-gateway: offline engine (deterministic rules); no OpenAI key is set";
        return Response.ok(Json.object().put("mode", gateway.mode().wireName()).put("engine", engine)
                                   .put("model", online ? gateway.model() : Completion.OFFLINE_MODEL)
                                   .put("assistantName", personality.assistantName()).put("businessName", personality.businessName().orElse(null))
                                   .put("greeting", personality.greeting().orElse(null))
                                   .put("tone", personality.tone()).put("languages", personality.languages())
                                   .put("businessHours", personality.businessHours().orElse(null))
                                   .put("timeZone", personality.zone().getId())
                                   .put("escalationKeywords", personality.escalationKeywords())
                                   .put("frustrationLimit", personality.frustrationLimit())
                                   .put("retentionDays", Settings.retentionDays(context)).build());
    }

    private Response startConversation(Request request, PluginContext context) {
        String channel = CHAT;
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
        Started started = handleStart(context, channel, Optional.empty(), Optional.empty());
        return Response.created(Json.object().put("id", started.id()).put("channel", channel).put("status", "open")
                                        .put("greeting", started.greeting().text()).put("language", started.language())
                                        .put("mode", started.greeting().mode()).build())
                .withHeader("Location", "conversations/" + started.id());
    }

    /**
     * Starts a conversation: the greeting (the tenant's own, or the language model's in the first offered language),
     * saved as the first turn.
     *
     * @param channel      {@code chat}, {@code voice} or {@code call}
     * @param callerNumber a phone call's number in E.164
     * @param language     the language to greet in when the tenant offers it (e.g. the one of the caller's country),
     *                     instead of the first offered; a greeting of the tenant's own is said in the first
     */
    Started handleStart(PluginContext context, String channel, Optional<String> callerNumber, Optional<String> language) {
        Personality personality = Settings.personality(context);
        LanguageModel model = languageModel(context);
        String greetIn = language.filter(personality.languages()::contains).filter(chosen -> personality.greeting().isEmpty())
                .orElse(personality.defaultLanguage());
        Said greeting = personality.greeting().map(own -> new Said(own, OWN_SENTENCE_MODE, Optional.empty()))
                .orElseGet(() -> Said.by(model.complete(new CompletionRequest(personality.persona(), List.of(), List.of(),
                        Optional.of(greetIn), Optional.empty(), Optional.of(minute(now())), modelChannel(channel), callerNumber))));
        ConversationState state = ConversationState.start(greetIn);
        UUID id = UUID.randomUUID();
        Instant now = now();
        context.storage().transaction(storage -> {
            storage.update("INSERT INTO conversations (id, tenant_id, channel, status, language, state, started_at, last_activity_at, "
                           + "caller_number) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)", id, Storage.TENANT, channel, state.language(),
                           StateCodec.toJson(state, greeting.mode()), now, now, callerNumber.orElse(null));
            appendMessage(storage, id, 1, "receptionist", greeting.text(), state.language(), null, null, now);
            return null;
        });
        return new Started(id, greeting, state.language(), personality);
    }

    /** A conversation just started: its greeting, its language and the personality it was greeted with. */
    record Started(UUID id, Said greeting, String language, Personality personality) {
    }

    private Response readConversation(Request request, PluginContext context) {
        UUID id = conversationId(request);
        return Response.ok(context.storage().transaction(storage -> {
            Row conversation = find(storage, id, false);
            List<Json> transcript = storage.query("SELECT seq, role, text, language, sentiment, emotion, confidence, call_flow, created_at "
                                                  + "FROM messages WHERE conversation_id = ? ORDER BY seq", id).stream().map(row -> Json.object()
                    .put("role", row.string("role").orElseThrow()).put("text", row.string("text").orElseThrow())
                    .put("language", row.string("language").orElseThrow()).put("sentiment", row.decimal("sentiment").orElse(null))
                    .put("emotion", row.string("emotion").orElse(null)).put("confidence", row.decimal("confidence").orElse(null))
                    .put("callFlow", row.json("call_flow").orElse(null))
                    .put("at", row.instant("created_at").orElseThrow()).build()).toList();
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
        return Response.ok(handleMessage(context, id, text.value(), Optional.empty()));
    }

    private Response end(Request request, PluginContext context) {
        return Response.ok(handleEnd(context, conversationId(request), Optional.empty()));
    }

    /**
     * Answers one caller turn of an open conversation: the language model analyses it, the receptionist's rules update
     * the conversation (collected details, stage, escalation), and the model's reply (or the receptionist's handover)
     * is saved with the turn. Nothing is held locked while the model answers; if another turn of the same conversation
     * was saved meanwhile, the turn is answered again on top of it.
     *
     * @param context the call's context
     * @param id      the conversation
     * @param text    what the caller said, 1 to {@value #MAX_TEXT} characters
     * @param confidence how sure a speech recogniser was of {@code text}, 0 to 1, kept with the turn
     * <p>With a tenant call flow ({@link CallFlows}), its decision comes first: {@code route} hands over (to a
     * department: {@code transferTo}), {@code message} and {@code say} keep the rules from handing over on this turn,
     * and {@code say} replaces the model's reply. A failing script changes nothing; what it decided, or that it failed,
     * is kept with the reply.
     *
     * @return {@code reply, language, sentiment, emotion, escalated, escalation, transferTo, stage, collected, mode} and,
     *         when the online model could not answer, {@code fallbackReason}
     * @throws PluginProblem 404 for an unknown conversation, 409 once it has ended, when the gateway is not enabled, or
     *                       when other turns kept being saved first
     */
    Json handleMessage(PluginContext context, UUID id, String text, Optional<BigDecimal> confidence) {
        Personality personality = Settings.personality(context);
        LanguageModel model = languageModel(context);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Snapshot snapshot = context.storage().transaction(storage -> snapshot(storage, id));
            ConversationRules rules = new ConversationRules(personality, modelChannel(snapshot.channel()), snapshot.callerNumber());
            Analysis analysis = model.analyse(text, personality.languages(), Optional.of(snapshot.state().language()));
            List<KnowledgeEntry> relevant = KnowledgeBase.matching(snapshot.knowledge(), text);
            // Once a person has taken over there is nothing left for the call flow to decide.
            CallFlows.Outcome flow = snapshot.callFlow().filter(stored -> !snapshot.state().escalated())
                    .map(stored -> CallFlows.decide(context, stored, callFlowInput(model, personality, snapshot, text, analysis),
                                                    Settings.departments(context)))
                    .orElse(CallFlows.Outcome.NONE);
            CallFlowDecision decision = flow.decision();
            ConversationRules.Step ruled = rules.next(snapshot.state(), text, analysis, !relevant.isEmpty(), decision.mayHandOver());
            ConversationRules.Step step = decision.action() == CallFlowDecision.Action.ROUTE && !ruled.escalated()
                    ? new ConversationRules.Step(ruled.state().handedOver(decision.to().map(to -> "the call flow routed the caller to " + to)
                                                                                  .orElse("the call flow handed the caller over")), true)
                    : ruled;
            ConversationState state = step.state();
            Said said = step.escalated()
                    ? new Said(!step.escalatedNow() ? Sentences.handedOver(state.language())
                                       : snapshot.channel().equals(CALL) ? Sentences.transfer(state.language())
                                       : Sentences.handover(state.language()), OWN_SENTENCE_MODE, Optional.empty())
                    : decision.action() == CallFlowDecision.Action.SAY ? new Said(decision.text().orElseThrow(), OWN_SENTENCE_MODE, Optional.empty())
                    : Said.by(model.complete(new CompletionRequest(personality.persona(), conversation(snapshot, rules, state, text), relevant,
                                                                   Optional.of(state.language()), Optional.empty(), Optional.of(minute(now())),
                                                                   modelChannel(snapshot.channel()), snapshot.callerNumber())));
            Optional<Json> saved = context.storage().transaction(storage -> {
                Row conversation = find(storage, id, true);
                requireOpen(conversation, id);
                if (lastSeq(storage, id) != snapshot.lastSeq()) {
                    return Optional.<Json>empty();
                }
                Instant now = now();
                appendMessage(storage, id, snapshot.lastSeq() + 1, "caller", text, state.language(),
                              BigDecimal.valueOf(analysis.sentiment().score()), analysis.emotion().wireName(), confidence.orElse(null), null, now);
                appendMessage(storage, id, snapshot.lastSeq() + 2, "receptionist", said.text(), state.language(), null, null, null,
                              flow.record().orElse(null), now);
                storage.update("UPDATE conversations SET state = ?, language = ?, last_activity_at = ? WHERE id = ?",
                               StateCodec.toJson(state, said.mode()), state.language(), now, id);
                return Optional.of(Json.object().put("reply", said.text()).put("language", state.language())
                        .put("sentiment", Json.object().put("label", analysis.sentiment().label()).put("score", analysis.sentiment().score())
                                .put("emotion", analysis.emotion().wireName()).build())
                        .put("emotion", analysis.emotion().wireName())
                        .put("escalated", state.escalated()).put("escalation", state.escalation().orElse(null))
                        .put("transferTo", step.escalatedNow() ? decision.destination().orElse(null) : null)
                        .put("stage", state.stage().name().toLowerCase(Locale.ROOT))
                        .put("collected", Json.object().put("name", state.name().orElse(null)).put("phone", state.phone().orElse(null))
                                .put("email", state.email().orElse(null)).put("reason", state.reason().map(r -> r.wireName()).orElse(null))
                                .put("date", state.date().map(d -> d.keyword()).orElse(null)).build())
                        .put("mode", said.mode()).put("fallbackReason", said.fallbackReason().orElse(null)).build());
            });
            if (saved.isPresent()) {
                return saved.get();
            }
        }
        throw new PluginProblem(409, "conversation-busy", "Other messages to conversation '" + id + "' kept arriving while this one was "
                                                          + "being answered; send it again.");
    }

    /**
     * Ends an open conversation: the receptionist's goodbye, the summary for the team, and {@code conversation.ended}
     * published in the same transaction. A phone call's ending adds its outcome and duration, and the caller's voicemail,
     * which is read for the caller's details like any turn (without a reply) and quoted in the summary.
     *
     * @param context the call's context
     * @param id      the conversation
     * @param call    how a phone call ended; empty for other channels
     * @return {@code id, status, reply, language, summary, escalated, mode}
     * @throws PluginProblem 404 for an unknown conversation, 409 once it has ended
     */
    Json handleEnd(PluginContext context, UUID id, Optional<CallEnding> call) {
        Personality personality = Settings.personality(context);
        Optional<String> voicemail = call.flatMap(CallEnding::voicemail).map(String::strip).filter(text -> !text.isEmpty())
                .map(text -> text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text);
        // Read without a lock, like a turn: nothing is held while the model reads the message.
        Optional<Analysis> heard = voicemail.map(text -> languageModel(context).analyse(text, personality.languages(),
                find(context.storage(), id, false).string("language")));
        return context.storage().transaction(storage -> {
            Row conversation = find(storage, id, true);
            requireOpen(conversation, id);
            Json stored = conversation.json("state").orElseThrow();
            ConversationState state = StateCodec.fromJson(stored);
            Instant now = now();
            Optional<String> callerNumber = conversation.string("caller_number");
            if (heard.isPresent()) {
                state = new ConversationRules(personality, modelChannel(conversation.string("channel").orElseThrow()), callerNumber)
                        .next(state, voicemail.get(), heard.get(), false).state();
                appendMessage(storage, id, lastSeq(storage, id) + 1, "caller", voicemail.get(), state.language(),
                              BigDecimal.valueOf(heard.get().sentiment().score()), heard.get().emotion().wireName(), now);
                storage.update("UPDATE conversations SET state = ?, language = ? WHERE id = ?", StateCodec.toJson(state, StateCodec.mode(stored)),
                               state.language(), id);
            }
            LocalDate today = LocalDate.ofInstant(now, personality.zone());
            Summary summary = call.isEmpty() ? Summary.of(state, today)
                    : Summary.ofCall(state, today, new Summary.Call(callerNumber, call.get().outcome().wireName(),
                                                                    call.get().duration().toSeconds(), voicemail));
            Json summaryJson = Json.object().put("text", summary.text()).put("keyPoints", summary.keyPoints())
                    .put("actionItems", summary.actionItems()).build();
            String goodbye = Sentences.goodbye(state.language(), personality.businessName());
            appendMessage(storage, id, lastSeq(storage, id) + 1, "receptionist", goodbye, state.language(), null, null, now);
            storage.update("UPDATE conversations SET status = 'ended', summary = ?, ended_at = ?, last_activity_at = ?, outcome = ?, "
                           + "duration_seconds = ? WHERE id = ?", summaryJson, now, now,
                           call.map(c -> c.outcome().wireName()).orElse(null), call.map(c -> (int) c.duration().toSeconds()).orElse(null), id);
            Instant startedAt = conversation.instant("started_at").orElseThrow();
            // On a call, the contact is the number on the line (E.164): the one the CRM can match; one the caller said
            // is in the summary. A withheld number leaves the one said.
            Optional<String> contactPhone = callerNumber.or(state::phone);
            Json.ObjectBuilder event = Json.object()
                    .put("conversationId", id).put("channel", conversation.string("channel").orElseThrow())
                    .put("contact", Json.object().put("name", state.name().orElse(null)).put("phone", contactPhone.orElse(null))
                            .put("email", state.email().orElse(null)).build())
                    .put("summary", summary.text()).put("language", state.language())
                    .put("startedAt", startedAt).put("endedAt", now);
            call.ifPresent(c -> event.put("callerNumber", callerNumber.orElse(null)).put("outcome", c.outcome().wireName())
                    .put("durationSeconds", c.duration().toSeconds()));
            context.events().publish(CONVERSATION_ENDED, event.build());
            return Json.object().put("id", id).put("status", "ended").put("reply", goodbye).put("language", state.language())
                    .put("summary", summaryJson).put("escalated", state.escalated()).put("mode", StateCodec.mode(stored)).build();
        });
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

    /** A reply and where it came from. */
    record Said(String text, String mode, Optional<String> fallbackReason) {
        static Said by(Completion completion) {
            return new Said(completion.text(), completion.source().wireName(), completion.fallbackReason());
        }
    }

    /** An open conversation as read before its turn is answered; {@code callerNumber} is a call's number on the line. */
    private record Snapshot(String channel, Optional<String> callerNumber, ConversationState state, List<Message> transcript,
                            List<KnowledgeEntry> knowledge, Optional<CallFlows.Stored> callFlow, int lastSeq) {
    }

    /**
     * Reads without locking. The last sequence number is read first: whatever is read after it is at least that recent,
     * and a turn saved in between changes the sequence number, which the save checks.
     */
    private static Snapshot snapshot(Storage storage, UUID id) {
        int lastSeq = lastSeq(storage, id);
        Row conversation = find(storage, id, false);
        requireOpen(conversation, id);
        List<Message> transcript = storage.query("SELECT role, text FROM messages WHERE conversation_id = ? ORDER BY seq", id).stream()
                .map(row -> row.string("role").orElseThrow().equals("caller") ? Message.user(row.string("text").orElseThrow())
                        : Message.assistant(row.string("text").orElseThrow()))
                .toList();
        List<KnowledgeEntry> knowledge = storage.query("SELECT keywords, answer FROM knowledge_entries ORDER BY created_at, id").stream()
                .map(row -> new KnowledgeEntry(row.json("keywords").orElseThrow().asList().stream().map(Json::asString).toList(),
                                               row.string("answer").orElseThrow()))
                .toList();
        return new Snapshot(conversation.string("channel").orElseThrow(), conversation.string("caller_number"),
                            StateCodec.fromJson(conversation.json("state").orElseThrow()), transcript, knowledge, CallFlows.find(storage),
                            lastSeq);
    }

    /**
     * The conversation for the language model: what the receptionist knows so far and still needs (for an online
     * model; the offline engine reads only the caller's words), the transcript, then the caller's new turn.
     */
    private static List<Message> conversation(Snapshot snapshot, ConversationRules rules, ConversationState state, String text) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.system(rules.instructions(snapshot.state(), state)));
        messages.addAll(snapshot.transcript());
        messages.add(Message.user(text));
        return messages;
    }

    /** The turn as the tenant's call flow is given it: the caller's words as the model understood them, before the rules' update. */
    private static CallFlowInput callFlowInput(LanguageModel model, Personality personality, Snapshot snapshot, String text,
                                               Analysis analysis) {
        ConversationState before = snapshot.state();
        Instant now = now();
        var details = analysis.details();
        Optional<Boolean> open = personality.businessHours().isEmpty() ? Optional.empty() : model.openAt(personality.persona(), minute(now));
        return new CallFlowInput(text, details.intent().map(Intent::wireName), analysis.language(), analysis.sentiment().score(),
                                 analysis.sentiment().label(), analysis.emotion().wireName(), snapshot.channel(),
                                 snapshot.callerNumber().or(details::phone).or(before::phone), details.name().or(before::name),
                                 details.email().or(before::email), before.turns() + 1, before.stage().name().toLowerCase(Locale.ROOT),
                                 now.atZone(personality.zone()), personality.businessHours(), open);
    }

    /** The moment of a turn at minute precision: enough to tell whether the business is open, and kind to the gateway's cache. */
    private static Instant minute(Instant now) {
        return now.truncatedTo(ChronoUnit.MINUTES);
    }

    private static int lastSeq(Storage storage, UUID id) {
        return (int) storage.queryOne("SELECT coalesce(max(seq), 0) AS last FROM messages WHERE conversation_id = ?", id)
                .flatMap(row -> row.number("last")).orElse(0L).longValue();
    }

    private static void appendMessage(Storage storage, UUID conversationId, int seq, String role, String text, String language,
                                      BigDecimal sentiment, String emotion, Instant at) {
        appendMessage(storage, conversationId, seq, role, text, language, sentiment, emotion, null, null, at);
    }

    /**
     * @param confidence how sure a speech recogniser was of a caller's turn, or {@code null}
     * @param callFlow   what the tenant's call flow decided for the turn this reply answers, or {@code null}
     */
    private static void appendMessage(Storage storage, UUID conversationId, int seq, String role, String text, String language,
                                      BigDecimal sentiment, String emotion, BigDecimal confidence, Json callFlow, Instant at) {
        storage.update("INSERT INTO messages (tenant_id, conversation_id, seq, role, text, language, sentiment, emotion, confidence, "
                       + "call_flow, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Storage.TENANT, conversationId, seq, role, text,
                       language, sentiment, emotion, confidence, callFlow, at);
    }

    private static Row find(Storage storage, UUID id, boolean lock) {
        return storage.queryOne("SELECT id, channel, status, language, summary, started_at, last_activity_at, ended_at, state, "
                                + "caller_number, outcome, duration_seconds FROM conversations WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id)
                .orElseThrow(() -> new PluginProblem(404, "conversation-not-found", "No conversation '" + id
                                                                                     + "' in this tenant; start one with POST /conversations."));
    }

    private static void requireOpen(Row conversation, UUID id) {
        if (!conversation.string("status").orElseThrow().equals("open")) {
            throw new PluginProblem(409, "conversation-ended", "Conversation '" + id + "' has ended; start a new one with POST /conversations.");
        }
    }

    static Json.ObjectBuilder describe(Row conversation) {
        return Json.object().put("id", conversation.uuid("id").orElseThrow()).put("channel", conversation.string("channel").orElseThrow())
                .put("status", conversation.string("status").orElseThrow()).put("language", conversation.string("language").orElseThrow())
                .put("startedAt", conversation.instant("started_at").orElseThrow())
                .put("endedAt", conversation.instant("ended_at").orElse(null)).put("summary", conversation.json("summary").orElse(null))
                .put("mode", StateCodec.mode(conversation.json("state").orElseThrow()))
                .put("callerNumber", conversation.string("caller_number").orElse(null))
                .put("outcome", conversation.string("outcome").orElse(null))
                .put("durationSeconds", conversation.number("duration_seconds").orElse(null));
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
