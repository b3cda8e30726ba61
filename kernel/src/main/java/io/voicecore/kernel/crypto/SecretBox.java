package io.voicecore.kernel.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;

/**
 * Encrypts small secrets at rest (TOTP seeds, the session signing key) with AES-256-GCM under the
 * platform master key.
 *
 * <p>A sealed box is {@code version (1 byte) | key id (1 byte) | nonce (12 bytes) | ciphertext + tag}.
 * The key id lets a later key rotation keep opening boxes sealed under an older key. Each box is
 * bound to a {@code context} (additional authenticated data, e.g. {@code totp-seed:<user id>}), so a
 * box copied from one row to another does not open.
 */
public final class SecretBox {
    /** Name of the generated key file inside the data directory. */
    public static final String KEY_FILE = "master.key";
    static final byte VERSION = 1;
    static final byte KEY_ID = 1;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 2 + NONCE_BYTES;
    private static final Logger LOG = Logger.getLogger(SecretBox.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte keyId;

    SecretBox(byte keyId, byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
        }
        this.keyId = keyId;
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A box whose key exists only in memory; for tests that need a box without a data directory. */
    public static SecretBox ofKey(byte[] key) {
        return new SecretBox(KEY_ID, key);
    }

    /**
     * The master key from configuration ({@code master-key}, base64 of 32 bytes) or, when none is
     * configured, from {@code <data dir>/master.key}, generating that file on the first start.
     *
     * @throws ConfigException when the configured key or the key file is unusable
     */
    public static SecretBox establish(Optional<String> configuredKey, Path dataDir) {
        if (configuredKey.isPresent()) {
            return new SecretBox(KEY_ID, decodeKey(configuredKey.get(), "configuration key master-key (environment variable "
                                                                        + ConfigLoader.environmentName("master-key") + ")"));
        }
        Path file = dataDir.resolve(KEY_FILE);
        boolean generated = createKeyFileIfMissing(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("the master key file " + file + " cannot be read: " + e.getMessage());
        }
        SecretBox box = new SecretBox(KEY_ID, decodeKey(text, "the master key file " + file));
        LOG.warning((generated ? "No master-key is configured, so a new one was generated in " : "No master-key is configured; using the key in ")
                    + file + ". Keep that file safe and private. A multi-node deployment must configure the same master-key "
                    + "(environment variable " + ConfigLoader.environmentName("master-key") + ") on every node.");
        return box;
    }

    /** Encrypts {@code plaintext}; the result opens only with the same key and the same context. */
    public byte[] seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(VERSION, keyId, context));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length).put(VERSION).put(keyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /**
     * Decrypts a box made by {@link #seal}.
     *
     * @throws OpenFailed when the box was altered, sealed under another key or for another context
     */
    public byte[] open(byte[] box, String context) {
        if (box.length < HEADER_BYTES + TAG_BITS / 8) {
            throw new OpenFailed("the sealed value is too short to be a secret box");
        }
        if (box[0] != VERSION) {
            throw new OpenFailed("the sealed value has format version " + box[0] + "; this kernel reads version " + VERSION);
        }
        if (box[1] != keyId) {
            throw new OpenFailed("the sealed value was encrypted under master key id " + box[1]
                                 + ", which this kernel does not have (it has key id " + keyId + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 2, NONCE_BYTES));
            cipher.updateAAD(associatedData(box[0], box[1], context));
            return cipher.doFinal(box, HEADER_BYTES, box.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new OpenFailed("the sealed value does not authenticate: it was altered, or sealed under a different "
                                 + "master key or for a different purpose");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** A sealed value could not be opened; the message says why and never contains key material. */
    public static final class OpenFailed extends RuntimeException {
        public OpenFailed(String message) {
            super(message);
        }
    }

    // The header is authenticated too, so a changed version or key id byte is detected.
    private static byte[] associatedData(byte version, byte keyId, String context) {
        byte[] text = context.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).put(version).put(keyId).put(text).array();
    }

    private static byte[] decodeKey(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + " is not valid base64; it must be the base64 encoding of 32 random bytes, "
                                      + "e.g. the output of 'openssl rand -base64 32'");
        }
        if (key.length != KEY_BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw new ConfigException(source + " decodes to " + length + " bytes; it must be the base64 encoding of exactly "
                                      + KEY_BYTES + " random bytes, e.g. the output of 'openssl rand -base64 32'");
        }
        return key;
    }

    /** Creates the key file readable by its owner only; returns whether it was created now. */
    private static boolean createKeyFileIfMissing(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        String text = Base64.getEncoder().encodeToString(key) + "\n";
        Arrays.fill(key, (byte) 0);
        try {
            Files.createDirectories(file.getParent());
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            FileAttribute<?>[] ownerOnly = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))}
                    : new FileAttribute<?>[0];
            // Written to a private temporary file first, so a crash never leaves a half-written key behind.
            Path temporary = Files.createTempFile(file.getParent(), ".master", ".tmp", ownerOnly);
            try {
                Files.writeString(temporary, text, StandardCharsets.US_ASCII);
                Files.move(temporary, file);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first; use theirs.
                Files.deleteIfExists(temporary);
                return false;
            } finally {
                Files.deleteIfExists(temporary);
            }
            return true;
        } catch (IOException e) {
            throw new ConfigException("no master-key is configured and the master key file " + file + " could not be created ("
                                      + e.getMessage() + "); make the data directory writable or configure master-key");
        }
    }
}
