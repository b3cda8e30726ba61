package io.voicecore.kernel.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random sequences of API calls by two tenants never reveal one tenant's data to the other, and
 * SQL that forgets its tenant filter is still confined to one tenant by row-level security.
 */
class TenantIsolationProperties {
    private static final AtomicInteger RUN = new AtomicInteger();
    static TestKernel kernel;

    @BeforeContainer
    static void start() {
        kernel = TestKernel.start();
    }

    @AfterContainer
    static void stop() {
        kernel.close();
    }

    /** One API call a tenant principal makes; {@code self} is the caller, {@code other} the victim. */
    enum Call { CREATE_OWN_KEY, LIST_OWN_KEYS, LIST_TENANTS, READ_OWN_TENANT, READ_OTHER_BY_ID, READ_OTHER_BY_SLUG,
        LIST_OTHER_KEYS, CREATE_KEY_IN_OTHER, REVOKE_OTHER_KEY, RENAME_OTHER, RENAME_OWN,
        CREATE_OWN_USER, LIST_OWN_USERS, LIST_OTHER_USERS, CREATE_USER_IN_OTHER, READ_OWN_AUDIT, READ_OTHER_AUDIT,
        EXPORT_OTHER_AUDIT, VERIFY_OTHER_AUDIT, READ_PLATFORM_AUDIT }

    record Step(boolean byA, Call call) {
    }

    private static final class Party {
        final String id;
        final String slug;
        final String adminKey;
        final Set<String> keyIds = new HashSet<>();

