package io.voicecore.marketplace.licence;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import io.voicecore.marketplace.licence.Verdict.Invalid.Reason;

/**
 * A kernel node's side: judges licence tokens with the marketplace's public keys alone, cheaply enough for every
 * plugin call. Thread-safe.
 *
 * <p>The trusted keys are fixed at construction, by key id; to rotate, the marketplace signs new licences with a new
 * key id while nodes trust both the old and the new key until the old licences are gone, then nodes are given a
 * verifier without the old key. Fixed keys are also what lets verified tokens be remembered: a token seen again
 * (kept are about the last {@value #DEFAULT_CACHE_SIZE} by default) skips decoding and the signature check, while
 * its verdict is still judged anew against the clock.
 *
 * <p>{@link #verify(String)} never throws for any token, whoever made it: whatever is wrong with it is an
 * {@link Verdict.Invalid}.
 */
public final class LicenceVerifier {
    /** How many verified tokens a verifier keeps by default. */
    public static final int DEFAULT_CACHE_SIZE = 4096;
    /** The longest grace period a verifier accepts. */
    public static final Duration MAX_GRACE = Duration.ofDays(365);

    private static final Pattern VERSION = Pattern.compile("vcl[0-9]+");
    private static final Verdict TOO_LONG = new Verdict.Invalid(Reason.TOO_LONG);
    private static final Verdict MALFORMED = new Verdict.Invalid(Reason.MALFORMED);
    private static final Verdict UNSUPPORTED_VERSION = new Verdict.Invalid(Reason.UNSUPPORTED_VERSION);
    private static final Verdict UNREADABLE_PAYLOAD = new Verdict.Invalid(Reason.UNREADABLE_PAYLOAD);
    private static final Verdict UNKNOWN_KEY = new Verdict.Invalid(Reason.UNKNOWN_KEY);
    private static final Verdict BAD_SIGNATURE = new Verdict.Invalid(Reason.BAD_SIGNATURE);

    private final Map<String, PublicKey> trustedKeys;
    private final Clock clock;
    private final Duration grace;
    private final VerifiedTokens verified;
    private final LongAdder signatureChecks = new LongAdder();

    /**
     * A verifier trusting these keys, judging by this clock with this grace period.
     *
     * @param trustedKeys the marketplace's Ed25519 public keys by key id, at least one
     * @param clock       what "now" is for every verdict
     * @param grace       how long after expiry a licence is still {@link Verdict.InGrace}; zero for none, at most
     *                    {@link #MAX_GRACE}
     * @throws IllegalArgumentException when there is no key, a key id is malformed, a key is not Ed25519, or the
     *                                  grace period is negative or too long
     */
    public LicenceVerifier(Map<String, PublicKey> trustedKeys, Clock clock, Duration grace) {
        this(trustedKeys, clock, grace, DEFAULT_CACHE_SIZE);
    }

