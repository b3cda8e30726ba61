package io.voicecore.marketplace.licence;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The text form of a licence token: {@code vcl1.<payload>.<signature>}, both parts base64url without padding, the
 * signature Ed25519 over the ASCII bytes of {@code vcl1.<payload>}.
 */
final class TokenFormat {
    /** The version prefix, dot included. */
    static final String PREFIX = "vcl1.";
    /** Longest token read at all; the longest a {@link Licence} can produce has 2,407. */
    static final int MAX_LENGTH = 4096;
    /** An Ed25519 signature's length in bytes. */
    static final int SIGNATURE_LENGTH = 64;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private TokenFormat() {
    }

    /** What the signature is computed over: the prefix and the encoded payload. */
    static String signedPart(byte[] payload) {
        return PREFIX + ENCODER.encodeToString(payload);
    }

    static String token(String signedPart, byte[] signature) {
        return signedPart + '.' + ENCODER.encodeToString(signature);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The bytes of a base64url part, or empty unless it is the one canonical encoding of them: the JDK's decoder
     * accepts padding and ignores the unused low bits of the last character, so several texts decode to the same
     * bytes; only the text the encoder itself writes is accepted, which keeps every change to a token visible.
     */
    static Optional<byte[]> decodePart(String part) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(part);
        } catch (IllegalArgumentException notBase64url) {
            return Optional.empty();
        }
        return ENCODER.encodeToString(bytes).equals(part) ? Optional.of(bytes) : Optional.empty();
    }
}
