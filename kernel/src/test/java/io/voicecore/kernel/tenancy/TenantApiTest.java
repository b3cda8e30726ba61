package io.voicecore.kernel.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantApiTest {
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
    void createsTenantAndRefusesDuplicateSlug() {
        HttpResult created = kernel.post("/api/v1/tenants", kernel.adminToken(), Map.of("name", "Acme Dental", "slug", "acme"));
        assertEquals(201, created.status(), created.body());
        assertNotNull(created.json().get("id").asText());
        assertEquals("acme", created.json().get("slug").asText());

        HttpResult duplicate = kernel.post("/api/v1/tenants", kernel.adminToken(), Map.of("name", "Other", "slug", "acme"));
        assertEquals(409, duplicate.status());
        assertEquals("application/problem+json", duplicate.contentType());
        assertTrue(duplicate.json().get("detail").asText().contains("acme"));
    }

    @Test
    void tenantIsAddressableByIdOrSlug() {
        String id = kernel.createTenant("by-either");
        assertEquals("by-either", kernel.get("/api/v1/tenants/" + id, kernel.adminToken()).json().get("slug").asText());
        assertEquals(id, kernel.get("/api/v1/tenants/by-either", kernel.adminToken()).json().get("id").asText());
    }
}
