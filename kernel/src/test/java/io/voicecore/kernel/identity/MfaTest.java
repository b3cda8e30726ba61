package io.voicecore.kernel.identity;

import static io.voicecore.kernel.identity.LoginTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MfaTest {
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

    /** A user who enrolled and activated TOTP: the seed as the app would hold it and the recovery codes. */
    private record Enrolled(String token, byte[] seed, List<String> recoveryCodes) {
    }

    @Test
    void enrollsActivatesAndThenRequiresACodeAtLogin() throws SQLException {
        kernel.createTenant("totp-co");
        String userId = kernel.createUser("totp-co", "ana@totp.example", PASSWORD, "tenant-user");
        String token = kernel.login("totp-co", "ana@totp.example", PASSWORD);

        HttpResult enrollment = kernel.post("/api/v1/me/mfa/totp", token, "{}");
        assertEquals(200, enrollment.status(), enrollment.body());
        String secret = enrollment.json().get("secret").asText();
        assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
        assertEquals("otpauth://totp/VoiceCore:ana@totp.example?secret=" + secret
                     + "&issuer=VoiceCore&algorithm=SHA1&digits=6&period=30", enrollment.json().get("otpauthUri").asText());
        byte[] seed = Base32.decode(secret);
        try (Connection db = kernel.ownerConnection()) {
            String stored = single(db, "SELECT encode(totp_secret, 'hex') FROM kernel.users WHERE id = ?::uuid", userId);
            assertFalse(stored.contains(java.util.HexFormat.of().formatHex(seed)), "the seed is stored encrypted");
            assertEquals("f", single(db, "SELECT totp_enabled FROM kernel.users WHERE id = ?::uuid", userId));
        }
        assertEquals(200, login("totp-co", "ana@totp.example", Map.of()).status(), "not enforced before activation");

        long step = Totp.DEFAULT.timeStep(Instant.now());
        HttpResult wrong = kernel.post("/api/v1/me/mfa/totp/activate", token, Map.of("code", code(seed, step - 5)));
        assertEquals(422, wrong.status(), wrong.body());
        String activationCode = code(seed, step);
        HttpResult activated = kernel.post("/api/v1/me/mfa/totp/activate", token, Map.of("code", activationCode));
        assertEquals(200, activated.status(), activated.body());
        List<String> recoveryCodes = new ArrayList<>();
        activated.json().get("recoveryCodes").forEach(c -> recoveryCodes.add(c.asText()));
        assertEquals(10, recoveryCodes.size());
        assertEquals(10, new HashSet<>(recoveryCodes).size());
        recoveryCodes.forEach(c -> assertTrue(c.matches("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"), c));
        assertEquals(409, kernel.post("/api/v1/me/mfa/totp", token, "{}").status(), "already enabled");

        HttpResult missing = login("totp-co", "ana@totp.example", Map.of());
        assertEquals(401, missing.status());
        assertEquals("urn:voicecore:problem:mfa-required", missing.json().get("type").asText());
        String detail = missing.json().get("detail").asText();
        assertTrue(detail.contains("'totp'") && detail.contains("'recoveryCode'"), detail);

        HttpResult replayed = login("totp-co", "ana@totp.example", Map.of("totp", activationCode));
        assertEquals(401, replayed.status(), "the code used for activation cannot be used again");
        assertEquals("urn:voicecore:problem:mfa-invalid", replayed.json().get("type").asText());

        String nextCode = code(seed, Totp.DEFAULT.timeStep(Instant.now()) + 1);
        HttpResult withCode = login("totp-co", "ana@totp.example", Map.of("totp", nextCode));
        assertEquals(200, withCode.status(), withCode.body());
        assertTrue(LoginTest.claims(withCode.json().get("token").asText()).get("mfa").asBoolean());
        assertEquals(401, login("totp-co", "ana@totp.example", Map.of("totp", nextCode)).status(), "each code works once");

        assertTrue(kernel.get("/api/v1/tenants/totp-co/users/" + userId, kernel.adminToken()).json().get("mfaEnabled").asBoolean());
        try (Connection db = kernel.ownerConnection()) {
            assertEquals("10", single(db, "SELECT count(*) FROM kernel.recovery_codes WHERE user_id = ?::uuid", userId));
            assertEquals("1", single(db, "SELECT count(*) FROM kernel.audit_log WHERE action = 'mfa.enroll' AND actor = ?",
                                     "user:" + userId));
            String details = single(db, "SELECT details FROM kernel.audit_log WHERE action = 'mfa.activate' AND actor = ?",
                                    "user:" + userId);
            assertFalse(details.contains(recoveryCodes.get(0)) || details.contains(secret), details);
        }
    }

    @Test
    void eachRecoveryCodeWorksOnce() throws SQLException {
        kernel.createTenant("recovery-co");
        String userId = kernel.createUser("recovery-co", "bob@recovery.example", PASSWORD, "tenant-user");
        Enrolled bob = enroll("recovery-co", "bob@recovery.example");

        HttpResult first = login("recovery-co", "bob@recovery.example", Map.of("recoveryCode", bob.recoveryCodes().get(0)));
        assertEquals(200, first.status(), first.body());
        HttpResult again = login("recovery-co", "bob@recovery.example", Map.of("recoveryCode", bob.recoveryCodes().get(0)));
        assertEquals(401, again.status());
        assertEquals("urn:voicecore:problem:mfa-invalid", again.json().get("type").asText());

        String typedDifferently = bob.recoveryCodes().get(1).replace("-", "").toUpperCase(Locale.ROOT);
        assertEquals(200, login("recovery-co", "bob@recovery.example", Map.of("recoveryCode", typedDifferently)).status());
        assertEquals(401, login("recovery-co", "bob@recovery.example", Map.of("recoveryCode", "aaaa-bbbb-cccc")).status());
        try (Connection db = kernel.ownerConnection()) {
            assertEquals("2", single(db, "SELECT count(*) FROM kernel.audit_log WHERE action = 'mfa.recovery-code-used' AND actor = ?",
                                     "user:" + userId));
            assertEquals("8", single(db, "SELECT count(*) FROM kernel.recovery_codes WHERE user_id = ?::uuid AND used_at IS NULL",
                                     userId));
        }
    }

    @Test
    void disablingNeedsACurrentCodeOrARecoveryCode() throws SQLException {
        kernel.createTenant("disable-mfa-co");
        String userId = kernel.createUser("disable-mfa-co", "cid@disable.example", PASSWORD, "tenant-user");
        Enrolled cid = enroll("disable-mfa-co", "cid@disable.example");

        HttpResult wrong = kernel.send("/api/v1/me/mfa/totp", "DELETE", cid.token(), "application/json",
                                       "{\"code\":\"" + code(cid.seed(), Totp.DEFAULT.timeStep(Instant.now()) - 5) + "\"}");
        assertEquals(422, wrong.status(), wrong.body());
        HttpResult disabled = kernel.send("/api/v1/me/mfa/totp", "DELETE", cid.token(), "application/json",
                                          "{\"code\":\"" + cid.recoveryCodes().get(3) + "\"}");
        assertEquals(204, disabled.status(), disabled.body());
        assertEquals(200, login("disable-mfa-co", "cid@disable.example", Map.of()).status(), "no code needed any more");
        assertEquals(409, kernel.send("/api/v1/me/mfa/totp", "DELETE", cid.token(), "application/json",
                                      "{\"code\":\"123456\"}").status(), "not enabled any more");
        try (Connection db = kernel.ownerConnection()) {
            assertEquals("0", single(db, "SELECT count(*) FROM kernel.recovery_codes WHERE user_id = ?::uuid", userId));
            assertEquals("1", single(db, "SELECT count(*) FROM kernel.audit_log WHERE action = 'mfa.disable' AND actor = ?",
                                     "user:" + userId));
        }
    }

    @Test
    void aTenantThatRequiresMfaMakesNewUsersEnrollFirst() {
        HttpResult tenant = kernel.post("/api/v1/tenants", kernel.adminToken(),
                                        Map.of("name", "Strict", "slug", "strict-co", "mfaRequired", true));
        assertEquals(201, tenant.status(), tenant.body());
        kernel.createUser("strict-co", "dan@strict.example", PASSWORD, "tenant-admin");

        HttpResult login = login("strict-co", "dan@strict.example", Map.of());
        assertEquals(200, login.status(), login.body());
        assertTrue(login.json().get("mfaEnrollmentRequired").asBoolean());
        String pending = login.json().get("token").asText();
        HttpResult me = kernel.get("/api/v1/me", pending);
        assertEquals(200, me.status(), me.body());
        assertTrue(me.json().get("mfaPending").asBoolean());
        HttpResult blocked = kernel.get("/api/v1/tenants/strict-co/users", pending);
        assertEquals(403, blocked.status());
        assertEquals("urn:voicecore:problem:mfa-enrollment-required", blocked.json().get("type").asText());

        HttpResult enrollment = kernel.post("/api/v1/me/mfa/totp", pending, "{}");
        assertEquals(200, enrollment.status(), enrollment.body());
        byte[] seed = Base32.decode(enrollment.json().get("secret").asText());
        HttpResult activated = kernel.post("/api/v1/me/mfa/totp/activate", pending,
                                           Map.of("code", code(seed, Totp.DEFAULT.timeStep(Instant.now()))));
        assertEquals(200, activated.status(), activated.body());
        assertEquals(403, kernel.get("/api/v1/tenants/strict-co/users", pending).status(),
                     "the enrollment session stays limited; a login with a code gives full access");

        assertEquals(401, login("strict-co", "dan@strict.example", Map.of()).status());
        HttpResult full = login("strict-co", "dan@strict.example",
                                Map.of("totp", code(seed, Totp.DEFAULT.timeStep(Instant.now()) + 1)));
        assertEquals(200, full.status(), full.body());
        assertFalse(full.json().get("mfaEnrollmentRequired").asBoolean());
        String token = full.json().get("token").asText();
        assertEquals(200, kernel.get("/api/v1/tenants/strict-co/users", token).status());
        assertFalse(kernel.get("/api/v1/me", token).json().get("mfaPending").asBoolean());

        HttpResult refused = kernel.send("/api/v1/me/mfa/totp", "DELETE", token, "application/json",
                                         "{\"code\":\"" + activated.json().get("recoveryCodes").get(0).asText() + "\"}");
        assertEquals(409, refused.status(), refused.body());
        assertEquals("urn:voicecore:problem:mfa-required-by-tenant", refused.json().get("type").asText());
    }

    @Test
    void onlySessionsOfUsersHaveAnAuthenticator() {
        kernel.createTenant("keys-only-co");
        String key = kernel.createApiKey("keys-only-co", "tenant-admin");
        HttpResult result = kernel.post("/api/v1/me/mfa/totp", key, "{}");
        assertEquals(403, result.status());
        assertEquals("urn:voicecore:problem:session-required", result.json().get("type").asText());
        assertEquals(403, kernel.post("/api/v1/me/mfa/totp", kernel.adminToken(), "{}").status());
    }

    @Test
    void wrongActivationCodesAreLimited() {
        kernel.createTenant("guess-co");
        kernel.createUser("guess-co", "eve@guess.example", PASSWORD, "tenant-user");
        String token = kernel.login("guess-co", "eve@guess.example", PASSWORD);
        HttpResult enrollment = kernel.post("/api/v1/me/mfa/totp", token, "{}");
        byte[] seed = Base32.decode(enrollment.json().get("secret").asText());
        String wrongCode = code(seed, Totp.DEFAULT.timeStep(Instant.now()) - 10);
        for (int i = 1; i <= 10; i++) {
            assertEquals(422, kernel.post("/api/v1/me/mfa/totp/activate", token, Map.of("code", wrongCode)).status(), "try " + i);
        }
        HttpResult limited = kernel.post("/api/v1/me/mfa/totp/activate", token, Map.of("code", wrongCode));
        assertEquals(429, limited.status());
        assertTrue(Long.parseLong(limited.header("Retry-After")) > 0);
        HttpResult evenRight = kernel.post("/api/v1/me/mfa/totp/activate", token,
                                           Map.of("code", code(seed, Totp.DEFAULT.timeStep(Instant.now()))));
        assertEquals(429, evenRight.status(), "guessing is paused, whatever the code");
    }

    private Enrolled enroll(String tenant, String email) {
        String token = kernel.login(tenant, email, PASSWORD);
        HttpResult enrollment = kernel.post("/api/v1/me/mfa/totp", token, "{}");
        assertEquals(200, enrollment.status(), enrollment.body());
        byte[] seed = Base32.decode(enrollment.json().get("secret").asText());
        HttpResult activated = kernel.post("/api/v1/me/mfa/totp/activate", token,
                                           Map.of("code", code(seed, Totp.DEFAULT.timeStep(Instant.now()))));
        assertEquals(200, activated.status(), activated.body());
        List<String> codes = new ArrayList<>();
        activated.json().get("recoveryCodes").forEach(c -> codes.add(c.asText()));
        return new Enrolled(token, seed, codes);
    }

    private static HttpResult login(String tenant, String email, Map<String, String> extra) {
        Map<String, String> body = new HashMap<>(extra);
        body.put("tenant", tenant);
        body.put("email", email);
        body.put("password", PASSWORD);
        return kernel.post("/api/v1/auth/login", null, body);
    }

    private static String code(byte[] seed, long step) {
        return Totp.DEFAULT.code(seed, step);
    }
}
