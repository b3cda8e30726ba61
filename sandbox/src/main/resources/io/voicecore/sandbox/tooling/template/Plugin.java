package {{package}};

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.voicecore.sdk.Event;
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

/** Notes per tenant: a route to add and list them, and a note for each contact the CRM creates. */
public final class {{class}} implements Plugin {
    static final String NOTE_ADDED = "{{id}}.note.added";

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.POST, "/notes", this::add);
        setup.route(HttpMethod.GET, "/notes", this::list);
        setup.onEvent("crm.contact.created", this::contactCreated);
    }

    private Response add(Request request, PluginContext context) {
        String text = request.json().get("text") instanceof Json.Str value ? value.value().strip() : "";
        if (text.isEmpty() || text.length() > 500) {
            throw new PluginProblem(422, "invalid-note", "Send a 'text' of 1 to 500 characters.");
        }
        return Response.created(addNote(text, context));
    }

    private Response list(Request request, PluginContext context) {
        List<Json> notes = new ArrayList<>();
        for (Row row : context.storage().query("SELECT id, text, created_at FROM notes ORDER BY created_at, id")) {
            notes.add(row.toJson());
        }
        return Response.ok(Json.object().put("items", notes).build());
    }

    /** A contact the CRM created gets a note; delivery is at least once, so the note's id is the event's. */
    private void contactCreated(Event event, PluginContext context) {
        String name = event.payload().get("name") instanceof Json.Str value ? value.value() : "someone";
        UUID id = UUID.nameUUIDFromBytes(event.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        context.storage().update("INSERT INTO notes (id, tenant_id, text, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                                 id, Storage.TENANT, "New contact: " + name, Instant.now());
    }

    /** Stores a note and announces it, in one transaction: if the event cannot be published, the note is not kept. */
    private static Json addNote(String text, PluginContext context) {
        UUID id = UUID.randomUUID();
        Json note = Json.object().put("id", id).put("text", text).build();
        context.storage().transaction(storage -> {
            storage.update("INSERT INTO notes (id, tenant_id, text, created_at) VALUES (?, ?, ?, ?)",
                           id, Storage.TENANT, text, Instant.now());
            context.events().publish(NOTE_ADDED, note);
            return null;
        });
        return note;
    }
}
