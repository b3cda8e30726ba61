package io.voicecore.kernel.identity;

import io.voicecore.kernel.http.ApiException;

/** Signed, expiring session tokens ({@code vcs_...}) issued at login. */
public final class SessionService {
    public static final String PREFIX = "vcs_";

    public Principal authenticate(String token) {
        throw new ApiException.Unauthenticated("credentials-invalid", "Session tokens are not accepted yet.");
    }
}
