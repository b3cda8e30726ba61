package io.voicecore.kernel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/** With no database configured, the kernel runs its own PostgreSQL under the data directory, and data survives a restart. */
class RestartDurabilityTest {

    @Test
    void tenantsAndKeysSurviveARestartOfTheEmbeddedDatabase() {
        Path data = TestKernel.tempDir("voicecore-restart");
        String tenantId;
        String key;
        try (TestKernel first = TestKernel.builder().embeddedDatabase(data).adminToken("restart-admin").start()) {
            tenantId = first.createTenant("durable");
            key = first.createApiKey("durable", "tenant-admin");
            assertEquals(200, first.get("/api/v1/tenants/durable", key).status());
        }
        assertTrue(Files.isDirectory(data.resolve("postgres")), "the database files live under the data directory");

        try (TestKernel second = TestKernel.builder().embeddedDatabase(data).adminToken("restart-admin").start()) {
            HttpResult tenant = second.get("/api/v1/tenants/durable", second.adminToken());
            assertEquals(200, tenant.status(), tenant.body());
            assertEquals(tenantId, tenant.json().get("id").asText());
            assertEquals(200, second.get("/api/v1/tenants/" + tenantId, key).status(), "API keys still authenticate");
            HttpResult duplicate = second.post("/api/v1/tenants", second.adminToken(), Map.of("name", "again", "slug", "durable"));
            assertEquals(409, duplicate.status());
        }
    }

    @Test
    void generatedAdminTokenIsShownOnceAndKeptAcrossRestarts() {
        Path data = TestKernel.tempDir("voicecore-admin-token");
        String token;
        try (TestKernel first = TestKernel.builder().embeddedDatabase(data).noAdminToken().start()) {
            var matcher = java.util.regex.Pattern.compile("(vca_[A-Za-z0-9]+)").matcher(first.consoleOutput());
            assertTrue(matcher.find(), "the generated token is printed: " + first.consoleOutput());
            token = matcher.group(1);
            assertEquals(200, first.get("/api/v1/tenants", token).status());
        }
        try (TestKernel second = TestKernel.builder().embeddedDatabase(data).noAdminToken().start()) {
            assertTrue(!second.consoleOutput().contains("vca_"), "not printed a second time");
            assertEquals(200, second.get("/api/v1/tenants", token).status(), "the stored hash still accepts it");
        }
    }
}
