package io.voicecore.kernel.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoginTest {
    private static final String PASSWORD = "correct horse battery";
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
    void createsUsersWithoutEverShowingThePassword() throws SQLException {
        String tenantId = kernel.createTenant("users-co");
        HttpResult created = kernel.post("/api/v1/tenants/users-co/users", kernel.adminToken(),
                Map.of("email", "Ana@Example.com", "password", PASSWORD, "role", "tenant-admin", "displayName", "Ana"));
        assertEquals(201, created.status(), created.body());
        JsonNode user = created.json();
        assertEquals(List.of("id", "email", "role", "displayName", "status", "mfaEnabled", "createdAt"), fieldNames(user));
        assertEquals("Ana@Example.com", user.get("email").asText());
        assertEquals("tenant-admin", user.get("role").asText());
        assertEquals("Ana", user.get("displayName").asText());
        assertEquals("active", user.get("status").asText());
        assertFalse(user.get("mfaEnabled").asBoolean());
        assertNotNull(Instant.parse(user.get("createdAt").asText()));
        assertEquals("/api/v1/tenants/" + tenantId + "/users/" + user.get("id").asText(), created.header("Location"));
        assertFalse(created.body().contains(PASSWORD) || created.body().contains("argon2"));

        try (Connection db = kernel.ownerConnection()) {
            String hash = single(db, "SELECT password_hash FROM kernel.users WHERE id = ?::uuid", user.get("id").asText());
            assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
            String details = single(db, "SELECT details FROM kernel.audit_log WHERE action = 'user.create' AND target = ?",
                                    "user:" + user.get("id").asText());
            assertTrue(details.contains("Ana@Example.com") && !details.contains(PASSWORD), details);
        }

        HttpResult duplicate = kernel.post("/api/v1/tenants/users-co/users", kernel.adminToken(),
                                           Map.of("email", "ana@EXAMPLE.com", "password", PASSWORD, "role", "tenant-user"));
        assertEquals(409, duplicate.status(), duplicate.body());
        assertEquals("urn:voicecore:problem:user-email-taken", duplicate.json().get("type").asText());

        HttpResult shortPassword = kernel.post("/api/v1/tenants/users-co/users", kernel.adminToken(),
                                               Map.of("email", "bo@example.com", "password", "too-short-1", "role", "tenant-user"));
        assertEquals(422, shortPassword.status());
        assertEquals("password", shortPassword.json().get("errors").get(0).get("field").asText());
        assertFalse(shortPassword.body().contains("too-short-1"), "a problem never repeats the password");

        HttpResult badRole = kernel.post("/api/v1/tenants/users-co/users", kernel.adminToken(),
                                         Map.of("email", "bo@example.com", "password", PASSWORD, "role", "platform-admin"));
        assertEquals(422, badRole.status());
        assertEquals("role", badRole.json().get("errors").get(0).get("field").asText());
    }

    @Test
    void onlyTenantAdministratorsManageUsers() {
        kernel.createTenant("managed-co");
        kernel.createTenant("other-co");
        String userKey = kernel.createApiKey("managed-co", "tenant-user");
        Map<String, String> newUser = Map.of("email", "new@example.com", "password", PASSWORD, "role", "tenant-user");
        assertEquals(403, kernel.post("/api/v1/tenants/managed-co/users", userKey, newUser).status());
        assertEquals(403, kernel.get("/api/v1/tenants/managed-co/users", userKey).status());

        kernel.createUser("managed-co", "admin@managed.example", PASSWORD, "tenant-admin");
        String adminSession = kernel.login("managed-co", "admin@managed.example", PASSWORD);
        assertEquals(201, kernel.post("/api/v1/tenants/managed-co/users", adminSession, newUser).status());

        kernel.createUser("other-co", "admin@other.example", PASSWORD, "tenant-admin");
        String otherAdmin = kernel.login("other-co", "admin@other.example", PASSWORD);
        assertEquals(404, kernel.get("/api/v1/tenants/managed-co/users", otherAdmin).status(),
                     "another tenant's administrator cannot even see the tenant");
    }

    @Test
    void listsUsersPageByPage() {
        kernel.createTenant("list-co");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(kernel.createUser("list-co", "user" + i + "@list.example", PASSWORD, "tenant-user"));
        }
        List<String> listed = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            HttpResult page = kernel.get("/api/v1/tenants/list-co/users?limit=2" + (next == null ? "" : "&cursor=" + next),
                                         kernel.adminToken());
            assertEquals(200, page.status(), page.body());
            page.json().get("items").forEach(item -> {
                listed.add(item.get("id").asText());
                assertFalse(item.has("passwordHash") || item.has("password"));
            });
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        } while (next != null);
        assertEquals(created, listed);
        assertEquals(3, pages);
    }

    @Test
    void loginIssuesASessionTokenThatAuthenticates() throws SQLException {
        String tenantId = kernel.createTenant("session-co");
        String userId = kernel.createUser("session-co", "ana@session.example", PASSWORD, "tenant-user");

        HttpResult login = kernel.post("/api/v1/auth/login", null,
                                       Map.of("tenant", "session-co", "email", "ANA@session.example", "password", PASSWORD));
        assertEquals(200, login.status(), login.body());
        String token = login.json().get("token").asText();
        assertTrue(token.startsWith("vcs_"));
        assertFalse(login.json().get("mfaEnrollmentRequired").asBoolean());
        Instant expiresAt = Instant.parse(login.json().get("expiresAt").asText());
        assertTrue(expiresAt.isAfter(Instant.now().plusSeconds(11 * 3600)), "default TTL is 12 hours: " + expiresAt);

        JsonNode claims = claims(token);
        assertEquals(userId, claims.get("uid").asText());
        assertEquals(tenantId, claims.get("tid").asText());
        assertEquals("tenant-user", claims.get("role").asText());
        assertEquals(expiresAt.getEpochSecond(), claims.get("exp").asLong());
        assertTrue(claims.get("mfa").asBoolean());

        HttpResult me = kernel.get("/api/v1/me", token);
        assertEquals(200, me.status(), me.body());
        assertEquals("user:" + userId, me.json().get("actorId").asText());
        assertEquals("tenant-user", me.json().get("role").asText());
        assertEquals(tenantId, me.json().get("tenantId").asText());
        assertFalse(me.json().get("mfaPending").asBoolean());
        assertEquals("session", me.json().get("credentialKind").asText());

        assertEquals(200, kernel.post("/api/v1/auth/login", null,
                                      Map.of("tenant", tenantId, "email", "ana@session.example", "password", PASSWORD)).status(),
                     "the tenant may be named by id too");

        HttpResult admin = kernel.get("/api/v1/me", kernel.adminToken());
        assertEquals("admin-token", admin.json().get("credentialKind").asText());
        assertTrue(admin.json().get("tenantId").isNull());
        assertEquals("api-key", kernel.get("/api/v1/me", kernel.createApiKey("session-co", "tenant-user"))
                .json().get("credentialKind").asText());

        try (Connection db = kernel.ownerConnection()) {
            assertEquals("2", single(db, "SELECT count(*) FROM kernel.sessions WHERE user_id = ?::uuid", userId));
            assertEquals("2", single(db, "SELECT count(*) FROM kernel.audit_log WHERE action = 'session.login' AND actor = ?",
                                     "user:" + userId));
        }
    }

    @Test
    void forgedOrTamperedTokensAreRefused() {
        kernel.createTenant("forge-co");
        kernel.createUser("forge-co", "user@forge.example", PASSWORD, "tenant-user");
        String token = kernel.login("forge-co", "user@forge.example", PASSWORD);
        String body = token.substring(4, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);

        ObjectNode claims = (ObjectNode) claims(token);
        claims.put("role", "tenant-admin");
        String escalated = "vcs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(claims)) + "." + signature;
        String noSignature = "vcs_" + body + ".";
        String otherSignature = "vcs_" + body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        for (String forged : List.of(escalated, noSignature, otherSignature, "vcs_garbage", "vcs_a.b.c")) {
            HttpResult result = kernel.get("/api/v1/me", forged);
            assertEquals(401, result.status(), forged);
            assertEquals("urn:voicecore:problem:credentials-invalid", result.json().get("type").asText());
        }
        assertEquals(200, kernel.get("/api/v1/me", token).status());
    }

    @Test
    void everyKindOfFailedLoginAnswersTheSame() {
        kernel.createTenant("alike-co");
        kernel.createUser("alike-co", "known@alike.example", PASSWORD, "tenant-user");
        String disabledId = kernel.createUser("alike-co", "disabled@alike.example", PASSWORD, "tenant-user");
        assertEquals(200, kernel.patch("/api/v1/tenants/alike-co/users/" + disabledId, kernel.adminToken(),
                                       Map.of("status", "disabled")).status());

        List<Map<String, String>> attempts = List.of(
                Map.of("tenant", "alike-co", "email", "known@alike.example", "password", "wrong password here"),
                Map.of("tenant", "alike-co", "email", "unknown@alike.example", "password", PASSWORD),
                Map.of("tenant", "no-such-tenant", "email", "known@alike.example", "password", PASSWORD),
                Map.of("tenant", "alike-co", "email", "disabled@alike.example", "password", PASSWORD));
        JsonNode first = null;
        for (Map<String, String> attempt : attempts) {
            HttpResult result = kernel.post("/api/v1/auth/login", null, attempt);
            assertEquals(401, result.status(), attempt + " -> " + result);
            assertEquals("application/problem+json", result.contentType());
            ObjectNode shape = (ObjectNode) result.json();
            shape.remove("requestId");
            if (first == null) {
                first = shape;
                assertEquals("urn:voicecore:problem:login-failed", shape.get("type").asText());
            } else {
                assertEquals(first, shape, "answer for " + attempt);
            }
        }
    }

    @Test
    void pausesLoginsAfterTenFailures() {
        kernel.createTenant("lock-co");
        kernel.createUser("lock-co", "target@lock.example", PASSWORD, "tenant-user");
        kernel.createUser("lock-co", "bystander@lock.example", PASSWORD, "tenant-user");
        Map<String, String> wrong = Map.of("tenant", "lock-co", "email", "target@lock.example", "password", "not the password");
        for (int i = 1; i <= 10; i++) {
            assertEquals(401, kernel.post("/api/v1/auth/login", null, wrong).status(), "failure " + i);
        }
        HttpResult eleventh = kernel.post("/api/v1/auth/login", null, wrong);
        assertEquals(429, eleventh.status(), eleventh.body());
        long retryAfter = Long.parseLong(eleventh.header("Retry-After"));
        assertTrue(retryAfter > 800 && retryAfter <= 900, "Retry-After " + retryAfter);

        HttpResult right = kernel.post("/api/v1/auth/login", null,
                                       Map.of("tenant", "lock-co", "email", "target@lock.example", "password", PASSWORD));
        assertEquals(429, right.status(), "while paused, even the right password is refused");
        assertNotNull(right.header("Retry-After"));
        HttpResult byId = kernel.post("/api/v1/auth/login", null, Map.of("tenant", kernel.get("/api/v1/tenants/lock-co",
                kernel.adminToken()).json().get("id").asText(), "email", "TARGET@lock.example", "password", PASSWORD));
        assertEquals(429, byId.status(), "naming the tenant by id or the email in other case counts the same");
        kernel.login("lock-co", "bystander@lock.example", PASSWORD);
    }

    @Test
    void logoutEndsTheSession() throws SQLException {
        kernel.createTenant("logout-co");
        String userId = kernel.createUser("logout-co", "user@logout.example", PASSWORD, "tenant-user");
        String token = kernel.login("logout-co", "user@logout.example", PASSWORD);
        String other = kernel.login("logout-co", "user@logout.example", PASSWORD);
        assertEquals(200, kernel.get("/api/v1/me", token).status());

        assertEquals(204, kernel.post("/api/v1/auth/logout", token, "{}").status());
        HttpResult after = kernel.get("/api/v1/me", token);
        assertEquals(401, after.status());
        assertEquals("urn:voicecore:problem:credentials-revoked", after.json().get("type").asText());
        assertEquals(200, kernel.get("/api/v1/me", other).status(), "other sessions of the user stay valid");

        assertEquals(403, kernel.post("/api/v1/auth/logout", kernel.adminToken(), "{}").status(),
                     "the admin token is not a session");
        try (Connection db = kernel.ownerConnection()) {
            assertEquals("1", single(db, "SELECT count(*) FROM kernel.audit_log WHERE action = 'session.logout' AND actor = ?",
                                     "user:" + userId));
        }
    }

    @Test
    void disablingAUserRevokesItsSessionsAtOnce() {
        kernel.createTenant("disable-co");
        String userId = kernel.createUser("disable-co", "user@disable.example", PASSWORD, "tenant-user");
        String token = kernel.login("disable-co", "user@disable.example", PASSWORD);
        assertEquals(200, kernel.get("/api/v1/me", token).status(), "also caches the session's standing");

        HttpResult disabled = kernel.patch("/api/v1/tenants/disable-co/users/" + userId, kernel.adminToken(),
                                           Map.of("status", "disabled"));
        assertEquals(200, disabled.status(), disabled.body());
        assertEquals("disabled", disabled.json().get("status").asText());
        HttpResult rejected = kernel.get("/api/v1/me", token);
        assertEquals(401, rejected.status());
        assertEquals("urn:voicecore:problem:credentials-revoked", rejected.json().get("type").asText());
        assertEquals(401, kernel.post("/api/v1/auth/login", null,
                                      Map.of("tenant", "disable-co", "email", "user@disable.example", "password", PASSWORD)).status());

        assertEquals(200, kernel.patch("/api/v1/tenants/disable-co/users/" + userId, kernel.adminToken(),
                                       Map.of("status", "active")).status());
        assertEquals(401, kernel.get("/api/v1/me", token).status(), "re-enabling does not revive old sessions");
        assertEquals(200, kernel.get("/api/v1/me", kernel.login("disable-co", "user@disable.example", PASSWORD)).status());
    }

    @Test
    void roleChangesEndSessionsAndNobodyChangesTheirOwnRole() {
        kernel.createTenant("role-co");
        String adminId = kernel.createUser("role-co", "admin@role.example", PASSWORD, "tenant-admin");
        String userId = kernel.createUser("role-co", "user@role.example", PASSWORD, "tenant-admin");
        String admin = kernel.login("role-co", "admin@role.example", PASSWORD);
        String user = kernel.login("role-co", "user@role.example", PASSWORD);
        assertEquals(200, kernel.get("/api/v1/tenants/role-co/users", user).status());

        HttpResult demoted = kernel.patch("/api/v1/tenants/role-co/users/" + userId, admin,
                                          Map.of("role", "tenant-user", "displayName", "Demoted"));
        assertEquals(200, demoted.status(), demoted.body());
        assertEquals("tenant-user", demoted.json().get("role").asText());
        assertEquals("Demoted", demoted.json().get("displayName").asText());
        assertEquals(401, kernel.get("/api/v1/tenants/role-co/users", user).status(), "the old admin token is gone");
        String relogged = kernel.login("role-co", "user@role.example", PASSWORD);
        assertEquals(403, kernel.get("/api/v1/tenants/role-co/users", relogged).status());

        HttpResult self = kernel.patch("/api/v1/tenants/role-co/users/" + adminId, admin, Map.of("status", "disabled"));
        assertEquals(403, self.status());
        assertEquals("urn:voicecore:problem:self-change-refused", self.json().get("type").asText());
        assertEquals(200, kernel.patch("/api/v1/tenants/role-co/users/" + adminId, admin, Map.of("displayName", "Me")).status());
        assertEquals(404, kernel.patch("/api/v1/tenants/role-co/users/" + UUID.randomUUID(), admin,
                                       Map.of("displayName", "Ghost")).status());
        assertEquals(422, kernel.patch("/api/v1/tenants/role-co/users/" + userId, admin, Map.of("status", "gone")).status());
    }

    @Test
    void aSuspendedTenantRefusesLoginsOnlyAfterCorrectCredentials() {
        kernel.createTenant("suspended-co");
        kernel.createUser("suspended-co", "user@suspended.example", PASSWORD, "tenant-user");
        String token = kernel.login("suspended-co", "user@suspended.example", PASSWORD);
        assertEquals(200, kernel.patch("/api/v1/tenants/suspended-co", kernel.adminToken(), Map.of("status", "suspended")).status());

        HttpResult right = kernel.post("/api/v1/auth/login", null,
                                       Map.of("tenant", "suspended-co", "email", "user@suspended.example", "password", PASSWORD));
        assertEquals(403, right.status(), right.body());
        assertEquals("urn:voicecore:problem:tenant-suspended", right.json().get("type").asText());
        HttpResult wrong = kernel.post("/api/v1/auth/login", null, Map.of("tenant", "suspended-co", "email",
                                                                          "user@suspended.example", "password", "wrong password!"));
        assertEquals(401, wrong.status(), "a wrong password does not learn that the tenant is suspended");
        // The session's standing was not cached yet, so the suspension applies to it at once.
        assertEquals(403, kernel.get("/api/v1/me", token).status());
    }

    @Test
    void loginValidatesItsBody() {
        HttpResult missing = kernel.post("/api/v1/auth/login", null, Map.of("tenant", "x", "email", "a@b.example"));
        assertEquals(422, missing.status());
        assertEquals("password", missing.json().get("errors").get(0).get("field").asText());
        HttpResult unknown = kernel.post("/api/v1/auth/login", null,
                                         Map.of("tenant", "x", "email", "a@b.example", "password", PASSWORD, "remember", "yes"));
        assertEquals(422, unknown.status());
    }

    @Test
    void tokensExpireAfterTheConfiguredTtl() throws InterruptedException {
        try (TestKernel shortLived = TestKernel.builder().set("session.ttl", "1s").start()) {
            shortLived.createTenant("ttl-co");
            shortLived.createUser("ttl-co", "user@ttl.example", PASSWORD, "tenant-user");
            String token = shortLived.login("ttl-co", "user@ttl.example", PASSWORD);
            JsonNode claims = claims(token);
            long lifetime = claims.get("exp").asLong() - claims.get("iat").asLong();
            assertTrue(lifetime >= 1 && lifetime <= 2, "lifetime " + lifetime);
            Thread.sleep(2_500);
            HttpResult expired = shortLived.get("/api/v1/me", token);
            assertEquals(401, expired.status());
            assertEquals("urn:voicecore:problem:credentials-expired", expired.json().get("type").asText());
            assertTrue(expired.json().get("detail").asText().contains("/api/v1/auth/login"));
        }
    }

    @Test
    void everyNodeOverTheSameDatabaseSharesTheSigningKey() {
        kernel.createTenant("nodes-co");
        kernel.createUser("nodes-co", "user@nodes.example", PASSWORD, "tenant-user");
        String token = kernel.login("nodes-co", "user@nodes.example", PASSWORD);
        try (TestKernel secondNode = TestKernel.builder().database(kernel.jdbcUrl()).adminToken(kernel.adminToken()).start()) {
            assertEquals(200, secondNode.get("/api/v1/me", token).status(), "a token from one node works on another");
            String fromSecond = secondNode.login("nodes-co", "user@nodes.example", PASSWORD);
            assertEquals(200, kernel.get("/api/v1/me", fromSecond).status());
        }
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        ConfigException refused = assertThrows(ConfigException.class, () -> TestKernel.builder().database(kernel.jdbcUrl())
                .set("master-key", Base64.getEncoder().encodeToString(otherKey)).start());
        assertTrue(refused.getMessage().contains("master-key"), refused.getMessage());
    }

    static JsonNode claims(String token) {
        String body = token.substring(4, token.indexOf('.'));
        return Json.parse(Base64.getUrlDecoder().decode(body.getBytes(StandardCharsets.US_ASCII)));
    }

    static String single(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next(), "no row for " + sql);
                return rows.getString(1);
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
