package io.voicecore.kernel.plugins.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.json.Json;

/**
 * How a failed plugin call is answered: the one mapping from what a call into plugin code can throw to
 * the problem the caller sees. The HTTP routes and the plugin test kit both use it, so a test sees the
 * same status, type and detail as a real caller.
 */
public final class PluginProblems {
    private PluginProblems() {
    }

    /**
     * The problem for a failure of a call into plugin {@code pluginId}.
     *
     * @param failure   a {@link PermissionDeniedException} (403 {@code plugin-permission-denied}), another
     *                  {@link PluginProblem} (its own status, type {@code urn:voicecore:plugin:<id>:<type>}),
     *                  a {@link PluginCallFailure} (its kind's status and type) or an {@link ApiException}
     *                  (returned as it is, e.g. an unknown route)
     * @param requestId the id under which a plugin fault is logged, quoted in the detail
     * @throws IllegalArgumentException for any other exception: that is not a problem but a fault of the
     *                                  kernel, to be answered as an internal error
     */
    public static ApiException toApiException(RuntimeException failure, String pluginId, String requestId) {
        return switch (failure) {
            case ApiException api -> api;
            case PermissionDeniedException denied -> new ApiException.Forbidden("plugin-permission-denied", denied.getMessage());
            case PluginProblem problem -> new ApiException.Custom("urn:voicecore:plugin:" + pluginId + ":" + problem.type(),
                    problem.status(), "Plugin problem", problem.getMessage(), members(problem, pluginId));
            case PluginCallFailure call -> new ApiException.Custom("urn:voicecore:problem:" + call.kind().type(),
                    call.kind().status(), "Plugin call failed", call.getMessage()
                    + (call.kind() == PluginCallFailure.Kind.FAILED
                       ? " The error is logged under request id " + requestId + "." : ""), extensions(call, pluginId));
            default -> throw new IllegalArgumentException("not a plugin problem: " + failure.getClass().getName(), failure);
        };
    }

    /** The plugin, then the problem's own members as plain values the kernel's JSON writer renders. */
    private static Map<String, Object> members(PluginProblem problem, String pluginId) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("plugin", pluginId);
        problem.members().forEach((name, value) -> members.putIfAbsent(name, plain(value)));
        return members;
    }

    private static Object plain(Json value) {
        return switch (value) {
            case Json.Obj object -> {
                Map<String, Object> map = new LinkedHashMap<>();
                object.members().forEach((name, member) -> map.put(name, plain(member)));
                yield map;
            }
            case Json.Arr array -> {
                List<Object> list = new ArrayList<>();
                array.items().forEach(item -> list.add(plain(item)));
                yield list;
            }
            case Json.Str text -> text.value();
            case Json.Num number -> number.value();
            case Json.Bool bool -> bool.value();
            case Json.Null nothing -> null;
        };
    }

    /** The plugin, and when to retry a busy or quarantined plugin (sent as Retry-After). */
    private static Map<String, Object> extensions(PluginCallFailure call, String pluginId) {
        return call.retryAfterSeconds() > 0 ? Map.of("plugin", pluginId, "retryAfterSeconds", call.retryAfterSeconds())
                : Map.of("plugin", pluginId);
    }
}