        Party(String slug) {
            this.slug = slug;
            this.id = kernel.createTenant(slug);
            HttpResult created = kernel.post("/api/v1/tenants/" + slug + "/api-keys", kernel.adminToken(),
                                             Map.of("name", "admin-" + slug, "role", "tenant-admin"));
            this.adminKey = created.json().get("secret").asText();
            keyIds.add(created.json().get("id").asText());
        }
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(Call.class))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 30)
    void apiCallsNeverRevealTheOtherTenant(@ForAll("sequences") List<Step> steps) {
        int run = RUN.incrementAndGet();
        Party a = new Party("iso-a-" + run);
        Party b = new Party("iso-b-" + run);
        for (Step step : steps) {
            Party self = step.byA() ? a : b;
            Party other = step.byA() ? b : a;
            HttpResult result = perform(step.call(), self, other);
            assertNoTrace(result, self, other);
            switch (step.call()) {
                case READ_OTHER_BY_ID, READ_OTHER_BY_SLUG, LIST_OTHER_KEYS, CREATE_KEY_IN_OTHER, REVOKE_OTHER_KEY, RENAME_OTHER,
                     LIST_OTHER_USERS, CREATE_USER_IN_OTHER, READ_OTHER_AUDIT, EXPORT_OTHER_AUDIT, VERIFY_OTHER_AUDIT ->
                        assertEquals(404, result.status(), step + " " + result);
                case READ_PLATFORM_AUDIT -> assertEquals(403, result.status(), step + " " + result);
                default -> assertTrue(result.status() < 300, step + " " + result);
            }
            if (step.call() == Call.CREATE_OWN_KEY) {
                self.keyIds.add(result.json().get("id").asText());
            }
        }
        // Nothing the other tenant did changed this tenant's data.
        for (Party party : List.of(a, b)) {
            JsonNode keys = kernel.get("/api/v1/tenants/" + party.slug + "/api-keys?limit=500", kernel.adminToken()).json().get("items");
            Set<String> ids = new HashSet<>();
            for (JsonNode key : keys) {
                ids.add(key.get("id").asText());
                assertTrue(key.get("revokedAt").isNull(), "no key of " + party.slug + " was revoked: " + key);
            }
            assertEquals(party.keyIds, ids);
            JsonNode users = kernel.get("/api/v1/tenants/" + party.slug + "/users?limit=500", kernel.adminToken()).json().get("items");
            for (JsonNode user : users) {
                assertFalse(user.get("email").asText().startsWith("spy@"), "no user was planted in " + party.slug);
            }
            JsonNode tenant = kernel.get("/api/v1/tenants/" + party.id, kernel.adminToken()).json();
            assertFalse(tenant.get("name").asText().startsWith("hijacked"), tenant.toString());
        }
    }

    private static HttpResult perform(Call call, Party self, Party other) {
        String key = self.adminKey;
        String anyOtherKeyId = other.keyIds.iterator().next();
        return switch (call) {
            case CREATE_OWN_KEY -> kernel.post("/api/v1/tenants/" + self.slug + "/api-keys", key, Map.of("name", "k", "role", "tenant-user"));
            case LIST_OWN_KEYS -> kernel.get("/api/v1/tenants/" + self.id + "/api-keys", key);
            case LIST_TENANTS -> kernel.get("/api/v1/tenants", key);
            case READ_OWN_TENANT -> kernel.get("/api/v1/tenants/" + self.slug, key);
            case READ_OTHER_BY_ID -> kernel.get("/api/v1/tenants/" + other.id, key);
            case READ_OTHER_BY_SLUG -> kernel.get("/api/v1/tenants/" + other.slug, key);
            case LIST_OTHER_KEYS -> kernel.get("/api/v1/tenants/" + other.slug + "/api-keys", key);
            case CREATE_KEY_IN_OTHER -> kernel.post("/api/v1/tenants/" + other.id + "/api-keys", key, Map.of("name", "evil", "role", "tenant-admin"));
            case REVOKE_OTHER_KEY -> kernel.delete("/api/v1/tenants/" + other.slug + "/api-keys/" + anyOtherKeyId, key);
            case RENAME_OTHER -> kernel.patch("/api/v1/tenants/" + other.slug, key, Map.of("name", "hijacked"));
            case RENAME_OWN -> kernel.patch("/api/v1/tenants/" + self.slug, key, Map.of("name", "renamed " + self.slug));
            case CREATE_OWN_USER -> kernel.post("/api/v1/tenants/" + self.slug + "/users", key,
                                                Map.of("email", UUID.randomUUID() + "@example.com", "password", "a long enough password", "role", "tenant-user"));
            case LIST_OWN_USERS -> kernel.get("/api/v1/tenants/" + self.slug + "/users", key);
            case LIST_OTHER_USERS -> kernel.get("/api/v1/tenants/" + other.id + "/users", key);
            case CREATE_USER_IN_OTHER -> kernel.post("/api/v1/tenants/" + other.slug + "/users", key,
                                                     Map.of("email", "spy@example.com", "password", "a long enough password", "role", "tenant-admin"));
            case READ_OWN_AUDIT -> kernel.get("/api/v1/tenants/" + self.slug + "/audit", key);
            case READ_OTHER_AUDIT -> kernel.get("/api/v1/tenants/" + other.slug + "/audit", key);
            case EXPORT_OTHER_AUDIT -> kernel.get("/api/v1/tenants/" + other.id + "/audit/export?format=csv", key);
            case VERIFY_OTHER_AUDIT -> kernel.get("/api/v1/tenants/" + other.slug + "/audit/verify", key);
            case READ_PLATFORM_AUDIT -> kernel.get("/api/v1/audit", key);
        };
    }

    private static void assertNoTrace(HttpResult result, Party self, Party other) {
        // A problem may echo what the caller itself sent (the path it asked for); anything beyond that is a leak.
        String body = result.body();
        String requested = result.json().has("instance") ? result.json().get("instance").asText() : "";
        // Likewise the audit records of the caller's own refused attempts name the paths it asked for.
        body = body.replaceAll("\"target\":\"/api/v1/[^\"]*\"", "\"target\":\"<own request path>\"");
        for (String segment : requested.split("/")) {
            if (!segment.isEmpty()) {
                body = body.replace(segment, "<requested>");
            }
        }
        assertFalse(body.contains(other.id), "response reveals the other tenant's id: " + body);
        for (String keyId : other.keyIds) {
            assertFalse(body.contains(keyId), "response reveals the other tenant's key: " + body);
        }
        assertFalse(body.contains(other.slug), "response reveals the other tenant's slug: " + body);
    }

    @Property(tries = 20)
    void sqlWithAForgottenTenantFilterSeesOnlyTheScopedTenant(@ForAll("tenantChoice") boolean scopeToA) throws SQLException {
        int run = RUN.incrementAndGet();
        Party a = new Party("sql-a-" + run);
        Party b = new Party("sql-b-" + run);
        Party scoped = scopeToA ? a : b;
        Party other = scopeToA ? b : a;
        try (Connection c = kernel.appConnection()) {
            c.setAutoCommit(false);
            try (var s = c.prepareStatement("SELECT set_config('voicecore.scope', 'tenant', true), set_config('voicecore.tenant_id', ?, true)")) {
                s.setString(1, scoped.id);
                s.executeQuery().close();
            }
            // No WHERE tenant_id = ... anywhere below: row-level security must do the filtering.
            Set<String> tenantIdsSeen = new HashSet<>();
            try (var rs = c.createStatement().executeQuery("SELECT tenant_id FROM kernel.api_keys")) {
                while (rs.next()) {
                    tenantIdsSeen.add(rs.getString(1));
                }
            }
            assertEquals(Set.of(scoped.id), tenantIdsSeen);
            List<String> tenants = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT id FROM kernel.tenants")) {
                while (rs.next()) {
                    tenants.add(rs.getString(1));
                }
            }
            assertEquals(List.of(scoped.id), tenants);
            int updated = c.createStatement().executeUpdate("UPDATE kernel.api_keys SET name = 'mass-renamed'");
            assertEquals(scoped.keyIds.size(), updated, "an unfiltered UPDATE touches only the scoped tenant's rows");
            try (var insert = c.prepareStatement("INSERT INTO kernel.api_keys (id, tenant_id, name, role, prefix, secret_hash, created_by) "
                                                 + "VALUES (?, ?::uuid, 'planted', 'tenant-admin', 'x', ?, 'attacker')")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, other.id);
                insert.setBytes(3, UUID.randomUUID().toString().getBytes());
                SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, insert::executeUpdate);
                assertTrue(refused.getMessage().contains("row-level security"), refused.getMessage());
            }
            c.rollback();
        }
        try (Connection c = kernel.appConnection(); var rs = c.createStatement().executeQuery("SELECT count(*) FROM kernel.api_keys")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "with no tenant selected, the application role sees no rows at all");
        }
    }

    @Provide
    Arbitrary<Boolean> tenantChoice() {
        return Arbitraries.of(true, false);
    }
}
