package io.voicecore.marketplace.licence;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * The marketplace's Ed25519 key pairs and their text form: base64 (standard alphabet, padded) of the DER encoding,
 * X.509 {@code SubjectPublicKeyInfo} for a public key and PKCS#8 for a private one, the same bytes a PEM file holds
 * between its header lines. The public key's text is what a kernel node is configured with; the private key's stays
 * with the marketplace.
 */
public final class LicenceKeys {
    static final String ALGORITHM = "Ed25519";

    private LicenceKeys() {
    }

    /** A new Ed25519 key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("this JDK has no Ed25519", missing);
        }
    }

    /**
     * The public key as base64 of its X.509 DER encoding.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 key
     */
    public static String encode(PublicKey key) {
        requireEd25519(key);
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * The private key as base64 of its PKCS#8 DER encoding.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 key
     */
    public static String encode(PrivateKey key) {
        requireEd25519(key);
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * The public key written by {@link #encode(PublicKey)}; surrounding white space is ignored.
     *
     * @throws IllegalArgumentException when the text is not base64 of an Ed25519 X.509 public key
     */
    public static PublicKey decodePublicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(bytes(base64)));
        } catch (GeneralSecurityException unusable) {
            throw new IllegalArgumentException("not an Ed25519 public key (base64 of X.509 DER): " + unusable.getMessage(),
                                               unusable);
        }
    }

    /**
     * The private key written by {@link #encode(PrivateKey)}; surrounding white space is ignored.
     *
     * @throws IllegalArgumentException when the text is not base64 of an Ed25519 PKCS#8 private key
     */
    public static PrivateKey decodePrivateKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(bytes(base64)));
        } catch (GeneralSecurityException unusable) {
            // The message of a PKCS#8 failure never holds key material, only what was wrong with the structure.
            throw new IllegalArgumentException("not an Ed25519 private key (base64 of PKCS#8 DER): " + unusable.getMessage(),
                                               unusable);
        }
    }

    /** Throws unless the key is an Ed25519 public key; asks the provider, so keys of any provider are judged alike. */
    static void requireEd25519(PublicKey key) {
        Objects.requireNonNull(key, "key");
        try {
            Signature.getInstance(ALGORITHM).initVerify(key);
        } catch (InvalidKeyException notEd25519) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm(), notEd25519);
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("this JDK has no Ed25519", missing);
        }
    }

    /** Throws unless the key is an Ed25519 private key. */
    static void requireEd25519(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        try {
            Signature.getInstance(ALGORITHM).initSign(key);
        } catch (InvalidKeyException notEd25519) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm(), notEd25519);
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("this JDK has no Ed25519", missing);
        }
    }

    private static byte[] bytes(String base64) {
        Objects.requireNonNull(base64, "base64");
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("not base64: " + notBase64.getMessage(), notBase64);
        }
    }
}
