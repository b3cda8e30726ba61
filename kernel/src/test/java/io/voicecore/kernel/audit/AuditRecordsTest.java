package io.voicecore.kernel.audit;

import static io.voicecore.kernel.audit.AuditFixture.createKey;
import static io.voicecore.kernel.audit.AuditFixture.listAll;
import static io.voicecore.kernel.audit.AuditFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every change leaves exactly one record describing it; failures leave none; refusals leave a "denied" one. */
class AuditRecordsTest {
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = AuditFixture.startKernel();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void tenantCreationIsRecordedWithActorTargetAndRequestId() {
        HttpResult created = send(kernel, "POST", "/api/v1/tenants", kernel.adminToken(),
                                  Map.of("name", "Records Dental", "slug", "records"), "req-tenant-create-1");
        assertEquals(201, created.status(), created.body());
        String tenantId = created.json().get("id").asText();

        List<JsonNode> items = listAll(kernel, "/api/v1/audit?tenant=records", kernel.adminToken(), 50);
        assertEquals(1, items.size(), items.toString());
        JsonNode record = items.get(0);
        assertEquals("platform-admin", record.get("actor").asText());
        assertEquals("tenant.create", record.get("action").asText());
        assertEquals("tenant:records", record.get("target").asText());
        assertEquals("success", record.get("outcome").asText());
        assertEquals("req-tenant-create-1", record.get("requestId").asText());
        assertEquals(tenantId, record.get("tenantId").asText());
        assertEquals(tenantId, record.get("chain").asText());
        assertEquals(1, record.get("seq").asLong());
        assertEquals("Records Dental", record.get("details").get("name").asText());
        assertEquals("0".repeat(64), record.get("prevHash").asText());
        assertEquals(64, record.get("hash").asText().length());
    }

    @Test
    void apiKeyCreationAndRevocationAreRecordedAgainstTheActingCredential() {
        String tenantId = kernel.createTenant("keys-audited");
        AuditFixture.Key admin = createKey(kernel, tenantId, kernel.adminToken(), "tenant admin", "tenant-admin");

        HttpResult created = send(kernel, "POST", "/api/v1/tenants/keys-audited/api-keys", admin.secret(),
                                  Map.of("name", "reception", "role", "tenant-user"), "req-key-create-7");
        assertEquals(201, created.status(), created.body());
        String keyId = created.json().get("id").asText();
        HttpResult revoked = send(kernel, "DELETE", "/api/v1/tenants/keys-audited/api-keys/" + keyId, admin.secret(), null,
                                  "req-key-revoke-7");
        assertEquals(200, revoked.status(), revoked.body());

        List<JsonNode> items = listAll(kernel, "/api/v1/tenants/keys-audited/audit?actor=" + admin.actor(), admin.secret(), 50);
        assertEquals(2, items.size(), items.toString());
        JsonNode create = items.get(0);
        assertEquals("api-key.create", create.get("action").asText());
        assertEquals("api-key:" + keyId, create.get("target").asText());
        assertEquals("success", create.get("outcome").asText());
        assertEquals("req-key-create-7", create.get("requestId").asText());
        assertEquals("tenant-user", create.get("details").get("role").asText());
        JsonNode revoke = items.get(1);
        assertEquals("api-key.revoke", revoke.get("action").asText());
        assertEquals("api-key:" + keyId, revoke.get("target").asText());
        assertEquals("req-key-revoke-7", revoke.get("requestId").asText());
        // The chain links them: tenant.create (1), the admin key (2), then these two.
        assertEquals(3, create.get("seq").asLong());
        assertEquals(4, revoke.get("seq").asLong());
        assertEquals(create.get("hash").asText(), revoke.get("prevHash").asText());
    }

