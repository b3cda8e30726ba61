package io.voicecore.kernel.http;

/** Who may reach a route at all; finer rules (role, tenant) are the handler's. */
public enum Access {
    /** No credentials needed (login); rate-limited by client address. */
    PUBLIC,
    /** Any valid credential whose MFA is satisfied. */
    AUTHENTICATED,
    /** Any valid credential, including a session that must still enroll in MFA. */
    MFA_ENROLLMENT
}
