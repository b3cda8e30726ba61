package io.voicecore.kernel.http;

import io.voicecore.kernel.access.Principal;


/** Turns a bearer token into a principal, or throws {@link ApiException.Unauthenticated}. */
@FunctionalInterface
public interface Authenticator {
    Principal authenticate(String bearerToken);
}
