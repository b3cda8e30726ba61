package io.voicecore.kernel.http;

import io.voicecore.kernel.identity.Principal;

/** Turns a bearer token into a principal, or throws {@link ApiException.Unauthenticated}. */
@FunctionalInterface
public interface Authenticator {
    Principal authenticate(String bearerToken);
}
