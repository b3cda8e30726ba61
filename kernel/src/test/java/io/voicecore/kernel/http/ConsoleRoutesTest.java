package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's files are served from the class path at /console/ (the test resources hold a small stand-in build under
 * voicecore-console/, where the admin-ui jar puts the real one).
 */
class ConsoleRoutesTest {
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
    void rootAnswersIndexHtmlUncachedWithStrictPolicy() {
        HttpResult result = kernel.get("/console/", null);
        assertEquals(200, result.status(), result.body());
        assertEquals("text/html;charset=utf-8", result.contentType());
        assertTrue(result.body().contains("<div id=\"root\">"), result.body());
        assertEquals("no-cache", result.header("Cache-Control"));
        String policy = result.header("Content-Security-Policy");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
    }

    @Test
    void deepLinkOfTheClientRouterAnswersIndexHtml() {
        HttpResult result = kernel.get("/console/tenant/users/42", null);
        assertEquals(200, result.status(), result.body());
        assertTrue(result.body().contains("<div id=\"root\">"), result.body());
    }

    @Test
    void hashedAssetIsServedWithItsTypeAndCachedLong() {
        HttpResult result = kernel.get("/console/assets/index-0a1b2c3d.js", null);
        assertEquals(200, result.status(), result.body());
        assertEquals("text/javascript;charset=utf-8", result.contentType());
        assertTrue(result.header("Cache-Control").contains("immutable"), result.header("Cache-Control"));
        assertTrue(result.body().contains("textContent"), result.body());
    }

    @Test
    void missingAssetIs404Problem() {
        HttpResult result = kernel.get("/console/assets/missing-ffff.js", null);
        assertEquals(404, result.status(), result.body());
        assertEquals("application/problem+json", result.contentType());
        assertEquals("urn:voicecore:problem:console-file-not-found", result.json().get("type").asText());
    }

    @Test
    void pathEscapingTheConsoleIs404() {
        HttpResult result = kernel.get("/console/..%2Fopenapi.yaml", null);
        assertEquals(404, result.status(), result.body());
    }

    @Test
    void consoleWithoutSlashRedirects() {
        HttpResult result = kernel.get("/console", null);
        assertEquals(301, result.status(), result.body());
        assertEquals("/console/", result.header("Location"));
    }
}
