package io.voicecore.kernel.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;

/**
 * {@code /observe/health} (with {@code /live} and {@code /ready}) and {@code /observe/metrics}.
 * Liveness says the process serves; readiness also needs the database and the shared state.
 */
public final class ObserveRoutes {
    private final Database database;
    private final SharedState state;
    private final RequestMetrics metrics;

    public ObserveRoutes(Database database, SharedState state, RequestMetrics metrics) {
        this.database = database;
        this.state = state;
        this.metrics = metrics;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/observe/health", (req, res) -> health(res, true))
                .get("/observe/health/ready", (req, res) -> health(res, true))
                .get("/observe/health/live", (req, res) -> health(res, false))
                .get("/observe/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.prometheusText());
                });
    }

    private void health(ServerResponse res, boolean readiness) {
        List<Map<String, Object>> checks = new java.util.ArrayList<>();
        checks.add(check("process", true, Map.of()));
        if (readiness) {
            checks.add(check("database", database.ping(), Map.of()));
            checks.add(check("shared-state", state.ping(), Map.of("kind", state.kind())));
        }
        boolean up = checks.stream().allMatch(c -> "UP".equals(c.get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }

    private static Map<String, Object> check(String name, boolean up, Map<String, Object> data) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("status", up ? "UP" : "DOWN");
        if (!data.isEmpty()) {
            c.put("data", data);
        }
        return c;
    }
}
