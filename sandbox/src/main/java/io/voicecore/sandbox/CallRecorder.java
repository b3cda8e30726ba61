package io.voicecore.sandbox;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginObserver;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.json.Json;

/**
 * The sandbox's {@link PluginObserver}: records every call into the watched plugins (route or event, status, duration,
 * SQL statements, outbound requests, publications, log lines, allocation, guards' verdicts) into a bounded ring of the
 * newest calls, and keeps a per-route profile. What a service of another plugin does on behalf of a watched plugin's
 * call is recorded with that call.
 */
final class CallRecorder implements PluginObserver {
    /** What one statement, request, publication, log line or refusal keeps at most, so a runaway call stays small. */
    static final int MAX_ITEMS_PER_CALL = 500;
    private static final int MAX_TEXT = 2000;

    private final Predicate<String> watched;
    private final int capacity;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<PluginCall, Recording> running = Collections.synchronizedMap(new IdentityHashMap<>());
    private final ArrayDeque<Map<String, Object>> recorded = new ArrayDeque<>();
    private final Map<String, Profile> profiles = new TreeMap<>();

    /**
     * @param watched  which plugin ids to record
     * @param capacity how many calls the ring keeps; older ones are dropped (the profile still counts them)
     */
    CallRecorder(Predicate<String> watched, int capacity) {
        this.watched = watched;
        this.capacity = capacity;
    }

    /** One call in progress. */
    private static final class Recording {
        final long id;
        final String plugin;
        final String version;
        final String tenant;
        final String requestId;
        final String what;
        final String route;
        final long startedMillis = System.currentTimeMillis();
        final List<Map<String, Object>> sql = new ArrayList<>();
        final List<Map<String, Object>> egress = new ArrayList<>();
        final List<Map<String, Object>> events = new ArrayList<>();
        final List<Map<String, Object>> logs = new ArrayList<>();
        final List<Map<String, Object>> guards = new ArrayList<>();
        long sqlNanos;

        Recording(long id, PluginCall call, String what) {
            this.id = id;
            this.plugin = call.pluginId();
            this.version = call.manifest().version();
            this.tenant = call.tenantId().toString();
            this.requestId = call.requestId();
            this.what = what;
            this.route = routeOf(call.manifest(), what);
        }

        synchronized void add(List<Map<String, Object>> list, Map<String, Object> item) {
            if (list.size() < MAX_ITEMS_PER_CALL) {
                list.add(item);
            }
        }
    }

    /** Per route or event: durations (for percentiles), SQL and egress totals. */
    private static final class Profile {
        final List<Long> micros = new ArrayList<>();
        long sqlCount;
        long sqlMicros;
        long egressCount;
        long errors;
    }

    @Override
    public void callStarted(PluginCall call, String what) {
        if (call.onBehalfOf().isEmpty() && watched.test(call.pluginId())) {
            running.put(call, new Recording(sequence.incrementAndGet(), call, what));
        }
    }

