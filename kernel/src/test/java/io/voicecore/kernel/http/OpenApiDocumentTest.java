package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The OpenAPI document served at /openapi describes exactly the API routes the kernel serves. */
class OpenApiDocumentTest {
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void documentMatchesServedRoutes() {
        HttpResult result = kernel.get("/openapi", null);
        assertEquals(200, result.status());
        assertTrue(result.contentType().startsWith("application/vnd.oai.openapi"), result.contentType());
        Map<String, Object> document = new Yaml().load(result.body());
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3."));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");

        Set<String> documented = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(key -> Set.of("get", "post", "put", "patch", "delete").contains(key))
                .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        Set<String> served = new TreeSet<>();
        for (ApiRoutes.Route route : kernel.kernel().routes()) {
            // A plugin's own routes are served under one catch-all, documented as a templated {path}.
            served.add(route.method().text() + " " + route.pattern().replace("/*", "/{path}"));
        }
        served.add("GET /observe/health");
        served.add("GET /observe/health/live");
        served.add("GET /observe/health/ready");
        served.add("GET /observe/metrics");
        served.add("GET /openapi");

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(served);
        assertTrue(undocumented.isEmpty(), "served but not documented: " + undocumented);
        assertTrue(stale.isEmpty(), "documented but not served: " + stale);

        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (operation instanceof Map<?, ?> op) {
                assertTrue(op.containsKey("summary"), method + " " + path + " has a summary");
                assertTrue(op.containsKey("responses"), method + " " + path + " lists its responses");
            }
        }));
    }
}
