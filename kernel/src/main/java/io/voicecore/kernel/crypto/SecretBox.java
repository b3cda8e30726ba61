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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Encrypts small secrets at rest (TOTP seeds, the session signing key, plugin secrets) with AES-256-GCM
 * under the platform master key.
 *
 * <p>A sealed box is {@code version (1 byte) | key id (1 byte) | nonce (12 bytes) | ciphertext + tag}.
 * Each box is bound to a {@code context} (additional authenticated data, e.g. {@code totp-seed:<user id>}),
 * so a box copied from one row to another does not open.
 *
 * <p><b>Key rotation.</b> A box holds the current key ({@code master-key}) and any number of previous keys
 * ({@code master-key.previous}); it seals under the current key and opens boxes of any key it holds.
 * With a single key, boxes carry key id {@value #KEY_ID}, exactly as before rotation existed. Once previous
 * keys are configured, every key is known by an id derived from the key itself ({@link #MIN_DERIVED_KEY_ID}
 * to 255), so a key keeps its id whichever position it is configured in and after older keys are dropped;
 * boxes with id {@value #KEY_ID} are tried against every key, current first. The authenticated header makes
 * trying safe: a box opens only under the key that sealed it.
 */
public final class SecretBox {
    /** Name of the generated key file inside the data directory. */
    public static final String KEY_FILE = "master.key";
    static final byte VERSION = 1;
    /** The key id of boxes sealed by a box holding one key only (and of every box sealed before rotation). */
    static final byte KEY_ID = 1;
    /** Smallest id derived from a key; ids below it are reserved. */
    static final int MIN_DERIVED_KEY_ID = 2;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 2 + NONCE_BYTES;
    private static final String PREVIOUS_KEYS = "master-key.previous";
    private static final Logger LOG = Logger.getLogger(SecretBox.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec currentKey;
    private final byte currentKeyId;
    /** Every key by its derived id, the current one included. */
    private final Map<Byte, SecretKeySpec> keysById;
    /** Every key, current first: the candidates for a box with id {@link #KEY_ID}. */
    private final List<SecretKeySpec> keysInTrialOrder;

    private SecretBox(byte[] current, List<byte[]> previous) {
        List<byte[]> all = new ArrayList<>();
        all.add(current);
        all.addAll(previous);
        Map<Byte, SecretKeySpec> byId = new LinkedHashMap<>();
        List<SecretKeySpec> trialOrder = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            byte[] key = all.get(i);
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
            }
            for (int j = 0; j < i; j++) {
                if (MessageDigest.isEqual(key, all.get(j))) {
                    throw new ConfigException(describe(i) + " is the same key as " + describe(j) + "; list every key once");
                }
            }
            SecretKeySpec spec = new SecretKeySpec(key, "AES");
            byte id = derivedKeyId(key);
            SecretKeySpec clash = byId.putIfAbsent(id, spec);
            if (clash != null) {
                int other = trialOrder.indexOf(clash);
                throw new ConfigException(describe(i) + " and " + describe(other) + " have the same key id " + Byte.toUnsignedInt(id)
                                          + " (a one-byte fingerprint of the key); generate a different new master-key, "
                                          + "e.g. with 'openssl rand -base64 32'");
            }
            trialOrder.add(spec);
        }
        this.currentKey = trialOrder.get(0);
        // A lone key keeps writing the original id, so a kernel that never rotated writes exactly what it always did.
        this.currentKeyId = previous.isEmpty() ? KEY_ID : derivedKeyId(current);
        this.keysById = Map.copyOf(byId);
        this.keysInTrialOrder = List.copyOf(trialOrder);
    }

    /** A box whose key exists only in memory; for tests that need a box without a data directory. */
    public static SecretBox ofKey(byte[] key) {
        return new SecretBox(key, List.of());
    }

    /**
     * A box with a current key and older keys it still opens; keys exist only in memory.
     *
     * @throws ConfigException when two keys are equal or share a key id
     */
    public static SecretBox ofKeys(byte[] current, List<byte[]> previous) {
        return new SecretBox(current, previous);
    }

    /**
     * The master key from configuration ({@code master-key}, base64 of 32 bytes) or, when none is
     * configured, from {@code <data dir>/master.key}, generating that file on the first start.
     *
     * @throws ConfigException when the configured key or the key file is unusable
     */
    public static SecretBox establish(Optional<String> configuredKey, Path dataDir) {
        return establish(configuredKey, List.of(), dataDir);
    }

    /**
     * Like {@link #establish(Optional, Path)}, also holding previous keys (configuration key
     * {@code master-key.previous}, base64 keys) so that values sealed under them still open.
     *
     * @throws ConfigException when a key is unusable, repeated, or two keys share a key id
     */
    public static SecretBox establish(Optional<String> configuredKey, List<String> previousKeys, Path dataDir) {
        List<byte[]> previous = new ArrayList<>();
        for (int i = 0; i < previousKeys.size(); i++) {
            previous.add(decodeKey(previousKeys.get(i), "entry " + (i + 1) + " of configuration key " + PREVIOUS_KEYS
                                                        + " (environment variable " + ConfigLoader.environmentName(PREVIOUS_KEYS) + ")"));
        }
        if (configuredKey.isPresent()) {
            byte[] current = decodeKey(configuredKey.get(), "configuration key master-key (environment variable "
                                                            + ConfigLoader.environmentName("master-key") + ")");
            try {
                return new SecretBox(current, previous);
            } finally {
                wipe(current, previous);
            }
        }
        Path file = dataDir.resolve(KEY_FILE);
        boolean generated = createKeyFileIfMissing(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("the master key file " + file + " cannot be read: " + e.getMessage());
        }
        byte[] current = decodeKey(text, "the master key file " + file);
        SecretBox box;
        try {
            box = new SecretBox(current, previous);
        } finally {
            wipe(current, previous);
        }
        LOG.warning((generated ? "No master-key is configured, so a new one was generated in " : "No master-key is configured; using the key in ")
                    + file + ". Keep that file safe and private. A multi-node deployment must configure the same master-key "
                    + "(environment variable " + ConfigLoader.environmentName("master-key") + ") on every node.");
        return box;
    }

    /** The id written into boxes sealed now (1 to 255). */
    public int currentKeyId() {
        return Byte.toUnsignedInt(currentKeyId);
    }

    /**
     * The key id a sealed value carries (1 to 255), without opening it.
     *
     * @throws OpenFailed when the value is too short to be a secret box
     */
    public static int keyIdOf(byte[] box) {
        if (box.length < HEADER_BYTES + TAG_BITS / 8) {
            throw new OpenFailed("the sealed value is too short to be a secret box");
        }
        return Byte.toUnsignedInt(box[1]);
    }

    /**
     * Opens a box and seals its content again under the current key, for the same context.
     *
     * @throws OpenFailed when the box does not open
     */
    public byte[] reseal(byte[] box, String context) {
        byte[] plaintext = open(box, context);
        try {
            return seal(plaintext, context);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Encrypts {@code plaintext}; the result opens only with the same key and the same context. */
    public byte[] seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, currentKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(VERSION, currentKeyId, context));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length).put(VERSION).put(currentKeyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /**
     * Decrypts a box made by {@link #seal}, under whichever of this box's keys sealed it.
     *
     * @throws OpenFailed when the box was altered, sealed under a key this box does not hold or for another context
     */
    public byte[] open(byte[] box, String context) {
        keyIdOf(box);
        if (box[0] != VERSION) {
            throw new OpenFailed("the sealed value has format version " + box[0] + "; this kernel reads version " + VERSION);
        }
        List<SecretKeySpec> candidates;
        if (box[1] == KEY_ID) {
            candidates = keysInTrialOrder;
        } else {
            SecretKeySpec key = keysById.get(box[1]);
            if (key == null) {
                throw new OpenFailed("the sealed value was encrypted under master key id " + Byte.toUnsignedInt(box[1])
                                     + ", which this kernel does not have (it has key ids " + knownKeyIds()
                                     + "); configure the key it was sealed with in " + PREVIOUS_KEYS);
            }
            candidates = List.of(key);
        }
        for (SecretKeySpec key : candidates) {
            Optional<byte[]> plaintext = tryOpen(key, box, context);
            if (plaintext.isPresent()) {
                return plaintext.get();
            }
        }
        throw new OpenFailed("the sealed value does not authenticate: it was altered, or sealed under a different "
                             + "master key or for a different purpose");
    }

    private static Optional<byte[]> tryOpen(SecretKeySpec key, byte[] box, String context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 2, NONCE_BYTES));
            cipher.updateAAD(associatedData(box[0], box[1], context));
            return Optional.of(cipher.doFinal(box, HEADER_BYTES, box.length - HEADER_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    private List<Integer> knownKeyIds() {
        List<Integer> ids = new ArrayList<>();
        ids.add(Byte.toUnsignedInt(KEY_ID));
        keysById.keySet().stream().map(Byte::toUnsignedInt).sorted().forEach(ids::add);
        return ids;
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

    /** A one-byte fingerprint of the key, {@link #MIN_DERIVED_KEY_ID} to 255; reveals nothing useful about the key. */
    static byte derivedKeyId(byte[] key) {
        MessageDigest sha = Sha256.newDigest();
        sha.update("voicecore master key id".getBytes(StandardCharsets.US_ASCII));
        byte[] digest = sha.digest(key);
        return (byte) (MIN_DERIVED_KEY_ID + Byte.toUnsignedInt(digest[0]) % (256 - MIN_DERIVED_KEY_ID));
    }

    /** The key specs hold their own copies; the decoded arrays are not kept around. */
    private static void wipe(byte[] current, List<byte[]> previous) {
        Arrays.fill(current, (byte) 0);
        previous.forEach(key -> Arrays.fill(key, (byte) 0));
    }

    private static String describe(int keyIndex) {
        return keyIndex == 0 ? "master-key" : "entry " + keyIndex + " of " + PREVIOUS_KEYS;
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
