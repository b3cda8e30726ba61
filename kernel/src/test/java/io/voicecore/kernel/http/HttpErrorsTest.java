package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.Flow;
import java.nio.ByteBuffer;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a precise problem+json answer, carries the request id, and changes nothing. */
class HttpErrorsTest {
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().set("http.max-body-bytes", "2048").start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static JsonNode assertProblem(HttpResult result, int status, String type) {
        assertEquals(status, result.status(), result.body());
        assertEquals("application/problem+json", result.contentType());
        JsonNode problem = result.json();
        assertEquals("urn:voicecore:problem:" + type, problem.get("type").asText(), result.body());
        assertEquals(status, problem.get("status").asInt());
        assertFalse(problem.get("title").asText().isBlank());
        assertFalse(problem.get("detail").asText().isBlank());
        assertEquals(result.header("X-Request-Id"), problem.get("requestId").asText());
        assertFalse(result.body().contains("Exception"), "no stack trace or exception name: " + result.body());
        assertFalse(result.body().contains("\tat "), result.body());
        return problem;
    }

    private static int tenantCount() {
        return kernel.get("/api/v1/tenants?limit=500", kernel.adminToken()).json().get("items").size();
    }

    @Test
    void malformedJsonIs400WithCallersRequestIdAndCreatesNothing() {
        int before = tenantCount();
        HttpResult result = kernel.send(kernel.request("/api/v1/tenants", kernel.adminToken())
                .header("Content-Type", "application/json").header("X-Request-Id", "trace-abc-123")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Acme\",\"slug\":")).build());
        JsonNode problem = assertProblem(result, 400, "malformed-body");
        assertEquals("trace-abc-123", problem.get("requestId").asText());
        assertTrue(problem.get("detail").asText().contains("not valid JSON"), problem.toString());
        assertEquals(before, tenantCount());
    }

    @Test
    void wrongTypesAndMissingFieldsAreListedFieldByField() {
        int before = tenantCount();
        JsonNode problem = assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(), "{\"name\": 42}"), 422, "validation");
        String errors = problem.get("errors").toString();
        assertTrue(errors.contains("\"field\":\"name\"") && errors.contains("must be a string"), errors);
        assertTrue(errors.contains("\"field\":\"slug\"") && errors.contains("is required"), errors);

        problem = assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(),
                                            Map.of("name", "X", "slug", "Not A Slug!", "colour", "red")), 422, "validation");
        assertTrue(problem.get("detail").asText().contains("slug"), problem.toString());
        assertTrue(problem.get("detail").asText().contains("colour"), "unknown fields are refused: " + problem);
        assertEquals(before, tenantCount());
    }

    @Test
    void nonObjectBodyIs400() {
        assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(), "[1,2,3]"), 400, "malformed-body");
        assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(), "{\"a\":1} trailing"), 400, "malformed-body");
        assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(), "{\"name\":\"a\",\"name\":\"b\",\"slug\":\"dup\"}"),
                      400, "malformed-body");
    }

    @Test
    void unsupportedMediaTypeIs415() {
        int before = tenantCount();
        assertProblem(kernel.send("/api/v1/tenants", "POST", kernel.adminToken(), "text/plain", "{\"name\":\"a\",\"slug\":\"a415\"}"),
                      415, "unsupported-media-type");
        assertProblem(kernel.send("/api/v1/tenants", "POST", kernel.adminToken(), null, "{\"name\":\"a\",\"slug\":\"a415\"}"),
                      415, "unsupported-media-type");
        assertEquals(before, tenantCount());
    }

    @Test
    void oversizedBodyIs413WithOrWithoutContentLength() {
        int before = tenantCount();
        String big = "{\"name\":\"" + "x".repeat(5000) + "\",\"slug\":\"big\"}";
        assertProblem(kernel.post("/api/v1/tenants", kernel.adminToken(), big), 413, "payload-too-large");
        // Chunked: no Content-Length, so the limit must hold while reading.
        HttpResult chunked = kernel.send(kernel.request("/api/v1/tenants", kernel.adminToken())
                .header("Content-Type", "application/json")
                .POST(chunkedBody(big)).build());
        assertProblem(chunked, 413, "payload-too-large");
        // Far beyond the server's hard limit as well: Helidon's own rejection is problem+json too.
        String huge = "{\"name\":\"" + "x".repeat(20_000) + "\",\"slug\":\"huge\"}";
        HttpResult hard = kernel.post("/api/v1/tenants", kernel.adminToken(), huge);
        assertEquals(413, hard.status(), hard.body());
        assertEquals("application/problem+json", hard.contentType());
        assertEquals(before, tenantCount());
    }

    private static HttpRequest.BodyPublisher chunkedBody(String text) {
        HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofString(text);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                inner.subscribe(subscriber);
            }
        };
    }

    @Test
    void missingBadAndUnknownCredentialsAre401() {
        assertProblem(kernel.get("/api/v1/tenants", null), 401, "credentials-missing");
        assertProblem(kernel.get("/api/v1/tenants", "not-the-token"), 401, "credentials-invalid");
        assertProblem(kernel.get("/api/v1/tenants", "vck_doesnotexist"), 401, "credentials-invalid");
        HttpResult basic = kernel.send(kernel.request("/api/v1/tenants", null).header("Authorization", "Basic Zm9vOmJhcg==").GET().build());
        assertProblem(basic, 401, "credentials-invalid");
        assertEquals("Bearer", basic.header("WWW-Authenticate"));
    }

    @Test
    void revokedKeyIs401() {
        String tenant = kernel.createTenant("revoked-key");
        HttpResult created = kernel.post("/api/v1/tenants/revoked-key/api-keys", kernel.adminToken(),
                                         Map.of("name", "temp", "role", "tenant-user"));
        String secret = created.json().get("secret").asText();
        assertEquals(200, kernel.get("/api/v1/tenants/revoked-key", secret).status());
        assertEquals(200, kernel.delete("/api/v1/tenants/revoked-key/api-keys/" + created.json().get("id").asText(),
                                        kernel.adminToken()).status());
        assertProblem(kernel.get("/api/v1/tenants/" + tenant, secret), 401, "credentials-revoked");
    }

    @Test
    void unknownTenantAndUnknownRouteAre404() {
        assertProblem(kernel.get("/api/v1/tenants/no-such-tenant", kernel.adminToken()), 404, "tenant-not-found");
        assertProblem(kernel.post("/api/v1/tenants/no-such-tenant/api-keys", kernel.adminToken(),
                                  Map.of("name", "k", "role", "tenant-user")), 404, "tenant-not-found");
        assertProblem(kernel.get("/api/v1/nothing-here", kernel.adminToken()), 404, "route-not-found");
        assertProblem(kernel.get("/not-an-api-path", null), 404, "route-not-found");
        assertProblem(kernel.send("/observe/health", "POST", null, "application/json", "{}"), 404, "route-not-found");
    }

    @Test
    void badPaginationParametersAre400() {
        assertProblem(kernel.get("/api/v1/tenants?limit=0", kernel.adminToken()), 400, "bad-request");
        assertProblem(kernel.get("/api/v1/tenants?limit=abc", kernel.adminToken()), 400, "bad-request");
        assertProblem(kernel.get("/api/v1/tenants?cursor=%21%21", kernel.adminToken()), 400, "bad-request");
    }

    @Test
    void paginationWalksEveryTenantOnce() {
        for (int i = 0; i < 7; i++) {
            kernel.createTenant("page-" + i);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        int pages = 0;
        String next = null;
        do {
            HttpResult page = kernel.get("/api/v1/tenants?limit=3" + (next == null ? "" : "&cursor=" + next), kernel.adminToken());
            assertEquals(200, page.status());
            for (JsonNode item : page.json().get("items")) {
                assertTrue(seen.add(item.get("id").asText()), "each tenant appears once");
            }
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        } while (next != null);
        assertEquals(tenantCount(), seen.size());
        assertTrue(pages >= 3);
    }

    @Test
    void requestIdIsGeneratedWhenAbsentOrUnsafe() {
        HttpResult result = kernel.get("/api/v1/tenants", null);
        assertNotNull(result.header("X-Request-Id"));
        HttpResult unsafe = kernel.send(kernel.request("/observe/health", null).header("X-Request-Id", "bad id\twith spaces").GET().build());
        assertFalse(unsafe.header("X-Request-Id").contains(" "));
        HttpResult kept = kernel.send(kernel.request("/observe/health", null).header("X-Request-Id", "abc-1").GET().build());
        assertEquals("abc-1", kept.header("X-Request-Id"));
    }

    @Test
    void tenantUserCannotCreateKeysOrTenants() {
        kernel.createTenant("roles");
        String user = kernel.createApiKey("roles", "tenant-user");
        int before = tenantCount();
        assertProblem(kernel.post("/api/v1/tenants/roles/api-keys", user, Map.of("name", "x", "role", "tenant-admin")),
                      403, "role-required");
        assertProblem(kernel.post("/api/v1/tenants", user, Map.of("name", "x", "slug", "by-user")), 403, "role-required");
        assertEquals(before, tenantCount());
    }
}
