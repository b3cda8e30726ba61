package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import io.voicecore.marketplace.SettableClock;
import io.voicecore.marketplace.licence.Verdict.Invalid.Reason;
import io.voicecore.marketplace.licence.Verdict.Invalid;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * A token is authentic (any verdict but {@link Invalid}) exactly when a trusted key signed it and not one character of
 * it changed since: no edit anywhere, at the level of characters, bits or the decoded bytes, yields another
 * authentic token. Strictly so, because only canonical base64url is read.
 */
class TokenIntegrityProperties {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();
    private static final KeyPair PREVIOUS = LicenceKeys.generate();
    private static final KeyPair IMPOSTOR = LicenceKeys.generate();
    private static final LicenceSigner SIGNER = new LicenceSigner("mk-2", MARKETPLACE.getPrivate());
    private static final LicenceVerifier VERIFIER = new LicenceVerifier(
            Map.of("mk-1", PREVIOUS.getPublic(), "mk-2", MARKETPLACE.getPublic()),
            new SettableClock(Instant.parse("2027-01-01T00:00:00Z")), Duration.ofDays(7));
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** One change to a token. Positions are taken modulo the length of what they index, so -1 is the last. */
    sealed interface Edit {
        String applyTo(String token);
    }

    record Replace(int position, char replacement) implements Edit {
        public String applyTo(String token) {
            int at = Math.floorMod(position, token.length());
            return token.substring(0, at) + replacement + token.substring(at + 1);
        }
    }

    record FlipBit(int position, int bit) implements Edit {
        public String applyTo(String token) {
            int at = Math.floorMod(position, token.length());
            return token.substring(0, at) + (char) (token.charAt(at) ^ (1 << bit)) + token.substring(at + 1);
        }
    }

    record Insert(int position, char inserted) implements Edit {
        public String applyTo(String token) {
            int at = Math.floorMod(position, token.length() + 1);
            return token.substring(0, at) + inserted + token.substring(at);
        }
    }

    record Remove(int position) implements Edit {
        public String applyTo(String token) {
            int at = Math.floorMod(position, token.length());
            return token.substring(0, at) + token.substring(at + 1);
        }
    }

    /** Flips one bit of the decoded payload or signature and encodes it again, canonically. */
    record FlipDecodedBit(boolean inSignature, int position, int bit) implements Edit {
        public String applyTo(String token) {
            String[] parts = token.split("\\.");
            int part = inSignature ? 2 : 1;
            byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
            bytes[Math.floorMod(position, bytes.length)] ^= (byte) (1 << bit);
            parts[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            return String.join(".", parts);
        }
    }

    @Property(tries = 400)
    void aTokenIsAuthenticExactlyWhenUnchanged(@ForAll("licences") Licence licence, @ForAll("edits") Edit edit) {
        String token = SIGNER.sign(licence);
        assertAuthentic(true, token);
        String edited = edit.applyTo(token);
        assertAuthentic(edited.equals(token), edited);
    }

    /** Every position of one token, each edited in every way that keeps it ASCII-looking. */
    @Example
    void noSingleEditAnywhereInATokenIsAuthentic() {
        String token = SIGNER.sign(TestLicences.sample("mk-2"));
        for (int at = 0; at < token.length(); at++) {
            char next = BASE64URL.charAt((BASE64URL.indexOf(token.charAt(at)) + 1) % BASE64URL.length());
            assertAuthentic(false, new Replace(at, next).applyTo(token));
            assertAuthentic(false, new Remove(at).applyTo(token));
            assertAuthentic(false, new Insert(at, 'A').applyTo(token));
            for (int bit = 0; bit < 8; bit++) {
                assertAuthentic(false, new FlipBit(at, bit).applyTo(token));
            }
        }
        assertAuthentic(false, token + "A");
        assertAuthentic(true, token);
    }

    @Property(tries = 60)
    void aTokenSignedByAnotherKeyUnderATrustedKeyIdIsInvalid(@ForAll("licences") Licence licence) {
        String forged = new LicenceSigner("mk-2", IMPOSTOR.getPrivate()).sign(licence);
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), VERIFIER.verify(forged));
        // A trusted key under the other trusted key's id is no better.
        String misnamed = new LicenceSigner("mk-2", PREVIOUS.getPrivate()).sign(licence);
        assertEquals(new Invalid(Reason.BAD_SIGNATURE), VERIFIER.verify(misnamed));
    }

    @Property(tries = 60)
    void aTokenNamingAnUnknownKeyIdIsInvalid(@ForAll("licences") Licence licence, @ForAll("unknownKeyIds") String keyId) {
        Licence underUnknownKey = new Licence(licence.licenceId(), licence.tenantId(), licence.pluginId(), licence.planId(),
                                              licence.trial(), licence.seats(), licence.usageLimits(), licence.issuedAt(),
                                              licence.startsAt(), licence.expiresAt(), keyId);
        // Even when the signing key itself is trusted under another id.
        String token = new LicenceSigner(keyId, MARKETPLACE.getPrivate()).sign(underUnknownKey);
        assertEquals(new Invalid(Reason.UNKNOWN_KEY), VERIFIER.verify(token));
    }

    @Property(tries = 300)
    void anyStringIsJudgedWithoutThrowing(@ForAll String anything) {
        assertInstanceOf(Invalid.class, VERIFIER.verify(anything));
        assertInstanceOf(Invalid.class, VERIFIER.verify("vcl1." + anything));
        assertInstanceOf(Invalid.class, VERIFIER.verify("vcl1." + anything + "." + anything));
    }

    @Provide
    Arbitrary<Licence> licences() {
        return TestLicences.arbitrary("mk-2");
    }

    @Provide
    Arbitrary<String> unknownKeyIds() {
        return TestLicences.arbitraryKeyIds().filter(keyId -> !keyId.equals("mk-1") && !keyId.equals("mk-2"));
    }

    @Provide
    Arbitrary<Edit> edits() {
        // Negative positions count from the end, so both ends of a token, where its encoding has the least slack,
        // are among the edge cases jqwik tries first.
        Arbitrary<Integer> positions = Arbitraries.integers().between(-100_000, 100_000);
        Arbitrary<Integer> bits = Arbitraries.integers().between(0, 7);
        // Mostly characters a token may hold, where an edit is hardest to notice; sometimes any character at all.
        Arbitrary<Character> characters = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.chars().with((BASE64URL + ".=+/").toCharArray())),
                Tuple.of(1, Arbitraries.chars()));
        return Arbitraries.oneOf(
                Combinators.combine(positions, characters).as(Replace::new),
                Combinators.combine(positions, bits).as(FlipBit::new),
                Combinators.combine(positions, characters).as(Insert::new),
                positions.map(Remove::new),
                Combinators.combine(Arbitraries.of(true, false), positions, bits).as(FlipDecodedBit::new));
    }

    private static void assertAuthentic(boolean expected, String token) {
        Verdict verdict = VERIFIER.verify(token);
        assertEquals(expected, !(verdict instanceof Invalid), () -> token + " was judged " + verdict);
    }
}
