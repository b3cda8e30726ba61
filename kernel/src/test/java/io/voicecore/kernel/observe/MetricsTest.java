package io.voicecore.kernel.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /observe/metrics counts requests and latencies by route pattern and status, in Prometheus text format. */
class MetricsTest {
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static long counter(String metrics, String method, String route, int status) {
        Matcher m = Pattern.compile("voicecore_http_requests_total\\{method=\"" + method + "\",route=\"" + Pattern.quote(route)
                                    + "\",status=\"" + status + "\"} (\\d+)").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void countsByRoutePatternAndStatus() {
        String id = kernel.createTenant("metrics-a");
        kernel.createTenant("metrics-b");
        String before = kernel.get("/observe/metrics", null).body();
        for (String ref : new String[] {"metrics-a", "metrics-b", id}) {
            assertEquals(200, kernel.get("/api/v1/tenants/" + ref, kernel.adminToken()).status());
        }
        assertEquals(404, kernel.get("/api/v1/tenants/missing", kernel.adminToken()).status());
        assertEquals(401, kernel.get("/api/v1/tenants/metrics-a", "wrong").status());
        HttpResult after = kernel.get("/observe/metrics", null);
        assertEquals(200, after.status());
        assertTrue(after.contentType().startsWith("text/plain"), after.contentType());
        String text = after.body();
        String route = "/api/v1/tenants/{tenant}";
        assertEquals(3, counter(text, "GET", route, 200) - counter(before, "GET", route, 200), "raw paths are folded into the pattern");
        assertEquals(1, counter(text, "GET", route, 404) - counter(before, "GET", route, 404));
        assertEquals(1, counter(text, "GET", route, 401) - counter(before, "GET", route, 401));
        assertTrue(counter(text, "GET", "/observe/metrics", 200) >= 1, "fixed non-API paths are labelled by path");
        assertTrue(text.contains("voicecore_http_request_duration_seconds_bucket{method=\"GET\",route=\"" + route + "\",status=\"200\",le=\"+Inf\"} "),
                   "latency histogram per route");
        assertTrue(text.contains("# TYPE voicecore_http_request_duration_seconds histogram"));
        assertTrue(!text.contains("metrics-a"), "no raw path or tenant slug becomes a label");
    }
}
