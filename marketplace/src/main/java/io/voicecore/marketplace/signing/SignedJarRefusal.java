package io.voicecore.marketplace.signing;

import java.util.Optional;

/**
 * A submitted jar was refused by {@link SignedJarCheck}. The message says what is wrong and how to fix it, naming
 * the entry where one is at fault; {@link #reason()} says which rule failed.
 */
public final class SignedJarRefusal extends RuntimeException {
    /** Why the jar was refused. */
    public enum Reason {
        /** The jar carries no signature at all. */
        UNSIGNED,
        /**
         * The jar carries a signature that the JDK accepts for none of its entries: made with an algorithm the JDK
         * disables (such as MD5 or SHA-1), or its manifest or signature files changed after signing.
         */
        SIGNATURE_NOT_ACCEPTED,
        /** The jar is signed, but by no certificate registered (and not revoked) for the publisher. */
        UNKNOWN_KEY,
        /** An entry is not covered by the signature, e.g. a class added after signing. */
        PARTLY_SIGNED,
        /** The jar changed after signing: an entry no longer matches its signed digest, or a signed entry is gone. */
        TAMPERED,
        /** Entries are signed by more than one signer; a jar has exactly one. */
        SEVERAL_SIGNERS,
        /** The bytes are not a readable jar, or one larger than the marketplace checks. */
        MALFORMED
    }

    private final Reason reason;
    private final String entry;

    SignedJarRefusal(Reason reason, String entry, String message, Throwable cause) {
        // A refusal is an answer to the publisher, not a fault: no stack trace to fill.
        super(message, cause, false, false);
        this.reason = reason;
        this.entry = entry;
    }

    static SignedJarRefusal of(Reason reason, String message) {
        return new SignedJarRefusal(reason, null, message, null);
    }

    static SignedJarRefusal atEntry(Reason reason, String entry, String message) {
        return new SignedJarRefusal(reason, entry, message, null);
    }

    /** Which rule the jar failed. */
    public Reason reason() {
        return reason;
    }

    /** The entry at fault (the first one, when several are), if the refusal is about one. */
    public Optional<String> entry() {
        return Optional.ofNullable(entry);
    }
}
