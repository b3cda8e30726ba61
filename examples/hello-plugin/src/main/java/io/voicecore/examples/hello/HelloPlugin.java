package io.voicecore.examples.hello;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.StreamHandler;
import io.voicecore.sdk.StreamRequest;
import io.voicecore.sdk.StreamSession;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/** Greets callers and keeps a guest book; the example of {@code docs/plugin-developer-guide.md}. */
public final class HelloPlugin implements Plugin {

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.GET, "/greeting", this::greeting);
        setup.route(HttpMethod.POST, "/guests", this::sign);
        setup.route(HttpMethod.GET, "/guests", this::guests);
        setup.stream("/guests/live", new LiveGuestBook());
    }

    private Response greeting(Request request, PluginContext context) {
        String business = context.config().string("businessName").orElse("our business");
        return Response.ok(Json.object().put("greeting", "Welcome to " + business + "!").build());
    }

    private Response sign(Request request, PluginContext context) {
        return Response.created(signGuestBook(request.json(), context));
    }

    /** Signs the guest book with the {@code name} of a JSON object; the route and the live stream share it. */
    private static Json signGuestBook(Json entry, PluginContext context) {
        String name = entry.get("name") instanceof Json.Str text ? text.value().strip() : "";
        if (name.isEmpty() || name.length() > 100) {
            throw new PluginProblem(422, "invalid-name", "Send a 'name' of 1 to 100 characters.");
        }
        UUID id = UUID.randomUUID();
        Json guest = Json.object().put("id", id).put("name", name).build();
        // One transaction: if the event cannot be published, the entry is not kept either.
        context.storage().transaction(storage -> {
            storage.update("INSERT INTO guests (id, tenant_id, name, signed_at) VALUES (?, ?, ?, ?)",
                           id, Storage.TENANT, name, Instant.now());
            context.events().publish("hello.guest.signed", guest);
            return null;
        });
        return guest;
    }

    private Response guests(Request request, PluginContext context) {
        List<Json> guests = new ArrayList<>();
        for (Row row : context.storage().query("SELECT id, name, signed_at FROM guests ORDER BY signed_at, id")) {
            guests.add(row.toJson());
        }
        return Response.ok(Json.object().put("items", guests).build());
    }

    /**
     * The guest book over a WebSocket: a welcome when the stream opens, then each message {@code {"name": "..."}}
     * signs the book and is answered {@code {"type": "signed", "guest": {...}}}.
     */
    private static final class LiveGuestBook implements StreamHandler {
        @Override
        public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
            String business = context.config().string("businessName").orElse("our business");
            session.send(Json.object().put("type", "welcome").put("greeting", "Welcome to " + business + "!").build());
        }

        @Override
        public void onMessage(StreamSession session, String text, PluginContext context) {
            Json entry;
            try {
                entry = Json.parse(text);
            } catch (JsonException notJson) {
                throw new PluginProblem(400, "malformed-message", "Send each message as JSON, e.g. {\"name\": \"Ada\"}.");
            }
            session.send(Json.object().put("type", "signed").put("guest", signGuestBook(entry, context)).build());
        }
    }
}