    @Test
    void failedChangeLeavesNoSuccessRecordAndNoPartialWrite() throws SQLException {
        kernel.createTenant("taken");
        long tenantsBefore = count("SELECT count(*) FROM kernel.tenants");
        long recordsBefore = count("SELECT count(*) FROM kernel.audit_log");
        long headsBefore = count("SELECT count(*) FROM kernel.audit_heads");

        HttpResult duplicate = send(kernel, "POST", "/api/v1/tenants", kernel.adminToken(),
                                    Map.of("name", "Impostor", "slug", "taken"), "req-duplicate-slug");
        assertEquals(409, duplicate.status(), duplicate.body());

        assertEquals(tenantsBefore, count("SELECT count(*) FROM kernel.tenants"));
        assertEquals(recordsBefore, count("SELECT count(*) FROM kernel.audit_log"));
        assertEquals(headsBefore, count("SELECT count(*) FROM kernel.audit_heads"));
        List<JsonNode> all = listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500);
        assertTrue(all.stream().noneMatch(r -> r.get("requestId").asText().equals("req-duplicate-slug")), all.toString());
        assertEquals("Tenant taken", kernel.get("/api/v1/tenants/taken", kernel.adminToken()).json().get("name").asText());
    }

    @Test
    void refusedChangeIsRecordedAsDeniedInThePrincipalsChain() {
        String tenantId = kernel.createTenant("refusals");
        AuditFixture.Key user = createKey(kernel, tenantId, kernel.adminToken(), "front desk", "tenant-user");

        HttpResult refused = send(kernel, "POST", "/api/v1/tenants/" + tenantId + "/api-keys", user.secret(),
                                  Map.of("name", "escalation", "role", "tenant-admin"), "req-refused-1");
        assertEquals(403, refused.status(), refused.body());

        List<JsonNode> denied = listAll(kernel, "/api/v1/tenants/refusals/audit?outcome=denied", kernel.adminToken(), 50);
        assertEquals(1, denied.size(), denied.toString());
        JsonNode record = denied.get(0);
        assertEquals(user.actor(), record.get("actor").asText());
        assertEquals("POST /api/v1/tenants/{tenant}/api-keys", record.get("action").asText());
        assertEquals("/api/v1/tenants/" + tenantId + "/api-keys", record.get("target").asText());
        assertEquals("req-refused-1", record.get("requestId").asText());
        assertEquals(tenantId, record.get("chain").asText());
        assertEquals("urn:voicecore:problem:role-required", record.get("details").get("problem").asText());
        // The refusal changed nothing: no key was created.
        assertTrue(listAll(kernel, "/api/v1/tenants/refusals/audit?action=api-key.create", kernel.adminToken(), 50).stream()
                           .noneMatch(r -> r.get("requestId").asText().equals("req-refused-1")));
        assertTrue(kernel.get("/api/v1/tenants/refusals/audit/verify", kernel.adminToken()).json().get("valid").asBoolean());
    }

    @Test
    void changeAimedAtAnotherTenantIsRecordedInTheCallersOwnChainOnly() {
        String own = kernel.createTenant("prober");
        String other = kernel.createTenant("probed");
        AuditFixture.Key admin = createKey(kernel, own, kernel.adminToken(), "admin", "tenant-admin");
        long probedBefore = listAll(kernel, "/api/v1/tenants/probed/audit", kernel.adminToken(), 50).size();

        HttpResult refused = send(kernel, "DELETE", "/api/v1/tenants/" + other + "/api-keys/" + java.util.UUID.randomUUID(),
                                  admin.secret(), null, "req-probe-1");
        assertEquals(404, refused.status(), refused.body());

        List<JsonNode> denied = listAll(kernel, "/api/v1/tenants/prober/audit?outcome=denied", kernel.adminToken(), 50);
        assertEquals(1, denied.size(), denied.toString());
        assertEquals("DELETE /api/v1/tenants/{tenant}/api-keys/{keyId}", denied.get(0).get("action").asText());
        assertEquals("urn:voicecore:problem:tenant-not-found", denied.get(0).get("details").get("problem").asText());
        assertEquals(probedBefore, listAll(kernel, "/api/v1/tenants/probed/audit", kernel.adminToken(), 50).size());
    }

    @Test
    void refusedReadsAndUnauthenticatedChangesAreNotRecorded() {
        String tenantId = kernel.createTenant("quiet");
        AuditFixture.Key user = createKey(kernel, tenantId, kernel.adminToken(), "reader", "tenant-user");
        long before = listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500).size();

        assertEquals(403, kernel.get("/api/v1/tenants/quiet/api-keys", user.secret()).status());
        assertEquals(401, kernel.post("/api/v1/tenants/quiet/api-keys", "vck_not-a-key", Map.of("name", "x", "role", "tenant-user"))
                .status());

        assertEquals(before, listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500).size());
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = kernel.ownerConnection(); var s = c.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
