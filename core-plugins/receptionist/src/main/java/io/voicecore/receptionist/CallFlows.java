package io.voicecore.receptionist;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.receptionist.engine.Personality;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The tenant's call flow: a short JavaScript whose {@code decide(turn)} the receptionist calls on each caller turn, run
 * in the platform's script sandbox ({@code context.scripts()}). Serves {@code GET/PUT/DELETE /call-flow} and
 * {@code POST /call-flow/dry-run}, and runs the stored script on live turns ({@link #decide}), where any failure of the
 * script falls back to the receptionist's own behaviour: a tenant's mistake never silences a caller.
 */
final class CallFlows {
    /** The function a call-flow script defines. */
    static final String FUNCTION = "decide";
    /** Scripts are short rules, not programs: a bound on what is stored and compiled on every turn. */
    static final int MAX_SCRIPT_BYTES = 16 * 1024;
    private static final Set<String> ADMIN_ROLES = Set.of("tenant-admin", "platform-admin");
    private static final Set<String> CHANNELS = Set.of("chat", "voice", ReceptionistPlugin.CALL);
    private static final Set<String> LANGUAGES = Set.of("en", "es", "fr", "de", "it", "pt");
    private static final Set<String> EMOTIONS = Set.of("happy", "neutral", "sad", "angry", "frustrated");

    private CallFlows() {
    }

    /** The tenant's stored script and which save it is. */
    record Stored(String script, int version, String savedBy, Instant savedAt) {
        Json toJson() {
            return Json.object().put("script", script).put("version", version).put("savedBy", savedBy).put("savedAt", savedAt).build();
        }
    }

    /**
     * What a call flow made of a live turn: the decision the turn follows, and what is recorded with the turn (the
     * decision with the script's version, or the failure the turn fell back from); empty without a call flow.
     */
    record Outcome(CallFlowDecision decision, Optional<Json> record) {
        static final Outcome NONE = new Outcome(CallFlowDecision.CONTINUE, Optional.empty());
    }

    /** @return the tenant's call flow, if it stored one */
    static Optional<Stored> find(Storage storage) {
        return storage.queryOne("SELECT script, version, saved_by, saved_at FROM call_flows WHERE script IS NOT NULL").map(CallFlows::stored);
    }

    /**
     * Runs the stored call flow on a live turn. Whatever goes wrong (the script does not compile, throws, runs out of
     * statements or time, returns something that is not a decision, or the sandbox is not available) is logged as a
     * warning for the tenant's team and recorded with the turn, and the turn goes on as without a call flow: nothing
     * of it reaches the caller.
     */
    static Outcome decide(PluginContext context, Stored flow, CallFlowInput input, Map<String, String> departments) {
        Json.ObjectBuilder record = Json.object().put("version", flow.version());
        try {
            CallFlowDecision decision = CallFlowDecision.of(context.scripts().call(flow.script(), FUNCTION, input.toJson()), departments);
            decision.toJson().asMap().forEach(record::put);
            return new Outcome(decision, Optional.of(record.build()));
        } catch (ScriptException failed) {
            return fallBack(context, record, flow, failed.kind().name(), failed.getMessage()
                                                                         + failed.line().stream().mapToObj(line -> " (line " + line + ")").findFirst().orElse(""));
        } catch (CallFlowDecision.InvalidDecision invalid) {
            return fallBack(context, record, flow, ScriptException.Kind.FAILED.name(), invalid.getMessage());
        } catch (RuntimeException unavailable) {
            // E.g. the tenant withdrew the permission 'scripts': the receptionist still answers.
            return fallBack(context, record, flow, "UNAVAILABLE", unavailable.getMessage());
        }
    }

    private static Outcome fallBack(PluginContext context, Json.ObjectBuilder record, Stored flow, String kind, String message) {
        context.log().warn("call flow version " + flow.version() + " failed (" + kind + "): " + message
                           + "; the turn was answered as without a call flow");
        return new Outcome(CallFlowDecision.CONTINUE, Optional.of(record.put("action", "continue").put("fallback", kind).build()));
    }

    static Response read(Request request, PluginContext context) {
        return Response.ok(find(context.storage()).orElseThrow(CallFlows::notFound).toJson());
    }

    static Response save(Request request, PluginContext context) {
        requireAdmin(request);
        String script = script(request.json().get("script"), true).orElseThrow();
        try {
            context.scripts().check(script, FUNCTION);
        } catch (ScriptException refused) {
            throw scriptProblem("call-flow-script-invalid", "The script was not saved", refused.kind().name(), refused.getMessage(),
                                refused.line().stream().boxed().findFirst());
        }
        Instant now = ReceptionistPlugin.now();
        Stored saved = context.storage().transaction(storage -> {
            storage.update("INSERT INTO call_flows (tenant_id, script, version, saved_by, saved_at) VALUES (?, ?, 1, ?, ?) "
                           + "ON CONFLICT (tenant_id) DO UPDATE SET script = excluded.script, version = call_flows.version + 1, "
                           + "saved_by = excluded.saved_by, saved_at = excluded.saved_at",
                           Storage.TENANT, script, request.caller().actorId(), now);
            return find(storage).orElseThrow();
        });
        context.log().info("call flow version " + saved.version() + " saved by " + saved.savedBy());
        return Response.ok(saved.toJson());
    }

    static Response delete(Request request, PluginContext context) {
        requireAdmin(request);
        if (context.storage().update("UPDATE call_flows SET script = NULL, saved_by = ?, saved_at = ? WHERE script IS NOT NULL",
                                     request.caller().actorId(), ReceptionistPlugin.now()) == 0) {
            throw notFound();
        }
        return Response.noContent();
    }

    /**
     * Runs a script (the one given, else the stored one) on a sample turn and answers its decision, what the
     * receptionist would do with it and the turn the script saw; a failing script is answered 422 with its error.
     */
    static Response dryRun(Request request, PluginContext context) {
        requireAdmin(request);
        Json body = request.bodyText().isBlank() ? Json.object().build() : request.json();
        Optional<String> given = script(body.get("script"), false);
        Optional<Stored> stored = given.isPresent() ? Optional.empty() : find(context.storage());
        String script = given.or(() -> stored.map(Stored::script)).orElseThrow(() -> new PluginProblem(404, "call-flow-not-found",
                "This tenant has no call flow to try; send one as script, or save one with PUT /call-flow."));
        Personality personality = Settings.personality(context);
        CallFlowInput input = sampleTurn(context, body.get("turn"), personality);
        Json result;
        try {
            result = context.scripts().call(script, FUNCTION, input.toJson());
        } catch (ScriptException failed) {
            throw scriptProblem("call-flow-script-failed", "The script failed on the sample turn", failed.kind().name(), failed.getMessage(),
                                failed.line().stream().boxed().findFirst());
        }
        CallFlowDecision decision;
        try {
            decision = CallFlowDecision.of(result, Settings.departments(context));
        } catch (CallFlowDecision.InvalidDecision invalid) {
            throw scriptProblem("call-flow-script-failed", "The script's answer is not a decision", ScriptException.Kind.FAILED.name(),
                                invalid.getMessage(), Optional.empty());
        }
        return Response.ok(Json.object().put("decision", decision.toJson()).put("effect", decision.effect(input.channel()))
                                   .put("version", stored.map(Stored::version).orElse(null)).put("input", input.toJson()).build());
    }

    /**
     * The sample turn of a dry run, read like a live one: fields not given are what the AI gateway understands from
     * {@code text} (intent, language, sentiment, emotion), or the defaults of a first chat turn now.
     */
    private static CallFlowInput sampleTurn(PluginContext context, Json turn, Personality personality) {
        List<String> wrong = new ArrayList<>();
        if (!turn.isNull() && !(turn instanceof Json.Obj)) {
            wrong.add("turn: must be an object, the sample caller turn");
        }
        Optional<String> text = text(turn, "turn.text", ReceptionistPlugin.MAX_TEXT, wrong);
        Optional<String> intent = text(turn, "turn.intent", 20, wrong);
        List<String> intents = java.util.Arrays.stream(Intent.values()).map(Intent::wireName).toList();
        if (intent.isPresent() && !intents.contains(intent.get())) {
            wrong.add("turn.intent: must be one of " + String.join(", ", intents) + " (or null)");
        }
        Optional<String> language = text(turn, "turn.language", 10, wrong);
        if (language.isPresent() && !LANGUAGES.contains(language.get())) {
            wrong.add("turn.language: must be one of en, es, fr, de, it, pt");
        }
        Optional<Double> sentiment = Optional.empty();
        if (!turn.get("sentiment").isNull()) {
            if (turn.get("sentiment") instanceof Json.Num score && Math.abs(score.value().doubleValue()) <= 1) {
                sentiment = Optional.of(score.value().doubleValue());
            } else {
                wrong.add("turn.sentiment: must be a score from -1 to 1");
            }
        }
        Optional<String> emotion = text(turn, "turn.emotion", 20, wrong);
        if (emotion.isPresent() && !EMOTIONS.contains(emotion.get())) {
            wrong.add("turn.emotion: must be one of happy, neutral, sad, angry, frustrated");
        }
        String channel = text(turn, "turn.channel", 10, wrong).orElse(ReceptionistPlugin.CHAT);
        if (!CHANNELS.contains(channel)) {
            wrong.add("turn.channel: must be chat, voice or call");
        }
        Json caller = turn.get("caller");
        if (!caller.isNull() && !(caller instanceof Json.Obj)) {
            wrong.add("turn.caller: must be an object {phone, name, email}");
        }
        Optional<String> phone = text(caller, "turn.caller.phone", 40, wrong);
        Optional<String> name = text(caller, "turn.caller.name", 120, wrong);
        Optional<String> email = text(caller, "turn.caller.email", 254, wrong);
        int turnNumber = 1;
        if (!turn.get("turnNumber").isNull()) {
            if (turn.get("turnNumber") instanceof Json.Num number && number.value().scale() <= 0 && number.value().intValue() >= 1
                && number.value().compareTo(java.math.BigDecimal.valueOf(1000)) <= 0) {
                turnNumber = number.value().intValue();
            } else {
                wrong.add("turn.turnNumber: must be a whole number from 1 to 1000");
            }
        }
        Optional<String> stage = text(turn, "turn.stage", 20, wrong);
        if (stage.isPresent() && !Set.of("collecting", "confirming", "confirmed").contains(stage.get())) {
            wrong.add("turn.stage: must be collecting, confirming or confirmed");
        }
        ZonedDateTime now = ZonedDateTime.now(personality.zone());
        Optional<String> at = text(turn, "turn.now", 40, wrong);
        if (at.isPresent()) {
            try {
                now = moment(at.get(), personality.zone());
            } catch (DateTimeException e) {
                wrong.add("turn.now: must be a date and time such as 2026-12-07T10:30:00+01:00, 2026-12-07T09:30:00Z, or "
                          + "2026-12-07T10:30 in the receptionist's time zone (" + personality.zone().getId() + ")");
            }
        }
        if (!wrong.isEmpty()) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: " + String.join("; ", wrong) + ".");
        }
        boolean understood = intent.isPresent() && language.isPresent() && sentiment.isPresent() && emotion.isPresent();
        Optional<Analysis> analysis = text.isEmpty() || understood ? Optional.empty()
                : Optional.of(ReceptionistPlugin.languageModel(context).analyse(text.get(), personality.languages(), Optional.empty()));
        double score = sentiment.or(() -> analysis.map(a -> a.sentiment().score())).orElse(0.0);
        Optional<Boolean> open = personality.businessHours().isEmpty() ? Optional.empty()
                : ReceptionistPlugin.languageModel(context).openAt(personality.persona(), now.toInstant());
        return new CallFlowInput(text.orElse(""), intent.or(() -> analysis.flatMap(a -> a.details().intent()).map(Intent::wireName)),
                                 language.or(() -> analysis.map(Analysis::language)).orElse(personality.defaultLanguage()), score,
                                 CallFlowInput.sentimentLabel(score), emotion.or(() -> analysis.map(a -> a.emotion().wireName())).orElse("neutral"),
                                 channel, phone, name, email, turnNumber, stage.orElse("collecting"), now, personality.businessHours(), open);
    }

    /** A moment written with an offset or zone, or as a local date and time of the receptionist's zone. */
    private static ZonedDateTime moment(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).atZoneSameInstant(zone);
        } catch (DateTimeException withoutOffset) {
            return LocalDateTime.parse(text).atZone(zone);
        }
    }

    /** @param path the member's name in the request body, e.g. {@code turn.caller.phone} */
    private static Optional<String> text(Json object, String path, int max, List<String> wrong) {
        Json value = object.get(path.substring(path.lastIndexOf('.') + 1));
        if (value.isNull()) {
            return Optional.empty();
        }
        if (value instanceof Json.Str s && s.value().strip().length() <= max) {
            return Optional.of(s.value().strip()).filter(v -> !v.isEmpty());
        }
        wrong.add(path + ": must be a text of at most " + max + " characters");
        return Optional.empty();
    }

    /**
     * @param required whether the script must be given
     * @return the script as sent
     * @throws PluginProblem 422 naming the field when it is missing, not a text, blank or over {@value #MAX_SCRIPT_BYTES} bytes
     */
    private static Optional<String> script(Json value, boolean required) {
        if (value.isNull() && !required) {
            return Optional.empty();
        }
        if (!(value instanceof Json.Str text) || text.value().isBlank()) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: script: is required, the JavaScript text of the call flow, "
                                                           + "defining function " + FUNCTION + "(turn).");
        }
        int bytes = text.value().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SCRIPT_BYTES) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: script: is " + bytes + " bytes long (UTF-8); a call flow "
                                                           + "may have at most " + MAX_SCRIPT_BYTES + " bytes.");
        }
        return Optional.of(text.value());
    }

    private static PluginProblem scriptProblem(String type, String lead, String kind, String message, Optional<Integer> line) {
        Map<String, Json> members = new HashMap<>();
        members.put("kind", Json.of(kind));
        members.put("message", Json.of(message));
        members.put("line", line.<Json>map(Json::of).orElse(Json.NULL));
        return new PluginProblem(422, type, lead + " (" + kind + line.map(n -> ", line " + n).orElse("") + "): " + message.strip(), members);
    }

    private static void requireAdmin(Request request) {
        if (!ADMIN_ROLES.contains(request.caller().role())) {
            throw new PluginProblem(403, "tenant-admin-only", "Only a tenant admin may change or try the receptionist's call flow; use an API "
                                                              + "key with the role tenant-admin.");
        }
    }

    private static PluginProblem notFound() {
        return new PluginProblem(404, "call-flow-not-found", "This tenant has no call flow; save one with PUT /call-flow.");
    }

    private static Stored stored(Row row) {
        return new Stored(row.string("script").orElseThrow(), row.number("version").orElseThrow().intValue(),
                          row.string("saved_by").orElseThrow(), row.instant("saved_at").orElseThrow());
    }
}
