package io.voicecore.kernel.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.LogCapture;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/**
 * Runs the flows that handle secrets with every log level switched on and checks that no secret
 * reaches any log line, whatever logger wrote it.
 */
class SecretsStayOutOfLogsTest {
    private static final String PASSWORD = "a password nobody may log";

    /** Keeps every record, rendered the way a console handler would, including stack traces. */
    @Test
    void noSecretAppearsInAnyLogLine() {
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> lines;
        try (LogCapture capture = LogCapture.everything(); TestKernel kernel = TestKernel.start()) {
            secrets.put("admin token", kernel.adminToken());
            secrets.put("master key", TestKernel.MASTER_KEY);
            secrets.putAll(exerciseSecretHandlingFlows(kernel));
            lines = capture.lines();
        }
        assertTrue(lines.stream().anyMatch(line -> line.contains("/api/v1/auth/login")),
                   "the capture must see the access log, or this test proves nothing");
        assertTrue(lines.size() > 100, "every level is captured, so there are many lines: " + lines.size());
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            for (String line : lines) {
                assertFalse(line.contains(secret.getValue()), "the " + secret.getKey() + " appears in the log line: " + line);
            }
        }
    }

    /** Creates a user, logs in, enrolls in MFA, uses a recovery code and creates an API key; returns every secret seen. */
    private static Map<String, String> exerciseSecretHandlingFlows(TestKernel kernel) {
        Map<String, String> secrets = new HashMap<>();
        secrets.put("password", PASSWORD);
        kernel.createTenant("quiet-co");
        kernel.createUser("quiet-co", "ana@quiet.example", PASSWORD, "tenant-admin");
        assertEquals(422, kernel.post("/api/v1/tenants/quiet-co/users", kernel.adminToken(),
                                      Map.of("email", "bo@quiet.example", "password", "shortsecret", "role", "tenant-user")).status());
        secrets.put("rejected password", "shortsecret");
        assertEquals(401, kernel.post("/api/v1/auth/login", null, Map.of("tenant", "quiet-co", "email", "ana@quiet.example",
                                                                        "password", "wrong but secret password")).status());
        secrets.put("wrong password", "wrong but secret password");

        String token = kernel.login("quiet-co", "ana@quiet.example", PASSWORD);
        secrets.put("session token", token);
        secrets.put("session signature", token.substring(token.indexOf('.') + 1));
        assertEquals(200, kernel.get("/api/v1/me", token).status());

        HttpResult enrollment = kernel.post("/api/v1/me/mfa/totp", token, "{}");
        assertEquals(200, enrollment.status(), enrollment.body());
        String secret = enrollment.json().get("secret").asText();
        secrets.put("TOTP seed", secret);
        byte[] seed = Base32.decode(secret);
        String code = Totp.DEFAULT.code(seed, Totp.DEFAULT.timeStep(Instant.now()));
        HttpResult activated = kernel.post("/api/v1/me/mfa/totp/activate", token, Map.of("code", code));
        assertEquals(200, activated.status(), activated.body());
        for (int i = 0; i < activated.json().get("recoveryCodes").size(); i++) {
            secrets.put("recovery code " + i, activated.json().get("recoveryCodes").get(i).asText());
        }

        HttpResult withRecovery = kernel.post("/api/v1/auth/login", null, Map.of("tenant", "quiet-co", "email", "ana@quiet.example",
                "password", PASSWORD, "recoveryCode", activated.json().get("recoveryCodes").get(0).asText()));
        assertEquals(200, withRecovery.status(), withRecovery.body());
        secrets.put("second session token", withRecovery.json().get("token").asText());
        assertEquals(401, kernel.post("/api/v1/auth/login", null, Map.of("tenant", "quiet-co", "email", "ana@quiet.example",
                "password", PASSWORD, "recoveryCode", activated.json().get("recoveryCodes").get(0).asText())).status());

        HttpResult key = kernel.post("/api/v1/tenants/quiet-co/api-keys", token, Map.of("name", "integration", "role", "tenant-user"));
        assertEquals(201, key.status(), key.body());
        secrets.put("API key secret", key.json().get("secret").asText());
        assertEquals(200, kernel.get("/api/v1/me", key.json().get("secret").asText()).status());
        assertEquals(204, kernel.post("/api/v1/auth/logout", token, "{}").status());
        return secrets;
    }
}
