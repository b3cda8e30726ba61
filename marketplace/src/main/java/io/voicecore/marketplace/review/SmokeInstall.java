package io.voicecore.marketplace.review;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.install.PluginLoadException;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Response;

/**
 * Section {@code smoke-install}: the plugin is started in a kernel trial ({@link PluginTrials}: its own class loader and
 * threads, a random tenant id, no catalog entry, no database), each declared route without path parameters is called
 * once ({@code GET} without a body, other methods with {@code {}}), and it is stopped. It fails when the plugin does not
 * start, a route answers 5xx or its call fails (an exception, the deadline, the allocation quota), or it does not stop
 * cleanly; a 4xx answer is the plugin's to give. A trial has no storage, egress, events, secrets, usage or services: a
 * call that asks for one is answered 403 and counted as not exercised, whatever it answered, and the summary says so.
 */
final class SmokeInstall {
    static final String NAME = "smoke-install";
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final PluginTrials trials;

    SmokeInstall(PluginTrials trials) {
        this.trials = trials;
    }

    ReviewSection check(byte[] jar, PluginManifest manifest) {
        if (!manifest.requires().isEmpty()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.WARNING, "not run: it requires services of "
                    + manifest.requires().stream().map(PluginManifest.ServiceRequirement::plugin).distinct().collect(Collectors.joining(", "))
                    + ", which a trial does not provide", List.of());
        }
        PluginTrials.Trial trial;
        try {
            trial = trials.start(manifest, jar);
        } catch (PluginLoadException e) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, "did not start: " + e.getMessage(),
                                    List.of(step("start", "failed", e.getMessage())));
        }
        List<Map<String, Object>> findings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Set<String> notExercised = new TreeSet<>();
        int called = 0;
        int withParameters = 0;
        findings.add(step("start", "passed", "started for the throw-away tenant " + trial.tenantId()));
        try {
            for (PluginManifest.Route route : manifest.routes()) {
                if (route.path().contains("{")) {
                    withParameters++;
                    findings.add(route(route, "not-called", "it takes path parameters"));
                    continue;
                }
                called++;
                HttpMethod method = HttpMethod.valueOf(route.method());
                PluginTrials.Call call = trial.call(method, route.path(), method == HttpMethod.GET ? new byte[0] : EMPTY_OBJECT);
                int status = status(call, manifest.id());
                Map<String, Object> finding;
                if (!call.unavailable().isEmpty()) {
                    notExercised.addAll(call.unavailable());
                    finding = route(route, "not-exercised", "it asked for " + String.join(", ", call.unavailable())
                                                            + ", which a trial does not give");
                    finding.put("needs", List.copyOf(new TreeSet<>(call.unavailable())));
                } else if (call.failure().orElse(null) instanceof PluginCallFailure failure) {
                    finding = route(route, "failed", failure.getMessage());
                    failures.add(route.text() + " failed: " + withoutFullStop(failure.getMessage()));
                } else if (status >= 500) {
                    finding = route(route, "failed", "answered " + status);
                    failures.add(route.text() + " answered " + status);
                } else {
                    finding = route(route, "passed", "answered " + status);
                }
                finding.put("status", status);
                findings.add(finding);
            }
        } finally {
            try {
                trial.stop();
                findings.add(step("stop", "passed", "stopped"));
            } catch (PluginCallFailure failure) {
                findings.add(step("stop", "failed", failure.getMessage()));
                failures.add("did not stop cleanly: " + withoutFullStop(failure.getMessage()));
            }
        }
        if (!failures.isEmpty()) {
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, String.join("; ", failures), findings);
        }
        String summary = "started, " + called + " route(s) answered without a server error, stopped"
                         + (withParameters == 0 ? "" : "; " + withParameters + " route(s) with path parameters not called")
                         + (notExercised.isEmpty() ? "" : "; " + String.join(", ", notExercised) + " not exercised (a trial has none)");
        return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, summary, findings);
    }

    /** The status a caller would have seen: the plugin's answer's, or the one the kernel maps the failure to. */
    private static int status(PluginTrials.Call call, String pluginId) {
        if (call.response().isPresent()) {
            return call.response().map(Response::status).orElseThrow();
        }
        try {
            return PluginProblems.toApiException(call.failure().orElseThrow(), pluginId, "review").status();
        } catch (IllegalArgumentException notAProblem) {
            return 500;
        }
    }

    /** A message as part of a summary that joins several with semicolons. */
    private static String withoutFullStop(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    private static Map<String, Object> step(String step, String outcome, String detail) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("step", step);
        finding.put("outcome", outcome);
        finding.put("detail", detail);
        return finding;
    }

    private static Map<String, Object> route(PluginManifest.Route route, String outcome, String detail) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("step", "route");
        finding.put("route", route.text());
        finding.put("outcome", outcome);
        finding.put("detail", detail);
        return finding;
    }
}
