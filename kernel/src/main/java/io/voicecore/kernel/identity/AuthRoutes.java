package io.voicecore.kernel.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;

/** Login and logout ({@code /api/v1/auth}) and who the caller is ({@code GET /api/v1/me}). */
public final class AuthRoutes {
    // Generous, but bounded: the login endpoint is public, and the password goes through Argon2.
    private static final int MAX_PASSWORD_CHARS = 1024;

    private final LoginService logins;

    public AuthRoutes(LoginService logins) {
        this.logins = logins;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/auth/login", Access.PUBLIC, this::login)
                .post("/api/v1/auth/logout", Access.MFA_ENROLLMENT, this::logout)
                .get("/api/v1/me", Access.MFA_ENROLLMENT, this::me);
    }

    private ApiReply login(ApiRequest request) {
        JsonFields body = request.jsonObject().allowOnly(Set.of("tenant", "email", "password", "totp", "recoveryCode"));
        String tenant = body.requiredString("tenant");
        String email = body.requiredString("email");
        String password = body.requiredSecret("password", MAX_PASSWORD_CHARS);
        Optional<String> totp = body.optionalString("totp");
        Optional<String> recoveryCode = body.optionalString("recoveryCode");
        body.validate();
        LoginService.Result result = logins.login(new LoginService.Attempt(tenant, email, password, totp, recoveryCode));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("token", result.session().token());
        v.put("expiresAt", result.session().expiresAt());
        v.put("mfaEnrollmentRequired", result.mfaEnrollmentRequired());
        return ApiReply.ok(v);
    }

    private ApiReply logout(ApiRequest request) {
        logins.logout(request.principal());
        return ApiReply.noContent();
    }

    private ApiReply me(ApiRequest request) {
        Principal principal = request.principal();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("actorId", principal.actorId());
        v.put("role", principal.role().wireName());
        v.put("tenantId", principal.tenantId().orElse(null));
        v.put("mfaPending", principal.mfaPending());
        v.put("credentialKind", credentialKind(principal));
        return ApiReply.ok(v);
    }

    /** {@code session}, {@code api-key} or {@code admin-token}. */
    static String credentialKind(Principal principal) {
        String id = principal.credentialId();
        if (id.startsWith(SessionService.CREDENTIAL_PREFIX)) {
            return "session";
        }
        return id.startsWith("api-key:") ? "api-key" : "admin-token";
    }
}
