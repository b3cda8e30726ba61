package io.voicecore.kernel.http;

import io.voicecore.kernel.access.Principal;


/** Turns a bearer token into a principal, or throws {@link ApiException.Unauthenticated}. */
@FunctionalInterface
public interface Authenticator {
    Principal authenticate(String bearerToken);

    /**
     * Whether the credential behind a principal this authenticator made still stands: an API key not revoked, a
     * session not ended (logged out, expired, its user disabled or changed), its tenant not suspended. What outlives
     * one request on a credential (a stream ticket, an open stream) asks again; the answer may be a few seconds old
     * on another node, never older than a revocation made on this one.
     */
    default boolean stands(Principal principal) {
        return true;
    }
}
