package io.voicecore.kernel.plugins.script;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The {@code ctx} a script plugin's functions receive: read-only {@link ProxyObject}s whose functions call the Java
 * {@link PluginContext} of the call, so every permission check is the SDK capability's own. Arguments are copied out of
 * the script as JSON and results copied back in ({@link ScriptBridge}); every function first checks that its call is
 * still running, so a {@code ctx} kept in a global and used by a later call fails with a clear error.
 */
final class ScriptCapabilities {
    private ScriptCapabilities() {
    }

    /** The marker a script passes as a storage parameter for the call's tenant ({@code ctx.storage.TENANT}). */
    private static final ProxyObject TENANT = ReadOnly.of(Map.of());

    static ProxyObject context(PluginContext context, ScriptBridge bridge) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("tenantId", context.tenantId());
        members.put("plugin", ReadOnly.of(Map.of("id", context.plugin().id(), "version", context.plugin().version())));
        members.put("storage", storage(context, bridge));
        members.put("events", ReadOnly.of(Map.of(
                "publish", function(bridge, "ctx.events.publish", args -> context.events().publish(text(args, 0, "topic"),
                                                                                                      json(bridge, args, 1))))));
        members.put("http", ReadOnly.of(Map.of("fetch", function(bridge, "ctx.http.fetch", args -> fetch(context, bridge, args)))));
        members.put("config", ReadOnly.of(Map.of(
                "get", function(bridge, "ctx.config.get", args -> bridge.toGuest(context.config().values().get(text(args, 0, "key")))),
                "values", function(bridge, "ctx.config.values", args -> bridge.toGuest(context.config().values())))));
        members.put("secrets", ReadOnly.of(Map.of(
                "get", function(bridge, "ctx.secrets.get", args -> context.secrets().get(text(args, 0, "name")).orElse(null)),
                "put", function(bridge, "ctx.secrets.put", args -> {
                    context.secrets().put(text(args, 0, "name"), text(args, 1, "value"));
                    return null;
                }),
                "delete", function(bridge, "ctx.secrets.delete", args -> context.secrets().delete(text(args, 0, "name"))))));
        members.put("usage", ReadOnly.of(Map.of("record", function(bridge, "ctx.usage.record", args -> {
            context.usage().record(text(args, 0, "meter"), whole(args, 1, "quantity"), text(args, 2, "unit"));
            return null;
        }))));
        members.put("log", ReadOnly.of(Map.of(
                "info", function(bridge, "ctx.log.info", args -> log(() -> context.log().info(text(args, 0, "message")))),
                "warn", function(bridge, "ctx.log.warn", args -> log(() -> context.log().warn(text(args, 0, "message")))),
                "error", function(bridge, "ctx.log.error", args -> log(() -> context.log().error(text(args, 0, "message"), null))))));
        return ReadOnly.of(members);
    }

    private static ProxyObject storage(PluginContext context, ScriptBridge bridge) {
        return ReadOnly.of(Map.of(
                "TENANT", TENANT,
                "query", function(bridge, "ctx.storage.query", args -> {
                    List<Json> rows = new ArrayList<>();
                    for (Row row : context.storage().query(text(args, 0, "sql"), parameters(bridge, args))) {
                        rows.add(row.toJson());
                    }
                    return bridge.toGuest(Json.array(rows));
                }),
                "queryOne", function(bridge, "ctx.storage.queryOne", args -> context.storage()
                        .queryOne(text(args, 0, "sql"), parameters(bridge, args)).map(row -> bridge.toGuest(row.toJson())).orElse(null)),
                "update", function(bridge, "ctx.storage.update", args -> context.storage().update(text(args, 0, "sql"),
                                                                                                  parameters(bridge, args)))));
    }

    /** {@code fetch(url, {method, headers, body, timeoutMs})}: answers {@code {status, headers, body}}, the body as text. */
    private static Object fetch(PluginContext context, ScriptBridge bridge, Value[] args) {
        Json options = args.length > 1 ? bridge.toJson(args[1]) : Json.NULL;
        String method = options.get("method").isNull() ? "GET" : options.get("method").asString();
        byte[] body = options.get("body").isNull() ? new byte[0] : options.get("body").asString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        if (!options.get("headers").isNull()) {
            options.get("headers").asMap().forEach((name, value) -> headers.put(name, value.asString()));
        }
        Duration timeout = options.get("timeoutMs").isNull() ? Duration.ofSeconds(10) : Duration.ofMillis(options.get("timeoutMs").asLong());
        EgressResponse response = context.http().send(new EgressRequest(method, URI.create(text(args, 0, "url")), headers, body, timeout));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", response.status());
        Map<String, Object> responseHeaders = new LinkedHashMap<>();
        response.headers().forEach((name, values) -> responseHeaders.put(name, String.join(", ", values)));
        answer.put("headers", responseHeaders);
        answer.put("body", response.bodyText());
        return bridge.toGuest(Json.of(answer));
    }

    /** Storage parameters after the SQL: {@code ctx.storage.TENANT}, or plain values. */
    private static Object[] parameters(ScriptBridge bridge, Value[] args) {
        Object[] parameters = new Object[Math.max(0, args.length - 1)];
        for (int i = 1; i < args.length; i++) {
            Value arg = args[i];
            if (arg.isProxyObject() && arg.asProxyObject() == TENANT) {
                parameters[i - 1] = Storage.TENANT;
            } else if (arg.isNull()) {
                parameters[i - 1] = null;
            } else if (arg.isString()) {
                parameters[i - 1] = arg.asString();
            } else if (arg.isBoolean()) {
                parameters[i - 1] = arg.asBoolean();
            } else if (arg.isNumber() && arg.fitsInLong()) {
                parameters[i - 1] = arg.asLong();
            } else if (arg.isNumber()) {
                parameters[i - 1] = BigDecimal.valueOf(arg.asDouble());
            } else {
                parameters[i - 1] = bridge.toJson(arg);
            }
        }
        return parameters;
    }

    private static Object log(Runnable write) {
        write.run();
        return null;
    }

    private static String text(Value[] args, int index, String name) {
        if (args.length <= index || !args[index].isString()) {
            throw new IllegalArgumentException("argument '" + name + "' must be a string");
        }
        return args[index].asString();
    }

    private static long whole(Value[] args, int index, String name) {
        if (args.length <= index || !args[index].fitsInLong()) {
            throw new IllegalArgumentException("argument '" + name + "' must be a whole number");
        }
        return args[index].asLong();
    }

    private static Json json(ScriptBridge bridge, Value[] args, int index) {
        return args.length > index ? bridge.toJson(args[index]) : Json.NULL;
    }

    /** A capability function: usable only while its call runs. */
    private static ProxyExecutable function(ScriptBridge bridge, String name, Function<Value[], Object> body) {
        return args -> {
            bridge.ensureOpen(name);
            return body.apply(args);
        };
    }

    /** An object whose members the script can read but not change, add or delete. */
    private record ReadOnly(Map<String, Object> members) implements ProxyObject {
        static ReadOnly of(Map<String, Object> members) {
            return new ReadOnly(Map.copyOf(members));
        }

        @Override
        public Object getMember(String key) {
            return members.get(key);
        }

        @Override
        public Object getMemberKeys() {
            return ProxyArray.fromArray(members.keySet().toArray());
        }

        @Override
        public boolean hasMember(String key) {
            return members.containsKey(key);
        }

        @Override
        public void putMember(String key, Value value) {
            throw new UnsupportedOperationException("the platform's objects are read-only: cannot set '" + key + "'");
        }

        @Override
        public boolean removeMember(String key) {
            throw new UnsupportedOperationException("the platform's objects are read-only: cannot delete '" + key + "'");
        }
    }
}
