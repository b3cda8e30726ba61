package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Keys go to text and back unchanged, and only Ed25519 keys are taken. */
class LicenceKeysTest {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();

    @Test
    void keysSurviveTheirTextForm() {
        String publicText = LicenceKeys.encode(MARKETPLACE.getPublic());
        String privateText = LicenceKeys.encode(MARKETPLACE.getPrivate());
        assertEquals(MARKETPLACE.getPublic(), LicenceKeys.decodePublicKey(publicText));
        assertEquals(MARKETPLACE.getPrivate(), LicenceKeys.decodePrivateKey(privateText));
        // As copied from a file or an environment variable.
        assertEquals(MARKETPLACE.getPublic(), LicenceKeys.decodePublicKey("  " + publicText + "\n"));

        // A node configured with the public key's text verifies what the marketplace signs with the private key's.
        LicenceSigner signer = new LicenceSigner("mk-1", LicenceKeys.decodePrivateKey(privateText));
        Clock inForce = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);
        LicenceVerifier verifier = new LicenceVerifier(Map.of("mk-1", LicenceKeys.decodePublicKey(publicText)), inForce,
                                                       Duration.ZERO);
        Licence licence = TestLicences.sample("mk-1");
        assertEquals(new Verdict.Valid(licence), verifier.verify(signer.sign(licence)));
    }

    @Test
    void theTextIsBase64OfTheStandardDerEncodings() {
        // 12 bytes of X.509 header and 32 of key; 16 bytes of PKCS#8 header and 32 of key.
        assertEquals(44, Base64.getDecoder().decode(LicenceKeys.encode(MARKETPLACE.getPublic())).length);
        assertEquals(48, Base64.getDecoder().decode(LicenceKeys.encode(MARKETPLACE.getPrivate())).length);
    }

    @Test
    void onlyEd25519KeysAreTaken() {
        KeyPair ed448 = generate("Ed448");
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.encode(ed448.getPublic()));
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.encode(ed448.getPrivate()));
        assertThrows(IllegalArgumentException.class,
                     () -> LicenceKeys.decodePublicKey(Base64.getEncoder().encodeToString(ed448.getPublic().getEncoded())));
        assertThrows(IllegalArgumentException.class,
                     () -> LicenceKeys.decodePrivateKey(Base64.getEncoder().encodeToString(ed448.getPrivate().getEncoded())));
        assertThrows(IllegalArgumentException.class, () -> new LicenceSigner("mk-1", ed448.getPrivate()));
        assertThrows(IllegalArgumentException.class, () -> new LicenceSigner("mk-1", generate("X25519").getPrivate()));
    }

    @Test
    void garbageIsNoKey() {
        String publicText = LicenceKeys.encode(MARKETPLACE.getPublic());
        String privateText = LicenceKeys.encode(MARKETPLACE.getPrivate());
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.decodePublicKey("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.decodePublicKey(""));
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.decodePublicKey(privateText));
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.decodePrivateKey(publicText));
        assertThrows(IllegalArgumentException.class, () -> LicenceKeys.decodePrivateKey("AAAA"));
    }

    @Test
    void aSignerSignsOnlyLicencesNamingItsKey() {
        LicenceSigner signer = new LicenceSigner("mk-1", MARKETPLACE.getPrivate());
        assertEquals("mk-1", signer.keyId());
        assertThrows(IllegalArgumentException.class, () -> signer.sign(TestLicences.sample("mk-2")));
        assertThrows(IllegalArgumentException.class, () -> new LicenceSigner("mk 1", MARKETPLACE.getPrivate()));
        assertThrows(NullPointerException.class, () -> new LicenceSigner("mk-1", null));
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