    @Override
    public void callEnded(PluginCall call, String what, Optional<Object> result, Optional<Throwable> failure, long nanos,
                          long allocatedBytes) {
        Recording recording = running.remove(call);
        if (recording == null) {
            return;
        }
        int status = status(result, failure);
        failure.flatMap(CallRecorder::guardOf).ifPresent(guard -> recording.add(recording.guards, guard));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", recording.id);
        entry.put("plugin", recording.plugin);
        entry.put("version", recording.version);
        entry.put("tenant", recording.tenant);
        entry.put("requestId", recording.requestId);
        entry.put("kind", what.startsWith("route ") ? "route" : what.startsWith("event ") ? "event" : "call");
        entry.put("call", what);
        entry.put("route", recording.route);
        entry.put("status", status);
        entry.put("startedAt", java.time.Instant.ofEpochMilli(recording.startedMillis).toString());
        entry.put("durationMillis", millis(nanos));
        entry.put("allocatedBytes", allocatedBytes);
        failure.ifPresent(f -> entry.put("error", f.getClass().getSimpleName() + ": " + clip(String.valueOf(f.getMessage()))));
        synchronized (recording) {
            entry.put("sqlTimeMillis", millis(recording.sqlNanos));
            entry.put("sql", List.copyOf(recording.sql));
            entry.put("egress", List.copyOf(recording.egress));
            entry.put("events", List.copyOf(recording.events));
            entry.put("logs", List.copyOf(recording.logs));
            entry.put("guards", List.copyOf(recording.guards));
        }
        synchronized (this) {
            recorded.addFirst(entry);
            while (recorded.size() > capacity) {
                recorded.removeLast();
            }
            Profile profile = profiles.computeIfAbsent(recording.plugin + " " + recording.route, key -> new Profile());
            if (profile.micros.size() < 100_000) {
                profile.micros.add(nanos / 1000);
            }
            profile.sqlCount += recording.sql.size();
            profile.sqlMicros += recording.sqlNanos / 1000;
            profile.egressCount += recording.egress.size();
            if (status >= 500) {
                profile.errors++;
            }
        }
    }

