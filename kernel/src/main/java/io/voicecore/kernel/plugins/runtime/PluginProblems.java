package io.voicecore.kernel.plugins.runtime;

import java.util.Map;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginProblem;

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
                    problem.status(), "Plugin problem", problem.getMessage(), Map.of("plugin", pluginId));
            case PluginCallFailure call -> new ApiException.Custom("urn:voicecore:problem:" + call.kind().type(),
                    call.kind().status(), "Plugin call failed", call.getMessage()
                    + (call.kind() == PluginCallFailure.Kind.FAILED
                       ? " The error is logged under request id " + requestId + "." : ""), extensions(call, pluginId));
            default -> throw new IllegalArgumentException("not a plugin problem: " + failure.getClass().getName(), failure);
        };
    }

    /** The plugin, and when to retry a busy or quarantined plugin (sent as Retry-After). */
    private static Map<String, Object> extensions(PluginCallFailure call, String pluginId) {
        return call.retryAfterSeconds() > 0 ? Map.of("plugin", pluginId, "retryAfterSeconds", call.retryAfterSeconds())
                : Map.of("plugin", pluginId);
    }
}
