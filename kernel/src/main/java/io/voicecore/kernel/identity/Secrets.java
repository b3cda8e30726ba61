package io.voicecore.kernel.identity;

import java.security.MessageDigest;
import java.security.SecureRandom;

import io.voicecore.kernel.crypto.Sha256;

/**
 * Generation and hashing of high-entropy bearer secrets (API keys, the admin token, recovery codes).
 * Such secrets are stored only as SHA-256 hashes: they carry far more entropy than a password, so a
 * fast hash is enough and keeps authentication cheap on every request.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Never updated itself, only cloned, so threads may share it. */
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Secrets() {
    }

    /** A random string of base62 characters; 32 characters carry about 190 bits. */
    public static String random(int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(text);
    }

    public static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    public static byte[] sha256(String secret) {
        return Sha256.digest(secret);
    }

    /** Compares in time independent of where the inputs differ. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
