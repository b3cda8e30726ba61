package io.voicecore.kernel.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the kernel's one digest: of credentials, audit records, plugin jars and verifier fingerprints. */
public final class Sha256 {
    private static final MessageDigest PROTOTYPE = newDigest();

    private Sha256() {
    }

    /** A fresh digest to feed in parts. */
    public static MessageDigest newDigest() {
        if (PROTOTYPE != null) {
            try {
                // Cloning skips the provider look-up of getInstance, which costs more than hashing a key (every request).
                return (MessageDigest) PROTOTYPE.clone();
            } catch (CloneNotSupportedException e) {
                // fall through to a look-up
            }
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static byte[] digest(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    /** The digest of the text's UTF-8 bytes. */
    public static byte[] digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest in lower-case hex, as stored next to plugin jars and in audit records. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest(bytes));
    }

    public static String hex(String text) {
        return HexFormat.of().formatHex(digest(text));
    }
}