    @Override
    public void statement(PluginCall call, String sql, List<Object> parameters, int rows, long nanos, Optional<Throwable> failure) {
        Recording recording = recordingOf(call);
        if (recording == null) {
            return;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sql", clip(sql));
        item.put("parameters", parameters.stream().map(CallRecorder::parameter).toList());
        item.put("rows", rows);
        item.put("millis", millis(nanos));
        failure.ifPresent(f -> item.put("error", clip(String.valueOf(f.getMessage()))));
        synchronized (recording) {
            recording.sqlNanos += nanos;
        }
        recording.add(recording.sql, item);
    }

    @Override
    public void egress(PluginCall call, EgressRequest request, Optional<EgressResponse> response, long nanos, Optional<Throwable> failure) {
        Recording recording = recordingOf(call);
        if (recording == null) {
            return;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("method", request.method());
        item.put("url", withoutQuery(request.uri()));
        item.put("status", response.map(EgressResponse::status).orElse(null));
        item.put("bytesSent", request.body().length);
        item.put("bytesReceived", response.map(r -> r.body().length).orElse(0));
        item.put("millis", millis(nanos));
        failure.ifPresent(f -> item.put("error", clip(String.valueOf(f.getMessage()))));
        recording.add(recording.egress, item);
    }

    @Override
    public void published(PluginCall call, String topic, Json payload) {
        Recording recording = recordingOf(call);
        if (recording != null) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("topic", topic);
            item.put("payload", clip(payload.toString()));
            recording.add(recording.events, item);
        }
    }

    @Override
    public void logged(PluginCall call, String level, String message) {
        Recording recording = recordingOf(call);
        if (recording != null) {
            recording.add(recording.logs, Map.of("level", level, "message", clip(String.valueOf(message))));
        }
    }

    @Override
    public void refused(PluginCall call, String guard, String detail) {
        Recording recording = recordingOf(call);
        if (recording != null) {
            recording.add(recording.guards, Map.of("guard", guard, "verdict", "refused", "detail", clip(String.valueOf(detail))));
        }
    }

    /**
     * The newest recorded calls first.
     *
     * @param route  only calls whose route (e.g. {@code GET /greeting}) or call text contains this
     * @param plugin only calls of this plugin
     */
    synchronized List<Map<String, Object>> calls(Optional<String> route, Optional<String> plugin, int limit) {
        return recorded.stream()
                .filter(c -> plugin.map(p -> p.equals(c.get("plugin"))).orElse(true))
                .filter(c -> route.map(r -> String.valueOf(c.get("route")).contains(r) || String.valueOf(c.get("call")).contains(r))
                        .orElse(true))
                .limit(limit).toList();
    }

    /** Per plugin route or event: count, p50 and p99 duration, SQL count and time, egress count, server errors. */
    synchronized List<Map<String, Object>> profile() {
        List<Map<String, Object>> items = new ArrayList<>();
        profiles.forEach((key, profile) -> {
            List<Long> sorted = new ArrayList<>(profile.micros);
            sorted.sort(Comparator.naturalOrder());
            int space = key.indexOf(' ');
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("plugin", key.substring(0, space));
            item.put("route", key.substring(space + 1));
            item.put("count", sorted.size());
            item.put("p50Millis", percentile(sorted, 0.50));
            item.put("p99Millis", percentile(sorted, 0.99));
            item.put("sqlCount", profile.sqlCount);
            item.put("sqlTimeMillis", profile.sqlMicros / 1000.0);
            item.put("egressCount", profile.egressCount);
            item.put("errors", profile.errors);
            items.add(item);
        });
        return items;
    }

    /** The call a report belongs to: its own, or for a service serving another plugin, the consumer's. */
    private Recording recordingOf(PluginCall call) {
        PluginCall root = call;
        while (root.onBehalfOf().isPresent()) {
            root = root.onBehalfOf().get();
        }
        return running.get(root);
    }

    /**
     * The route template a call matched, {@code GET /guests/{id}} for {@code route GET /guests/42}, so the profile
     * groups a route's calls; other calls keep their text ({@code event hello.guest.signed}).
     */
    static String routeOf(io.voicecore.kernel.plugins.PluginManifest manifest, String what) {
        if (!what.startsWith("route ")) {
            return what;
        }
        String[] methodAndPath = what.substring("route ".length()).split(" ", 2);
        if (methodAndPath.length < 2) {
            return what.substring("route ".length());
        }
        String[] segments = methodAndPath[1].split("/", -1);
        for (io.voicecore.kernel.plugins.PluginManifest.Route route : manifest.routes()) {
            String[] template = route.path().split("/", -1);
            if (!route.method().equalsIgnoreCase(methodAndPath[0]) || template.length != segments.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++) {
                matches = template[i].startsWith("{") || template[i].equals(segments[i]);
            }
            if (matches) {
                return route.method() + " " + route.path();
            }
        }
        return methodAndPath[0] + " " + methodAndPath[1];
    }

    private static int status(Optional<Object> result, Optional<Throwable> failure) {
        if (result.isPresent() && result.get() instanceof Response response) {
            return response.status();
        }
        if (failure.isEmpty()) {
            return 200;
        }
        return switch (failure.get()) {
            case PluginProblem problem -> problem.status();
            case PluginCallFailure callFailure -> callFailure.kind().status();
            default -> 500;
        };
    }

    /** The guard that ended a call: the deadline, the allocation quota, the concurrency limit, quarantine, a permission. */
    private static Optional<Map<String, Object>> guardOf(Throwable failure) {
        String guard = switch (failure) {
            case PluginCallFailure f when f.kind() == PluginCallFailure.Kind.TIMEOUT -> "deadline";
            case PluginCallFailure f when f.kind() == PluginCallFailure.Kind.MEMORY -> "allocation-quota";
            case PluginCallFailure f when f.kind() == PluginCallFailure.Kind.BUSY -> "concurrency";
            case PluginCallFailure f when f.kind() == PluginCallFailure.Kind.QUARANTINED -> "quarantine";
            case PermissionDeniedException p -> "permission";
            case UsageLimitReachedException u -> "usage-limit";
            default -> null;
        };
        return guard == null ? Optional.empty()
                : Optional.of(Map.of("guard", guard, "verdict", "refused", "detail", clip(String.valueOf(failure.getMessage()))));
    }

    private static Object parameter(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> clip(s);
            case Number n -> n;
            case Boolean b -> b;
            case byte[] bytes -> "<" + bytes.length + " bytes>";
            default -> clip(value.toString());
        };
    }

    private static String withoutQuery(URI uri) {
        // Query strings often carry keys or personal data; the path says enough about the request.
        return uri.getScheme() + "://" + uri.getAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double percentile(List<Long> sortedMicros, double p) {
        if (sortedMicros.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sortedMicros.size()) - 1;
        return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1000.0;
    }

    private static String clip(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }
}
