package io.voicecore.marketplace.signing;

/**
 * A certificate offered for registration was refused. The message names the problem and how to fix it, in words a
 * publisher can act on; {@link #reason()} says which rule failed.
 */
public final class CertificateRefusal extends RuntimeException {
    /** Why the certificate was refused. */
    public enum Reason {
        /** The text holds no PEM block, or a block that is not well formed. */
        NOT_PEM,
        /** The PEM block is something else (a private key, a certificate request) or its bytes are not X.509. */
        NOT_X509_CERTIFICATE,
        /** The text holds more than one certificate; each key is registered on its own. */
        SEVERAL_CERTIFICATES,
        /** The certificate's key is neither Ed25519, EC nor RSA. */
        UNSUPPORTED_KEY_ALGORITHM,
        /** The certificate's validity ended. */
        EXPIRED,
        /** The certificate's validity has not begun. */
        NOT_YET_VALID
    }

    private final Reason reason;

    CertificateRefusal(Reason reason, String message) {
        this(reason, message, null);
    }

    CertificateRefusal(Reason reason, String message, Throwable cause) {
        // A refusal is an answer to the publisher, not a fault: no stack trace to fill.
        super(message, cause, false, false);
        this.reason = reason;
    }

    /** Which rule the certificate failed. */
    public Reason reason() {
        return reason;
    }
}
