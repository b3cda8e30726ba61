package io.voicecore.receptionist;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.RouteHandler;
import io.voicecore.sdk.StreamHandler;
import io.voicecore.sdk.StreamRequest;
import io.voicecore.sdk.StreamSession;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * A conversation over a WebSocket ({@code /conversations/{id}/stream}), for chat widgets that want each reply as
 * soon as it is ready. It runs exactly the code of the REST routes: each frame {@code {"text": "..."}} is answered
 * with what {@code POST /conversations/{id}/messages} answers, as {@code {"type": "reply", ...}}, and
 * {@code {"type": "end"}} ends the conversation as {@code POST /conversations/{id}/end} does, answering
 * {@code {"type": "summary", ...}} and closing the stream. A refused frame is answered with the kernel's error frame
 * (the same problem the route answers) and the conversation goes on.
 */
final class ConversationStream implements StreamHandler {
    private final RouteHandler read;
    private final RouteHandler message;
    private final RouteHandler end;

    /**
     * @param read    {@code GET /conversations/{id}}
     * @param message {@code POST /conversations/{id}/messages}
     * @param end     {@code POST /conversations/{id}/end}
     */
    ConversationStream(RouteHandler read, RouteHandler message, RouteHandler end) {
        this.read = read;
        this.message = message;
        this.end = end;
    }

    /** Refuses a stream to a conversation that does not exist (4404) or has ended (4409); else says it is ready. */
    @Override
    public void onOpen(StreamSession session, StreamRequest request, PluginContext context) throws Exception {
        Json conversation = answer(read, session, HttpMethod.GET, "", Json.object().build(), context);
        if (!conversation.get("status").asString().equals("open")) {
            throw new PluginProblem(409, "conversation-ended", "Conversation '" + conversation.get("id").asString()
                                                               + "' has ended; start a new one with POST /conversations.");
        }
        session.send(Json.object().put("type", "ready").put("id", conversation.get("id")).put("language", conversation.get("language"))
                             .put("mode", conversation.get("mode")).build());
    }

    @Override
    public void onMessage(StreamSession session, String text, PluginContext context) throws Exception {
        Json frame;
        try {
            frame = Json.parse(text);
        } catch (JsonException notJson) {
            throw new PluginProblem(400, "malformed-message", "Send each message as a JSON object: {\"text\": \"...\"} for what the "
                                                              + "caller said, or {\"type\": \"end\"} to end the conversation.");
        }
        String type = frame instanceof Json.Obj && frame.get("type") instanceof Json.Str kind ? kind.value() : "message";
        switch (type) {
            case "message" -> session.send(typed("reply", answer(message, session, HttpMethod.POST, "/messages", frame, context)));
            case "end" -> {
                session.send(typed("summary", answer(end, session, HttpMethod.POST, "/end", Json.object().build(), context)));
                session.close(StreamSession.NORMAL_CLOSE, "conversation-ended");
            }
            default -> throw new PluginProblem(422, "invalid-fields", "Correct these fields: type: must be 'message' (or left out) "
                                                                      + "or 'end', not '" + type + "'.");
        }
    }

    /** Calls a route of this plugin for the stream's conversation, as its caller, and returns the JSON it answered. */
    private static Json answer(RouteHandler route, StreamSession session, HttpMethod method, String suffix, Json body,
                               PluginContext context) throws Exception {
        StreamRequest opened = session.request();
        String id = opened.pathParam("id").orElseThrow();
        Request request = Request.of(method, "/conversations/" + id + suffix, Map.of("id", id), Map.of(),
                                     Map.of("content-type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8),
                                     opened.caller());
        return Json.parse(new String(route.handle(request, context).body(), StandardCharsets.UTF_8));
    }

    private static Json typed(String type, Json answer) {
        Json.ObjectBuilder typed = Json.object().put("type", type);
        answer.asMap().forEach(typed::put);
        return typed.build();
    }
}
