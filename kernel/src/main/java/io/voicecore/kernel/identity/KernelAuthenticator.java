package io.voicecore.kernel.identity;

import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Authenticator;

/**
 * Recognises the three kinds of bearer credential by their prefix: API keys ({@code vck_}),
 * session tokens ({@code vcs_}), and otherwise the platform admin token.
 */
public final class KernelAuthenticator implements Authenticator {
    private final AdminToken adminToken;
    private final ApiKeyService apiKeys;
    private final SessionService sessions;

    public KernelAuthenticator(AdminToken adminToken, ApiKeyService apiKeys, SessionService sessions) {
        this.adminToken = adminToken;
        this.apiKeys = apiKeys;
        this.sessions = sessions;
    }

    @Override
    public Principal authenticate(String token) {
        if (token.isEmpty() || token.length() > 4096) {
            throw invalid();
        }
        if (token.startsWith(ApiKeyService.PREFIX)) {
            return apiKeys.authenticate(token);
        }
        if (token.startsWith(SessionService.PREFIX)) {
            return sessions.authenticate(token);
        }
        if (adminToken.matches(token)) {
            return AdminToken.principal();
        }
        throw invalid();
    }

    /** The admin token stands while the configuration names it; keys and sessions are looked up (cached briefly). */
    @Override
    public boolean stands(Principal principal) {
        String credential = principal.credentialId();
        if (credential.startsWith(ApiKeyService.CREDENTIAL_PREFIX)) {
            return apiKeys.stands(UUID.fromString(credential.substring(ApiKeyService.CREDENTIAL_PREFIX.length())));
        }
        return SessionService.sessionOf(principal).map(sessions::stands).orElse(true);
    }

    private static ApiException.Unauthenticated invalid() {
        return new ApiException.Unauthenticated("credentials-invalid",
                "The bearer token is not a valid API key, session token or admin token.");
    }
}
