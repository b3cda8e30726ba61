package io.voicecore.kernel.plugins.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.PluginRejectedException;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.json.Json;

/**
 * How the plugin core's failures are answered: the one mapping from what the plugin runtime throws (a refusal, a
 * refused jar, a failed call) and from what a plugin answers as a problem, to the problem+json the caller sees.
 * The API's routes ({@link #problemFor}, registered with {@code ApiRoutes}), the stream endpoint and the plugin test
 * kit all use it, so a test sees the same status, type and detail as a real caller.
 */
public final class PluginProblems {
    private PluginProblems() {
    }

    /**
     * The problem for a failure of the plugin core that reached the API unanswered, if it is one: a
     * {@link PluginRefusal}, a {@link PluginRejectedException} or a {@link PluginCallFailure}.
     *
     * @param requestId the id under which a plugin fault is logged, quoted in the detail
     */
    public static Optional<ApiException> problemFor(Throwable failure, String requestId) {
        return switch (failure) {
            case PluginRefusal refusal -> Optional.of(refusal(refusal));
            case PluginRejectedException rejected -> Optional.of(rejected(rejected));
            case PluginCallFailure call -> Optional.of(toApiException(call, call.pluginId(), requestId));
            default -> Optional.empty();
        };
    }

    /** Each reason of the core's refusals as its problem. */
    private static ApiException refusal(PluginRefusal refusal) {
        String detail = refusal.getMessage();
        return switch (refusal.reason()) {
            case NOT_INSTALLED -> new ApiException.NotFound("plugin-not-installed", detail);
            case NOT_ENABLED -> new ApiException.NotFound("plugin-not-enabled", detail);
            case VERSION_NOT_NEWER -> new ApiException.Conflict("plugin-version-not-newer", detail);
            case PERMISSION_NOT_DECLARED -> new ApiException.NotFound("permission-not-declared", detail);
            case ROUTE_NOT_FOUND -> new ApiException.NotFound("route-not-found", detail);
            case CREDENTIALS_REQUIRED -> new ApiException.Unauthenticated("credentials-missing", detail);
            case INVALID_INPUT -> new ApiException.Validation(refusal.fieldErrors().stream()
                    .map(error -> new ApiException.FieldError(error.field(), error.message())).toList());
            case BODY_TOO_LARGE -> new ApiException.PayloadTooLarge(refusal.limitBytes().orElseThrow());
            case BODY_UNREADABLE -> new ApiException.MalformedBody(detail);
            case BAD_HEADER -> new ApiException.BadRequest(detail);
            case STREAM_LIMIT_REACHED -> new ApiException.Custom("urn:voicecore:problem:stream-limit-reached", 429,
                                                                 "Too many streams", detail, Map.of("retryAfterSeconds", 5));
            case LICENCE_EXPIRED -> licence(refusal, "license-expired", "Licence expired");
            case LICENCE_INVALID -> licence(refusal, "license-invalid", "Licence invalid");
            case LICENCE_REQUIRED -> licence(refusal, "license-required", "Licence required");
        };
    }

    /** 402 Payment Required: the tenant must renew or buy the plugin's licence; the problem names the plugin. */
    private static ApiException licence(PluginRefusal refusal, String type, String title) {
        return new ApiException.Custom("urn:voicecore:problem:" + type, 402, title, refusal.getMessage(),
                                       refusal.pluginId().<Map<String, Object>>map(id -> Map.of("plugin", id)).orElse(Map.of()));
    }

    /** A refused jar, with each finding: the verifier's as {@code violations}, the others' as {@code errors}. */
    private static ApiException rejected(PluginRejectedException rejected) {
        String member = rejected.kind().equals("verification") ? "violations" : "errors";
        return new ApiException.Custom("urn:voicecore:problem:plugin-rejected", 422, "Plugin refused", rejected.getMessage(),
                                       Map.of("reason", rejected.kind(), member, rejected.findings()));
    }

    /**
     * The problem for a failure of a call into plugin {@code pluginId}.
     *
     * @param failure   a {@link PermissionDeniedException} (403 {@code plugin-permission-denied}), a
     *                  {@link UsageLimitReachedException} (402 {@code spend-cap-reached}), another
     *                  {@link PluginProblem} (its own status, type {@code urn:voicecore:plugin:<id>:<type>}),
     *                  a {@link PluginCallFailure} (its kind's status and type), a {@link PluginRefusal} (e.g. an
     *                  unknown route) or an {@link ApiException} (returned as it is)
     * @param requestId the id under which a plugin fault is logged, quoted in the detail
     * @throws IllegalArgumentException for any other exception: that is not a problem but a fault of the
     *                                  kernel, to be answered as an internal error
     */
    public static ApiException toApiException(RuntimeException failure, String pluginId, String requestId) {
        return switch (failure) {
            case ApiException api -> api;
            case PluginRefusal refusal -> refusal(refusal);
            case PermissionDeniedException denied -> new ApiException.Forbidden("plugin-permission-denied", denied.getMessage());
            case UsageLimitReachedException capped -> spendCap(capped, pluginId);
            case PluginProblem problem -> new ApiException.Custom("urn:voicecore:plugin:" + pluginId + ":" + problem.type(),
                    problem.status(), "Plugin problem", problem.getMessage(), members(problem, pluginId));
            case PluginCallFailure call -> new ApiException.Custom("urn:voicecore:problem:" + call.kind().type(),
                    call.kind().status(), "Plugin call failed", call.getMessage()
                    + (call.kind() == PluginCallFailure.Kind.FAILED
                       ? " The error is logged under request id " + requestId + "." : ""), extensions(call, pluginId));
            default -> throw new IllegalArgumentException("not a plugin problem: " + failure.getClass().getName(), failure);
        };
    }

    /**
     * 402 Payment Required, as for a licence that does not serve: the tenant's licence caps a usage meter and a record
     * would pass the cap. The problem names the plugin, the meter, the limit and what was used, for a program too.
     */
    private static ApiException spendCap(UsageLimitReachedException capped, String pluginId) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("plugin", pluginId);
        members.put("meter", capped.meter());
        members.put("limit", capped.limit());
        members.put("used", capped.used());
        members.put("requested", capped.requested());
        return new ApiException.Custom("urn:voicecore:problem:" + capped.type(), 402, "Spend cap reached", "Plugin '" + pluginId
                + "' would pass the limit its licence for this tenant sets on usage meter '" + capped.meter() + "': " + capped.used()
                + " of " + capped.limit() + " are used in the licence's term, and recording " + capped.requested()
                + " more would exceed it, so nothing was recorded. A tenant admin can raise the limit with another plan in the"
                + " marketplace.", members);
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
