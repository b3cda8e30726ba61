package io.voicecore.kernel.plugins.install;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.voicecore.kernel.crypto.SecretBox;

/**
 * The kernel's own record that a plugin version's jar passed bytecode verification: the jar's sha256 and the
 * verifier's fingerprint, sealed under the master key ({@link SecretBox}) for that plugin version. Kept with the
 * version, it lets a start-up load an installed jar without verifying it again, as long as the bytes and the
 * verifier are the same. Someone who can write the database but does not hold the master key cannot make a seal
 * vouch for other bytes, another version or other rules: such a jar is verified again.
 */
public final class VerificationSeals {
    private final SecretBox box;

    public VerificationSeals(SecretBox box) {
        this.box = box;
    }

    /** A seal saying that the jar with {@code sha256} of the version passed under {@code fingerprint}. */
    byte[] seal(String pluginId, String version, String sha256, String fingerprint) {
        return box.seal(statement(sha256, fingerprint), context(pluginId, version));
    }

    /**
     * Whether {@code seal} was made by this kernel's master key for this version, these bytes and this fingerprint.
     * A missing seal, one made under other rules or for other bytes, or one that does not open, vouches for nothing.
     */
    boolean vouches(Optional<byte[]> seal, String pluginId, String version, String sha256, String fingerprint) {
        if (seal.isEmpty()) {
            return false;
        }
        try {
            return MessageDigest.isEqual(box.open(seal.get(), context(pluginId, version)), statement(sha256, fingerprint));
        } catch (SecretBox.OpenFailed e) {
            return false;
        }
    }

    private static byte[] statement(String sha256, String fingerprint) {
        return ("verified jar " + sha256 + " under " + fingerprint).getBytes(StandardCharsets.UTF_8);
    }

    private static String context(String pluginId, String version) {
        return "plugin-verification:" + pluginId + "@" + version;
    }
}
