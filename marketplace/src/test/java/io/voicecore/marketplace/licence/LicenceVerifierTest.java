package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

import io.voicecore.marketplace.SettableClock;
import io.voicecore.marketplace.licence.Verdict.Invalid.Reason;
import io.voicecore.marketplace.licence.Verdict.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples of what a verifier refuses, and how it remembers what it verified. */
class LicenceVerifierTest {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();
    private static final LicenceSigner SIGNER = new LicenceSigner("mk-1", MARKETPLACE.getPrivate());
    private static final Instant IN_FORCE = Instant.parse("2027-06-01T00:00:00Z");
    private static final Licence SAMPLE = TestLicences.sample("mk-1");
    private static final String TOKEN = SIGNER.sign(SAMPLE);

    private final SettableClock clock = new SettableClock(IN_FORCE);
    private final LicenceVerifier verifier = new LicenceVerifier(Map.of("mk-1", MARKETPLACE.getPublic()), clock,
                                                                 Duration.ofDays(7));

    @Test
    void theSampleTokenIsValid() {
        assertEquals(new Verdict.Valid(SAMPLE), verifier.verify(TOKEN));
    }

    @Test
    void nullAndEmptyAreMalformed() {
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(null));
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", ".", "..", "...", "vcl1", "vcl1.", "vcl1..", "vcl1.a", "vcl1.a.b", "vcl1.a.b.c",
                            "vcl1.!!!.!!!", "VCL1.abc.def", "vcl.abc.def", "vclone.abc.def", "eyJhbGciOiJFZERTQSJ9.e30.c2ln",
                            "Bearer vcl1.abc.def", "vcl1.e30.", "vcl1..AAAA"})
    void garbageIsMalformed(String garbage) {
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(garbage));
    }

    @Test
    void aTokenWithAnythingAroundItIsMalformed() {
        for (String wrapped : new String[] {" " + TOKEN, TOKEN + " ", TOKEN + "\n", "\"" + TOKEN + "\"", TOKEN + ".",
                                            "." + TOKEN, TOKEN + "=", TOKEN + "==", TOKEN + "\0"}) {
            assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(wrapped), wrapped);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vcl2.", "vcl0.", "vcl10.", "vcl01."})
    void anotherVersionIsUnsupported(String prefix) {
        String otherVersion = prefix + TOKEN.substring(TokenFormat.PREFIX.length());
        assertEquals(new Invalid(Reason.UNSUPPORTED_VERSION), verifier.verify(otherVersion));
    }

    @Test
    void aTokenOverTheSizeLimitIsRefusedBeforeDecoding() {
        assertEquals(new Invalid(Reason.TOO_LONG), verifier.verify("A".repeat(TokenFormat.MAX_LENGTH + 1)));
        assertEquals(new Invalid(Reason.TOO_LONG), verifier.verify(TOKEN + "A".repeat(TokenFormat.MAX_LENGTH)));
        assertEquals(new Invalid(Reason.TOO_LONG), verifier.verify("vcl1." + "A".repeat(20_000_000)));
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify("A".repeat(TokenFormat.MAX_LENGTH)));
    }

    @Test
    void theLargestLicenceFitsUnderTheSizeLimit() {
        Map<String, Long> limits = new TreeMap<>();
        for (int i = 0; i < Licence.MAX_USAGE_LIMITS; i++) {
            limits.put(String.format("m%02d", i) + ".x".repeat(30) + "y", Long.MAX_VALUE);
        }
        Licence largest = new Licence(UUID.randomUUID(), UUID.randomUUID(), "p" + "-".repeat(39), "9".repeat(40), true,
                                      OptionalInt.of(Integer.MAX_VALUE), limits, Licence.LATEST, Instant.EPOCH,
                                      Optional.of(Licence.LATEST), "K".repeat(64));
        LicenceSigner signer = new LicenceSigner("K".repeat(64), MARKETPLACE.getPrivate());
        String token = signer.sign(largest);
        assertEquals(64, largest.usageLimits().keySet().iterator().next().length());
        assertTrue(token.length() < TokenFormat.MAX_LENGTH, () -> token.length() + " characters");
        LicenceVerifier trusting = new LicenceVerifier(Map.of("K".repeat(64), MARKETPLACE.getPublic()), clock, Duration.ZERO);
        assertEquals(new Verdict.Valid(largest), trusting.verify(token));
    }

    @Test
    void aCharacterOutsideAsciiIsMalformed() {
        String accented = TOKEN.substring(0, 20) + 'é' + TOKEN.substring(21);
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(accented));
        String wide = TOKEN.substring(0, 20) + '\u0141' + TOKEN.substring(21);
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(wide));
    }

    @Test
    void aNonCanonicalEncodingOfTheSameSignatureIsMalformed() {
        // 64 bytes take 86 characters with 4 bits to spare; the JDK's decoder ignores them, the verifier does not.
        char last = TOKEN.charAt(TOKEN.length() - 1);
        String base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String spareBitsSet = TOKEN.substring(0, TOKEN.length() - 1) + base64url.charAt(base64url.indexOf(last) | 1);
        assertNotEquals(TOKEN, spareBitsSet);
        assertEquals(new Invalid(Reason.MALFORMED), verifier.verify(spareBitsSet));
    }

    @Test
    void aSignatureOfTheWrongLengthIsMalformed() {
        byte[] signature = Base64.getUrlDecoder().decode(TOKEN.substring(TOKEN.lastIndexOf('.') + 1));
        String signedPart = TOKEN.substring(0, TOKEN.lastIndexOf('.'));
        assertEquals(new Invalid(Reason.MALFORMED),
                     verifier.verify(TokenFormat.token(signedPart, Arrays.copyOf(signature, 63))));
        assertEquals(new Invalid(Reason.MALFORMED),
                     verifier.verify(TokenFormat.token(signedPart, Arrays.copyOf(signature, 65))));
    }

    @Test
    void aSignatureWithAnUnreducedScalarIsRefused() {
        // S + L, the group order, satisfies the verification equation in lenient implementations; RFC 8032 refuses it.
        byte[] signature = Base64.getUrlDecoder().decode(TOKEN.substring(TOKEN.lastIndexOf('.') + 1));
        BigInteger order = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
        BigInteger scalar = new BigInteger(1, reversed(Arrays.copyOfRange(signature, 32, 64))).add(order);
        byte[] bigEndian = scalar.toByteArray();
        byte[] malleated = Arrays.copyOf(signature, 64);
        System.arraycopy(reversed(Arrays.copyOfRange(bigEndian, bigEndian.length - 32, bigEndian.length)), 0, malleated, 32, 32);
        String signedPart = TOKEN.substring(0, TOKEN.lastIndexOf('.'));
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), verifier.verify(TokenFormat.token(signedPart, malleated)));
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), verifier.verify(TokenFormat.token(signedPart, new byte[64])));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // White space, member order, an unknown member, a duplicate, number and string forms, null, empty limits
            "{ \"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"kid\":\"mk-1\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200,\"x\":1}",
            "{\"kid\":\"mk-1\",\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0B1E5A53-8F0C-4E8E-9D7A-2F1C3B4D5E6F\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"1-1-1-1-1\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm\\u002dsync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1.7960832e9,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"sts\":null,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"lim\":{},\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200} ",
            // Values a licence refuses: negative seats, expiry before start, an instant out of range
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"sts\":-1,\"iat\":1796083200,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200,\"exp\":1796083199}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":9223372036854775807,\"nbf\":1796083200}",
            "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\",\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"iat\":99999999999999999999,\"nbf\":1796083200}",
            // Not a licence at all
            "", "null", "[]", "\"licence\"", "{}", "{\"kid\":\"mk-1\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "{\"kid\":{\"a\":{\"b\":{}}}}", "\uFEFF{}", "not json"})
    void aPayloadThatIsNotALicencesCanonicalJsonIsUnreadableEvenWhenSigned(String json) {
        assertEquals(new Invalid(Reason.UNREADABLE_PAYLOAD), verifier.verify(signRaw(json, MARKETPLACE.getPrivate())));
    }

    @Test
    void aRawSignedCanonicalPayloadIsValid() {
        // The control for the test above: the same route with the canonical JSON.
        String canonical = "{\"kid\":\"mk-1\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\","
                           + "\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\","
                           + "\"trl\":false,\"iat\":1796083200,\"nbf\":1796083200}";
        assertEquals(Verdict.Valid.class, verifier.verify(signRaw(canonical, MARKETPLACE.getPrivate())).getClass());
    }

    @Test
    void aVerifiedTokenIsRememberedAndItsVerdictJudgedAnewEachTime() {
        Instant expiry = SAMPLE.expiresAt().orElseThrow();
        assertEquals(new Verdict.Valid(SAMPLE), verifier.verify(TOKEN));
        clock.set(expiry);
        assertEquals(new Verdict.InGrace(SAMPLE, expiry.plus(Duration.ofDays(7))), verifier.verify(TOKEN));
        clock.set(expiry.plus(Duration.ofDays(7)));
        assertEquals(new Verdict.Expired(SAMPLE), verifier.verify(TOKEN));
        clock.set(SAMPLE.startsAt().minusSeconds(1));
        assertEquals(new Verdict.NotYetStarted(SAMPLE), verifier.verify(TOKEN));
        assertEquals(1, verifier.signatureChecks());
        assertEquals(1, verifier.cachedTokens());
        // A fresh string of the same characters is the same token.
        assertEquals(new Verdict.NotYetStarted(SAMPLE), verifier.verify(new String(TOKEN.toCharArray())));
        assertEquals(1, verifier.signatureChecks());
    }

    @Test
    void refusedTokensAreNotRemembered() {
        String forged = new LicenceSigner("mk-1", LicenceKeys.generate().getPrivate()).sign(SAMPLE);
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), verifier.verify(forged));
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), verifier.verify(forged));
        assertEquals(2, verifier.signatureChecks());
        assertEquals(0, verifier.cachedTokens());
    }

    @Test
    void theRememberedTokensAreBounded() {
        LicenceVerifier small = new LicenceVerifier(Map.of("mk-1", MARKETPLACE.getPublic()), clock, Duration.ZERO, 8);
        String first = null;
        String last = null;
        for (int i = 0; i < 50; i++) {
            Licence licence = new Licence(new UUID(0, i), SAMPLE.tenantId(), SAMPLE.pluginId(), SAMPLE.planId(), false,
                                          OptionalInt.empty(), Map.of(), SAMPLE.issuedAt(), SAMPLE.startsAt(),
                                          Optional.empty(), "mk-1");
            last = SIGNER.sign(licence);
            first = first == null ? last : first;
            assertEquals(new Verdict.Valid(licence), small.verify(last));
            assertTrue(small.cachedTokens() <= 8, () -> small.cachedTokens() + " tokens kept");
        }
        assertEquals(50, small.signatureChecks());
        small.verify(last);
        assertEquals(50, small.signatureChecks());
        small.verify(first);
        assertEquals(51, small.signatureChecks());
    }

    @Test
    void aVerifierNeedsUsableKeysAndGrace() {
        PublicKey key = MARKETPLACE.getPublic();
        assertThrows(IllegalArgumentException.class, () -> new LicenceVerifier(Map.of(), clock, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LicenceVerifier(Map.of("-mk", key), clock, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceVerifier(Map.of("k".repeat(65), key), clock, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceVerifier(Map.of("mk-1", generate("Ed448").getPublic()), clock, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceVerifier(Map.of("mk-1", generate("X25519").getPublic()), clock, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LicenceVerifier(Map.of("mk-1", key), clock, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceVerifier(Map.of("mk-1", key), clock, LicenceVerifier.MAX_GRACE.plusNanos(1)));
        assertThrows(NullPointerException.class, () -> new LicenceVerifier(Map.of("mk-1", key), null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new LicenceVerifier(Map.of("mk-1", key), clock, null));
    }

    /** A token around any payload, signed properly: what only a holder of the private key could make. */
    private static String signRaw(String json, PrivateKey key) {
        String signedPart = TokenFormat.signedPart(json.getBytes(StandardCharsets.UTF_8));
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(TokenFormat.ascii(signedPart));
            return TokenFormat.token(signedPart, ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] reversed = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            reversed[i] = bytes[bytes.length - 1 - i];
        }
        return reversed;
    }
}
