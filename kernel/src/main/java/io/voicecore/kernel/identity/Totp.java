package io.voicecore.kernel.identity;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238, over HOTP of RFC 4226).
 *
 * <p>{@link #verify} accepts the code of the current time step and of one step either side, to
 * tolerate clock drift and typing time, and refuses any step at or before the last one accepted
 * for the user, so an observed code cannot be replayed.
 */
public final class Totp {
    /** What authenticator apps use unless told otherwise: HMAC-SHA1, 6 digits, 30 s. */
    public static final Totp DEFAULT = new Totp(Algorithm.SHA1, 6, Duration.ofSeconds(30));
    /** Seed length for new enrollments: 160 bits, the HMAC-SHA1 block-size recommendation of RFC 4226. */
    public static final int SEED_BYTES = 20;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The HMAC behind the codes, named as in otpauth URIs. */
    public enum Algorithm {
        SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

        private final String macName;

        Algorithm(String macName) {
            this.macName = macName;
        }
    }

    private final Algorithm algorithm;
    private final int digits;
    private final long periodSeconds;

    public Totp(Algorithm algorithm, int digits, Duration period) {
        if (digits != 6 && digits != 8) {
            throw new IllegalArgumentException("TOTP codes have 6 or 8 digits, not " + digits);
        }
        if (period.toSeconds() < 1) {
            throw new IllegalArgumentException("the TOTP period must be at least one second");
        }
        this.algorithm = algorithm;
        this.digits = digits;
        this.periodSeconds = period.toSeconds();
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public int digits() {
        return digits;
    }

    public long periodSeconds() {
        return periodSeconds;
    }

    /**
     * The {@code otpauth://totp/...} URI that authenticator apps read (usually from a QR code).
     *
     * @param issuer  the service name shown in the app, e.g. {@code VoiceCore}
     * @param account the account name shown in the app, e.g. the user's email
     */
    public String otpauthUri(String issuer, String account, byte[] seed) {
        return "otpauth://totp/" + uriEncode(issuer) + ":" + uriEncode(account) + "?secret=" + Base32.encode(seed, false)
               + "&issuer=" + uriEncode(issuer) + "&algorithm=" + algorithm.name() + "&digits=" + digits
               + "&period=" + periodSeconds;
    }

    private static String uriEncode(String text) {
        // URLEncoder writes form encoding; a URI path wants %20 for a space, and '@' is fine as it is.
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    /** The time step a moment falls in: whole periods since the Unix epoch. */
    public long timeStep(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), periodSeconds);
    }

    /** The code for one time step, zero-padded to {@link #digits()}. */
    public String code(byte[] seed, long timeStep) {
        byte[] hmac;
        try {
            Mac mac = Mac.getInstance(algorithm.macName);
            mac.init(new SecretKeySpec(seed, algorithm.macName));
            hmac = mac.doFinal(ByteBuffer.allocate(8).putLong(timeStep).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.macName + " is not available in this JDK", e);
        }
        // Dynamic truncation (RFC 4226 section 5.3).
        int offset = hmac[hmac.length - 1] & 0x0F;
        int binary = ((hmac[offset] & 0x7F) << 24) | ((hmac[offset + 1] & 0xFF) << 16)
                     | ((hmac[offset + 2] & 0xFF) << 8) | (hmac[offset + 3] & 0xFF);
        String code = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - code.length()) + code;
    }

    /**
     * Checks a code against the steps around {@code now}.
     *
     * @param lastAcceptedStep the step of the last code accepted for this seed; it and earlier steps are refused
     * @return the matched time step, to be stored as the new last accepted step; empty when the code is
     *         wrong, outside the window or a replay
     */
    public OptionalLong verify(byte[] seed, String code, Instant now, long lastAcceptedStep) {
        if (code == null || code.length() != digits || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = timeStep(now);
        byte[] offered = code.getBytes(StandardCharsets.US_ASCII);
        OptionalLong matched = OptionalLong.empty();
        // Every step of the window is computed, so timing does not reveal which one matched.
        for (long step = current - 1; step <= current + 1; step++) {
            boolean equal = MessageDigest.isEqual(offered, code(seed, step).getBytes(StandardCharsets.US_ASCII));
            if (equal && step > lastAcceptedStep && matched.isEmpty()) {
                matched = OptionalLong.of(step);
            }
        }
        return matched;
    }
}