    /**
     * As {@link #LicenceVerifier(Map, Clock, Duration)}, keeping about {@code cacheSize} verified tokens: a node should
     * keep every licence it serves, since judging one anew costs an Ed25519 verification (about 0.6 ms).
     */
    public LicenceVerifier(Map<String, PublicKey> trustedKeys, Clock clock, Duration grace, int cacheSize) {
        Objects.requireNonNull(trustedKeys, "trustedKeys");
        if (trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("a verifier needs at least one trusted key");
        }
        trustedKeys.forEach((keyId, key) -> {
            Objects.requireNonNull(keyId, "key id");
            if (!Licence.KEY_ID.matcher(keyId).matches()) {
                throw new IllegalArgumentException("key id must match " + Licence.KEY_ID.pattern() + ": '" + keyId + "'");
            }
            LicenceKeys.requireEd25519(key);
        });
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("grace must lie between zero and " + MAX_GRACE + ": " + grace);
        }
        this.trustedKeys = Map.copyOf(trustedKeys);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.grace = grace;
        this.verified = new VerifiedTokens(cacheSize);
    }

    /**
     * Judges a token: {@link Verdict.Invalid} unless it is a well-formed {@code vcl1} token whose payload is a
     * licence's canonical JSON, signed by the trusted key its key id names; otherwise where the clock stands against
     * the licence's dates (see {@link Verdict}). Never throws.
     *
     * @param token the token, possibly null or anything at all
     */
    public Verdict verify(String token) {
        if (token == null || token.isEmpty()) {
            return MALFORMED;
        }
        // Before anything else, so no work is spent on an oversized string.
        if (token.length() > TokenFormat.MAX_LENGTH) {
            return TOO_LONG;
        }
        Licence known = verified.get(token);
        if (known != null) {
            return judge(known);
        }
        return check(token);
    }

    private Verdict check(String token) {
        if (!token.startsWith(TokenFormat.PREFIX)) {
            int dot = token.indexOf('.');
            return dot > 0 && VERSION.matcher(token.substring(0, dot)).matches() ? UNSUPPORTED_VERSION : MALFORMED;
        }
        int signatureDot = token.lastIndexOf('.');
        if (signatureDot < TokenFormat.PREFIX.length()) {
            return MALFORMED;
        }
        String payloadPart = token.substring(TokenFormat.PREFIX.length(), signatureDot);
        if (payloadPart.indexOf('.') >= 0) {
            return MALFORMED;
        }
        Optional<byte[]> payload = TokenFormat.decodePart(payloadPart);
        Optional<byte[]> signature = TokenFormat.decodePart(token.substring(signatureDot + 1));
        if (payload.isEmpty() || signature.isEmpty() || signature.get().length != TokenFormat.SIGNATURE_LENGTH) {
            return MALFORMED;
        }
        // The key id is inside the payload, so the payload is read before its signature is checked; it is short
        // (bounded by the token's length) and read with nesting limited to two levels.
        Optional<Licence> licence = LicencePayload.decode(payload.get());
        if (licence.isEmpty()) {
            return UNREADABLE_PAYLOAD;
        }
        PublicKey key = trustedKeys.get(licence.get().keyId());
        if (key == null) {
            return UNKNOWN_KEY;
        }
        if (!signatureVerifies(key, token.substring(0, signatureDot), signature.get())) {
            return BAD_SIGNATURE;
        }
        verified.put(token, licence.get());
        return judge(licence.get());
    }

    private boolean signatureVerifies(PublicKey key, String signedPart, byte[] signature) {
        signatureChecks.increment();
        try {
            Signature ed25519 = Signature.getInstance(LicenceKeys.ALGORITHM);
            ed25519.initVerify(key);
            ed25519.update(TokenFormat.ascii(signedPart));
            return ed25519.verify(signature);
        } catch (SignatureException unusable) {
            // The JDK throws rather than answers false for some malformed signatures, e.g. S not below the group order.
            return false;
        } catch (GeneralSecurityException broken) {
            // The keys were checked at construction: this is the JDK, not the token.
            throw new IllegalStateException("Ed25519 verification is unavailable", broken);
        }
    }

    /** Where now stands against the licence's dates; boundaries as documented on {@link Verdict}. */
    private Verdict judge(Licence licence) {
        Instant now = clock.instant();
        if (now.isBefore(licence.startsAt())) {
            return new Verdict.NotYetStarted(licence);
        }
        if (licence.expiresAt().isEmpty() || now.isBefore(licence.expiresAt().get())) {
            return new Verdict.Valid(licence);
        }
        // Licence.LATEST plus MAX_GRACE is far inside Instant's range.
        Instant graceEndsAt = licence.expiresAt().get().plus(grace);
        return now.isBefore(graceEndsAt) ? new Verdict.InGrace(licence, graceEndsAt) : new Verdict.Expired(licence);
    }

    /** How many Ed25519 checks this verifier has made: what the cache saves shows here. */
    long signatureChecks() {
        return signatureChecks.sum();
    }

    /** How many verified tokens are kept now. */
    int cachedTokens() {
        return verified.size();
    }
}
