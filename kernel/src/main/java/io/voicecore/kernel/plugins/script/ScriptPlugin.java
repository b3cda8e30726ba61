package io.voicecore.kernel.plugins.script;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * A script plugin ({@code runtime: javascript}) as the kernel sees any plugin: an SDK {@link Plugin} whose routes and
 * event handlers are Java {@code RouteHandler}s and {@code EventHandler}s, so the kernel's permissions, tenant grants,
 * licence gate, deadlines, quotas and audit apply to it unchanged. Each handler calls the script in the
 * {@link ScriptSandbox}: {@code route(request, ctx)} for every declared route and {@code event(event, ctx)} for every
 * subscribed topic, with {@code ctx} the call's capabilities ({@link ScriptCapabilities}).
 *
 * <p>A route's answer is the function's value as JSON with status 200, or, when it answers an object with a numeric
 * {@code status}, that status with its {@code body} (and string {@code headers}). A script that fails or exceeds a
 * limit answers a problem ({@code script-failed}, 500; {@code script-limit}, 503); a refused capability is answered
 * exactly as for a Java plugin.
 */
public final class ScriptPlugin implements Plugin {
    /** The function every route calls. */
    public static final String ROUTE_FUNCTION = "route";
    /** The function every subscribed event calls. */
    public static final String EVENT_FUNCTION = "event";

    private final PluginManifest manifest;
    private final String source;
    private final ScriptSandbox sandbox;

    /**
     * @param manifest a script plugin's manifest
     * @param source   the script its {@code main} names
     */
    public ScriptPlugin(PluginManifest manifest, String source, ScriptSandbox sandbox) {
        this.manifest = manifest;
        this.source = source;
        this.sandbox = sandbox;
    }

    /** Compiles the script once for a throw-away tenant, so a script that does not load is refused at install. */
    public void check() {
        ScriptUnit unit = new ScriptUnit(new UUID(0, 0), owner(), manifest.main(), source);
        boolean routes = !manifest.routes().isEmpty();
        sandbox.check(unit, routes ? ROUTE_FUNCTION : EVENT_FUNCTION);
        if (routes && !manifest.subscribes().isEmpty()) {
            sandbox.check(unit, EVENT_FUNCTION);
        }
    }

    @Override
    public void setup(PluginSetup setup) {
        for (PluginManifest.Route route : manifest.routes()) {
            setup.route(HttpMethod.valueOf(route.method()), route.path(), this::route);
        }
        for (String topic : manifest.subscribes()) {
            setup.onEvent(topic, this::event);
        }
    }

    private Response route(Request request, PluginContext context) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("method", request.method().name());
        value.put("path", request.path());
        value.put("params", request.pathParams());
        Map<String, Object> query = new LinkedHashMap<>();
        request.queryParams().forEach((name, values) -> query.put(name, values.isEmpty() ? "" : values.getFirst()));
        value.put("query", query);
        Map<String, Object> headers = new LinkedHashMap<>();
        request.headers().forEach((name, header) -> headers.put(name.toLowerCase(Locale.ROOT), header));
        value.put("headers", headers);
        value.put("body", body(request));
        Json answer = call(context, ROUTE_FUNCTION, Json.of(value));
        if (answer.get("status") instanceof Json.Num status) {
            int code = status.value().intValue();
            if (code < 200 || code > 599) {
                throw new PluginProblem(500, "script-failed", manifest.main() + " answered status " + code
                                                              + "; a route answers a status from 200 to 599.");
            }
            Response response = answer.get("body").isNull() ? new Response(code, "application/json", Map.of(), new byte[0])
                    : Response.json(code, answer.get("body"));
            if (answer.get("headers") instanceof Json.Obj extra) {
                for (Map.Entry<String, Json> header : extra.members().entrySet()) {
                    if (header.getValue() instanceof Json.Str text) {
                        response = response.withHeader(header.getKey(), text.value());
                    }
                }
            }
            return response;
        }
        return Response.ok(answer);
    }

    /** The request body as JSON when it is JSON, otherwise as text (null when empty). */
    private static Object body(Request request) {
        byte[] bytes = request.body();
        if (bytes.length == 0) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Json.parse(text);
        } catch (JsonException notJson) {
            return text;
        }
    }

    private void event(Event event, PluginContext context) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", event.id());
        value.put("topic", event.topic());
        value.put("tenantId", event.tenantId());
        value.put("publisher", event.publisher());
        value.put("payload", event.payload());
        value.put("occurredAt", event.occurredAt().toString());
        value.put("attempt", event.attempt());
        call(context, EVENT_FUNCTION, Json.of(value));
    }

    /**
     * Calls {@code function(input, ctx)} of the script for the context's tenant, as routes and events do.
     *
     * @throws PluginProblem when the script fails ({@code script-failed}) or exceeds a limit ({@code script-limit})
     * @throws RuntimeException what a capability threw (e.g. a refused permission) when the script did not catch it
     */
    public Json call(PluginContext context, String function, Json input) {
        ScriptUnit unit = new ScriptUnit(UUID.fromString(context.tenantId()), owner(), manifest.main(), source);
        try {
            return sandbox.call(unit, function, input, Duration.ofMillis(manifest.limits().timeoutMillis()),
                                bridge -> new Object[] {ScriptCapabilities.context(context, bridge)});
        } catch (ScriptException e) {
            String where = e.line().isPresent() ? " (line " + e.line().getAsInt() + ")" : "";
            throw e.kind() == ScriptException.Kind.LIMIT
                    ? new PluginProblem(503, "script-limit", e.getMessage() + where)
                    : new PluginProblem(500, "script-failed", e.getMessage() + where);
        }
    }

    private String owner() {
        return manifest.id() + "@" + manifest.version();
    }
}
