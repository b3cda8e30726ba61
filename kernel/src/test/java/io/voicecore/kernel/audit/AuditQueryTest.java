package io.voicecore.kernel.audit;

import static io.voicecore.kernel.audit.AuditFixture.createKey;
import static io.voicecore.kernel.audit.AuditFixture.encode;
import static io.voicecore.kernel.audit.AuditFixture.listAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listing: filters, cursor pagination, parameter errors and who may see which records. */
class AuditQueryTest {
    static TestKernel kernel;
    static String tenantA;
    static String tenantB;
    static AuditFixture.Key adminA;
    static AuditFixture.Key userA;
    static AuditFixture.Key adminB;

    @BeforeAll
    static void start() {
        kernel = AuditFixture.startKernel();
        tenantA = kernel.createTenant("alpha");
        tenantB = kernel.createTenant("beta");
        adminA = createKey(kernel, tenantA, kernel.adminToken(), "alpha admin", "tenant-admin");
        userA = createKey(kernel, tenantA, kernel.adminToken(), "alpha user", "tenant-user");
        adminB = createKey(kernel, tenantB, kernel.adminToken(), "beta admin", "tenant-admin");
        for (int i = 0; i < 4; i++) {
            AuditFixture.Key key = createKey(kernel, tenantA, adminA.secret(), "alpha extra " + i, "tenant-user");
            if (i % 2 == 0) {
                assertEquals(200, kernel.delete("/api/v1/tenants/alpha/api-keys/" + key.id(), adminA.secret()).status());
            }
        }
        createKey(kernel, tenantB, adminB.secret(), "beta extra", "tenant-user");
        assertEquals(200, kernel.patch("/api/v1/tenants/beta", adminB.secret(), Map.of("name", "Beta Renamed")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void actorFilterReturnsOnlyThatActorsRecords() {
        List<JsonNode> items = listAll(kernel, "/api/v1/audit?actor=" + encode(adminA.actor()), kernel.adminToken(), 50);
        assertEquals(6, items.size(), items.toString()); // four creations, two revocations
        assertTrue(items.stream().allMatch(r -> r.get("actor").asText().equals(adminA.actor())));
    }

    @Test
    void actionFilterIsExactOrAPrefixEndingInAStar() {
        List<JsonNode> all = listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500);
        List<JsonNode> apiKeyActions = listAll(kernel, "/api/v1/audit?action=api-key.*", kernel.adminToken(), 500);
        List<JsonNode> expected = all.stream().filter(r -> r.get("action").asText().startsWith("api-key.")).toList();
        assertEquals(ids(expected), ids(apiKeyActions));
        assertEquals(3 + 4 + 2 + 1, apiKeyActions.size());

        List<JsonNode> revocations = listAll(kernel, "/api/v1/audit?action=api-key.revoke", kernel.adminToken(), 500);
        assertEquals(2, revocations.size());
        assertEquals(0, listAll(kernel, "/api/v1/audit?action=api-key", kernel.adminToken(), 500).size(),
                     "without a star the action must match exactly");
        assertEquals(1, listAll(kernel, "/api/v1/audit?action=tenant.update&tenant=beta", kernel.adminToken(), 500).size());
    }

    @Test
    void timeRangeIncludesFromAndExcludesTo() {
        List<JsonNode> all = listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500);
        assertTrue(all.size() >= 8);
        Instant from = Instant.parse(all.get(2).get("occurredAt").asText());
        Instant to = Instant.parse(all.get(all.size() - 2).get("occurredAt").asText());
        List<String> expected = all.stream()
                .filter(r -> {
                    Instant at = Instant.parse(r.get("occurredAt").asText());
                    return !at.isBefore(from) && at.isBefore(to);
                })
                .map(r -> r.get("id").asText()).toList();

        List<JsonNode> ranged = listAll(kernel, "/api/v1/audit?from=" + from + "&to=" + to, kernel.adminToken(), 3);
        assertEquals(expected, ranged.stream().map(r -> r.get("id").asText()).toList());
        assertEquals(all.get(2).get("id").asText(), ranged.get(0).get("id").asText(), "'from' is inclusive");
        assertFalse(ids(ranged).contains(all.get(all.size() - 2).get("id").asText()), "'to' is exclusive");
    }

    @Test
    void pagesWalkEveryRecordExactlyOnceInOrder() {
        List<JsonNode> onePage = listAll(kernel, "/api/v1/audit", kernel.adminToken(), 500);
        for (int limit : new int[] {1, 2, 5}) {
            List<JsonNode> walked = listAll(kernel, "/api/v1/audit", kernel.adminToken(), limit);
            List<String> walkedIds = walked.stream().map(r -> r.get("id").asText()).toList();
            assertEquals(onePage.stream().map(r -> r.get("id").asText()).toList(), walkedIds, "limit " + limit);
            assertEquals(walkedIds.size(), new HashSet<>(walkedIds).size());
        }
        Comparator<JsonNode> oldestFirst = Comparator.comparing((JsonNode r) -> Instant.parse(r.get("occurredAt").asText()))
                .thenComparing(r -> r.get("chain").asText())
                .thenComparingLong(r -> r.get("seq").asLong());
        for (int i = 1; i < onePage.size(); i++) {
            assertTrue(oldestFirst.compare(onePage.get(i - 1), onePage.get(i)) < 0, "oldest first by (occurredAt, chain, seq)");
        }
        HttpResult first = kernel.get("/api/v1/audit?limit=2", kernel.adminToken());
        assertEquals(2, first.json().get("items").size());
        assertFalse(first.json().get("next").isNull());
    }

    @Test
    void unusableParametersAreProblemsNamingTheParameter() {
        HttpResult badFrom = kernel.get("/api/v1/audit?from=yesterday", kernel.adminToken());
        assertEquals(400, badFrom.status());
        assertEquals("application/problem+json", badFrom.contentType());
        assertTrue(badFrom.json().get("detail").asText().contains("'from'"), badFrom.body());
        assertTrue(badFrom.json().get("detail").asText().contains("ISO-8601"), badFrom.body());

        HttpResult badTo = kernel.get("/api/v1/tenants/alpha/audit?to=2025-13-01", adminA.secret());
        assertEquals(400, badTo.status());
        assertTrue(badTo.json().get("detail").asText().contains("'to'"), badTo.body());

        assertEquals(400, kernel.get("/api/v1/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", kernel.adminToken()).status());
        assertEquals(400, kernel.get("/api/v1/audit?cursor=not-a-cursor", kernel.adminToken()).status());
        assertEquals(400, kernel.get("/api/v1/audit?limit=0", kernel.adminToken()).status());
        HttpResult badOutcome = kernel.get("/api/v1/audit?outcome=maybe", kernel.adminToken());
        assertEquals(400, badOutcome.status());
        assertTrue(badOutcome.json().get("detail").asText().contains("denied"), badOutcome.body());
        assertEquals(400, kernel.get("/api/v1/audit?tenant=no-such-tenant", kernel.adminToken()).status());
        assertEquals(400, kernel.get("/api/v1/tenants/alpha/audit?tenant=beta", adminA.secret()).status());
    }

    @Test
    void platformTenantFilterAcceptsIdOrSlug() {
        List<JsonNode> bySlug = listAll(kernel, "/api/v1/audit?tenant=beta", kernel.adminToken(), 500);
        List<JsonNode> byId = listAll(kernel, "/api/v1/audit?tenant=" + tenantB, kernel.adminToken(), 500);
        assertEquals(ids(bySlug), ids(byId));
        assertEquals(4, bySlug.size()); // tenant.create, two keys, tenant.update
        assertTrue(bySlug.stream().allMatch(r -> r.get("tenantId").asText().equals(tenantB)));
    }

    @Test
    void tenantAdminSeesOnlyItsOwnTenant() {
        List<JsonNode> own = listAll(kernel, "/api/v1/tenants/alpha/audit", adminA.secret(), 500);
        assertEquals(1 + 2 + 4 + 2, own.size());
        assertTrue(own.stream().allMatch(r -> r.get("tenantId").asText().equals(tenantA)));
        assertEquals(ids(own), ids(listAll(kernel, "/api/v1/audit?tenant=alpha", kernel.adminToken(), 500)));

        for (String path : List.of("/api/v1/tenants/beta/audit", "/api/v1/tenants/" + tenantB + "/audit",
                                   "/api/v1/tenants/beta/audit/export?format=csv", "/api/v1/tenants/beta/audit/verify")) {
            HttpResult other = kernel.get(path, adminA.secret());
            assertEquals(404, other.status(), path + ": " + other.body());
            assertEquals("application/problem+json", other.contentType());
        }
    }

    @Test
    void onlyPlatformAdminsReachThePlatformEndpoints() {
        for (String path : List.of("/api/v1/audit", "/api/v1/audit/export", "/api/v1/audit/verify",
                                   "/api/v1/audit?tenant=alpha")) {
            HttpResult refused = kernel.get(path, adminA.secret());
            assertEquals(403, refused.status(), path + ": " + refused.body());
            assertEquals("application/problem+json", refused.contentType());
        }
        assertEquals(403, kernel.get("/api/v1/tenants/alpha/audit", userA.secret()).status(), "a tenant user is not a tenant admin");
        assertEquals(401, kernel.get("/api/v1/audit", null).status());
    }

    private static Set<String> ids(List<JsonNode> items) {
        Set<String> ids = new HashSet<>();
        items.forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }
}
