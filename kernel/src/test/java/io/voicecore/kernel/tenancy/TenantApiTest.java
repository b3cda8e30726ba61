package io.voicecore.kernel.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.tenancy.admin.TenantService;
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

    @Test
    void deletingATenantRemovesItsRowsKeepsItsAuditLogAndRunsInPlatformScopeOnly() throws Exception {
        String id = kernel.createTenant("doomed");
        String key = kernel.createApiKey("doomed", "tenant-admin");
        assertEquals(201, kernel.post("/api/v1/tenants/doomed/users", key, Map.of("email", "a@doomed.test",
                "password", "correct horse battery", "role", "tenant-user")).status());
        kernel.kernel().services().usage().record(UUID.fromString(id), "receptionist", "calls", 2, "call");
        TenantService tenants = kernel.kernel().services().tenantService();
        Tenant tenant = kernel.kernel().services().database().inPlatform(tx -> kernel.kernel().services().tenants()
                .byId(tx, UUID.fromString(id))).orElseThrow();

        // The application role cannot delete outside the platform scope.
        try (Connection app = kernel.appConnection(); var statement = app.createStatement()) {
            statement.execute("SELECT set_config('voicecore.scope', 'tenant', false), set_config('voicecore.tenant_id', '" + id + "', false)");
            SQLException refused = assertThrows(SQLException.class,
                    () -> statement.execute("SELECT kernel.delete_tenant('" + id + "')"));
            assertTrue(refused.getMessage().contains("platform scope"), refused.getMessage());
        }

        Principal admin = new Principal("platform-admin",
                Role.PLATFORM_ADMIN, Optional.empty(), "test", false);
        assertTrue(tenants.delete(tenant, admin));
        assertEquals(404, kernel.get("/api/v1/tenants/doomed", kernel.adminToken()).status());
        assertEquals(403, kernel.get("/api/v1/tenants/doomed", key).status(), "the key of a deleted tenant is refused");
        try (Connection owner = kernel.ownerConnection(); var statement = owner.createStatement()) {
            for (String table : List.of("kernel.api_keys", "kernel.users", "kernel.usage_records")) {
                var rows = statement.executeQuery("SELECT count(*) FROM " + table + " WHERE tenant_id = '" + id + "'");
                rows.next();
                assertEquals(0, rows.getLong(1), table);
            }
            var audit = statement.executeQuery("SELECT count(*) FROM kernel.audit_log WHERE tenant_id = '" + id + "'");
            audit.next();
            assertTrue(audit.getLong(1) > 0, "the tenant's audit log stays");
        }
        assertFalse(tenants.delete(tenant, admin), "deleting twice finds nothing");
        assertEquals(201, kernel.post("/api/v1/tenants", kernel.adminToken(), Map.of("name", "Doomed again", "slug", "doomed")).status());
    }
}
