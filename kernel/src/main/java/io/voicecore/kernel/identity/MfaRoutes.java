package io.voicecore.kernel.identity;

import java.util.Map;
import java.util.Set;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;

/**
 * {@code /api/v1/me/mfa/totp}: a logged-in user's own TOTP authenticator. Enrolling and activating
 * are open to sessions that still have to enroll; disabling needs a fully authenticated session.
 */
public final class MfaRoutes {
    private final MfaService mfa;

    public MfaRoutes(MfaService mfa) {
        this.mfa = mfa;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/me/mfa/totp", Access.MFA_ENROLLMENT, this::enroll)
                .post("/api/v1/me/mfa/totp/activate", Access.MFA_ENROLLMENT, this::activate)
                .delete("/api/v1/me/mfa/totp", Access.AUTHENTICATED, this::disable);
    }

    private ApiReply enroll(ApiRequest request) {
        MfaService.Enrollment enrollment = mfa.enroll(request.principal());
        return ApiReply.ok(Map.of("secret", enrollment.secret(), "otpauthUri", enrollment.otpauthUri(),
                                  "next", "Add the secret to an authenticator app, then send its current code to "
                                          + "POST /api/v1/me/mfa/totp/activate."));
    }

    private ApiReply activate(ApiRequest request) {
        String code = readCode(request);
        return ApiReply.ok(Map.of("recoveryCodes", mfa.activate(request.principal(), code),
                                  "note", "Store these recovery codes now: each works once in place of an authenticator "
                                          + "code, and they are shown only this time."));
    }

    private ApiReply disable(ApiRequest request) {
        mfa.disable(request.principal(), readCode(request));
        return ApiReply.noContent();
    }

    private static String readCode(ApiRequest request) {
        JsonFields body = request.jsonObject().allowOnly(Set.of("code"));
        String code = body.requiredString("code");
        body.validate();
        return code;
    }
}
