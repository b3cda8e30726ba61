package io.voicecore.kernel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;

/** Shared steps of the audit tests: a kernel whose rate limit does not interfere, keys, request ids, page walks. */
final class AuditFixture {
    private AuditFixture() {
    }

    /** A created API key: its id (the actor of what it does) and its secret. */
    record Key(String id, String secret) {
        String actor() {
            return "api-key:" + id;
        }
    }

    static TestKernel startKernel() {
        return TestKernel.builder().set("rate-limit.per-minute", "1000000").start();
    }

    static Key createKey(TestKernel kernel, String tenant, String token, String name, String role) {
        HttpResult result = kernel.post("/api/v1/tenants/" + tenant + "/api-keys", token, Map.of("name", name, "role", role));
        assertEquals(201, result.status(), result.body());
        return new Key(result.json().get("id").asText(), result.json().get("secret").asText());
    }

    static HttpResult send(TestKernel kernel, String method, String path, String token, Object body, String requestId) {
        HttpRequest.Builder request = kernel.request(path, token).header("X-Request-Id", requestId);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.writeString(body)));
        }
        return kernel.send(request.build());
    }

    /** Follows {@code next} from the first page to the last and returns every item in order. */
    static List<JsonNode> listAll(TestKernel kernel, String path, String token, int limit) {
        List<JsonNode> items = new ArrayList<>();
        String separator = path.contains("?") ? "&" : "?";
        String next = null;
        do {
            String page = path + separator + "limit=" + limit + (next == null ? "" : "&cursor=" + next);
            HttpResult result = kernel.get(page, token);
            assertEquals(200, result.status(), result.body());
            result.json().get("items").forEach(items::add);
            JsonNode nextNode = result.json().get("next");
            next = nextNode.isNull() ? null : nextNode.asText();
        } while (next != null);
        return items;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
