package io.voicecore.marketplace.signing;

import static io.voicecore.marketplace.signing.SignedJarFixture.GREETER;
import static io.voicecore.marketplace.signing.SignedJarFixture.PLUGIN_YAML;
import static io.voicecore.marketplace.signing.SignedJarFixture.REPLY;
import static io.voicecore.marketplace.signing.SignedJarFixture.pluginJar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.marketplace.signing.SignedJarFixture.Key;
import io.voicecore.marketplace.signing.SignedJarRefusal.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Jars signed with real keys, accepted or refused the way a publisher's submission is. */
class SignedJarCheckTest {
    @TempDir
    static Path folder;
    private static SignedJarFixture fixture;
    private static Key acme;
    private static Key acmeEc;
    private static Key acmeRsa;
    private static Key stranger;
    private static List<SigningCertificate> registered;

    @BeforeAll
    static void makeKeys() {
        fixture = new SignedJarFixture(folder);
        Map<String, Key> keys = fixture.keys(Map.of("acme", "Ed25519", "acme-ec", "EC", "acme-rsa", "RSA",
                "stranger", "Ed25519"));
        acme = keys.get("acme");
        acmeEc = keys.get("acme-ec");
        acmeRsa = keys.get("acme-rsa");
        stranger = keys.get("stranger");
        registered = List.of(acme.certificate(), acmeEc.certificate(), acmeRsa.certificate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme", "acme-ec", "acme-rsa"})
    void aJarSignedByARegisteredKeyIsAcceptedWithItsFingerprint(String alias) {
        Key key = List.of(acme, acmeEc, acmeRsa).stream().filter(k -> k.alias().equals(alias)).findFirst().orElseThrow();

        SigningCertificate signer = SignedJarCheck.check(fixture.sign(pluginJar(), key), registered);

        assertEquals(key.certificate(), signer);
        assertEquals(key.certificate().fingerprint(), signer.fingerprint());
    }

    @Test
    void aJarSignedWithTheJarsignerToolIsAccepted() {
        byte[] signed = fixture.signWithJarsigner(pluginJar(), acme);

        assertEquals(acme.certificate().fingerprint(), SignedJarCheck.check(signed, registered).fingerprint());
    }

    @Test
    void anUnsignedJarIsRefused() {
        SignedJarRefusal refusal = refused(pluginJar(), registered, Reason.UNSIGNED);
        assertTrue(refusal.getMessage().contains("jarsigner"), refusal.getMessage());
    }

    @Test
    void aJarSignedByAnUnregisteredKeyIsRefusedNamingTheSigner() {
        SignedJarRefusal refusal = refused(fixture.sign(pluginJar(), stranger), registered, Reason.UNKNOWN_KEY);

        SigningCertificate signer = stranger.certificate();
        assertTrue(refusal.getMessage().contains(signer.subject()), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(signer.fingerprint()), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("not registered or revoked"), refusal.getMessage());
    }

    @Test
    void aJarSignedByARevokedKeyIsRefused() {
        // The caller passes only the certificates that are not revoked: acme's is left out.
        byte[] signed = fixture.sign(pluginJar(), acme);

        refused(signed, List.of(acmeEc.certificate()), Reason.UNKNOWN_KEY);
        SignedJarRefusal none = refused(signed, List.of(), Reason.UNKNOWN_KEY);
        assertTrue(none.getMessage().contains("no certificate is registered"), none.getMessage());
    }

    @Test
    void aClassReplacedAfterSigningIsRefusedAsTampered() {
        byte[] signed = fixture.sign(pluginJar(), acme);
        byte[] replaced = SignedJarFixture.replace(signed, GREETER, "class Greeter { evil }".getBytes(StandardCharsets.UTF_8));

        SignedJarRefusal refusal = refused(replaced, registered, Reason.TAMPERED);
        assertEquals(Optional.of(GREETER), refusal.entry());
        assertTrue(refusal.getMessage().startsWith("Entry " + GREETER + " does not match what was signed"), refusal.getMessage());
    }

    @Test
    void aClassAddedAfterSigningIsRefusedAsPartlySigned() {
        String added = "com/acme/greeter/Backdoor.class";
        byte[] signed = SignedJarFixture.add(fixture.sign(pluginJar(), acme), added, SignedJarFixture.classBytes(added));

        SignedJarRefusal refusal = refused(signed, registered, Reason.PARTLY_SIGNED);
        assertEquals(Optional.of(added), refusal.entry());
        assertTrue(refusal.getMessage().startsWith("Entry " + added + " is not covered by the jar's signature"),
                refusal.getMessage());
    }

    @Test
    void aMetaInfFileAddedAfterSigningIsRefusedAsPartlySigned() {
        // Only signature files are exempt: a service registration decides what code runs.
        String service = "META-INF/services/java.sql.Driver";
        byte[] signed = SignedJarFixture.add(fixture.sign(pluginJar(), acme), service,
                "com.acme.greeter.Greeter".getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.of(service), refused(signed, registered, Reason.PARTLY_SIGNED).entry());
    }

    @Test
    void aClassRemovedAfterSigningIsRefusedAsTampered() {
        byte[] signed = SignedJarFixture.remove(fixture.sign(pluginJar(), acme), REPLY);

        SignedJarRefusal refusal = refused(signed, registered, Reason.TAMPERED);
        assertEquals(Optional.of(REPLY), refusal.entry());
        assertTrue(refusal.getMessage().contains("no longer in the jar"), refusal.getMessage());
    }

    @Test
    void aJarSignedByTwoKeysIsRefused() {
        byte[] twice = fixture.sign(fixture.sign(pluginJar(), acme), acmeEc);

        SignedJarRefusal refusal = refused(twice, registered, Reason.SEVERAL_SIGNERS);
        assertTrue(refusal.getMessage().contains(acme.certificate().subject()), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(acmeEc.certificate().subject()), refusal.getMessage());
    }

    @Test
    void aClassAddedAndSignedByASecondKeyIsRefused() {
        // The first key signed the original entries, the second all of them: two signers, not one.
        String added = "com/acme/greeter/Extra.class";
        byte[] first = SignedJarFixture.add(fixture.sign(pluginJar(), acme), added, SignedJarFixture.classBytes(added));

        refused(fixture.sign(first, stranger), registered, Reason.SEVERAL_SIGNERS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-1", "MD5"})
    void aSignatureWithADisabledDigestIsRefusedThoughTheKeyIsRegistered(String digest) {
        byte[] weak = fixture.sign(pluginJar(), acmeRsa, digest);

        SignedJarRefusal refusal = refused(weak, registered, Reason.SIGNATURE_NOT_ACCEPTED);
        assertTrue(refusal.getMessage().contains("META-INF/ACME-RSA.SF"), refusal.getMessage());
    }

    @Test
    void aManifestChangedAfterSigningIsRefusedAsTampered() {
        byte[] signed = fixture.sign(pluginJar(), acme);
        byte[] changed = SignedJarFixture.replace(signed, "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nCreated-By: someone else\r\n\r\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.of("META-INF/MANIFEST.MF"), refused(changed, registered, Reason.TAMPERED).entry());
    }

    @Test
    void aDamagedSignatureBlockIsNotAccepted() {
        byte[] signed = fixture.sign(pluginJar(), acme);
        byte[] damaged = SignedJarFixture.replace(signed, "META-INF/ACME.EC", "not a signature".getBytes(StandardCharsets.UTF_8));

        refused(damaged, registered, Reason.SIGNATURE_NOT_ACCEPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a jar at all", "PK\u0003\u0004 almost"})
    void bytesThatAreNotAJarAreRefusedAsMalformed(String bytes) {
        SignedJarRefusal refusal = refused(bytes.getBytes(StandardCharsets.ISO_8859_1), registered, Reason.MALFORMED);
        assertTrue(refusal.getMessage().startsWith("The file is not a readable jar"), refusal.getMessage());
    }

    @Test
    void aSecondEntryOfASignedNameIsRefusedAsMalformed() {
        // An unsigned class behind the signed one of the same name: which a reader gets is up to the reader.
        String lookalike = GREETER.replace("Greeter.class", "GreeteX.class");
        byte[] signed = SignedJarFixture.add(fixture.sign(pluginJar(), acme), lookalike, "evil".getBytes(StandardCharsets.UTF_8));
        byte[] duplicated = replaceAll(signed, lookalike, GREETER);

        SignedJarRefusal refusal = refused(duplicated, registered, Reason.MALFORMED);
        assertEquals(Optional.of(GREETER), refusal.entry());
        assertTrue(refusal.getMessage().contains("two entries named " + GREETER), refusal.getMessage());
    }

    @Test
    void anEntryOnlyAPlainReaderFindsDamagedIsRefusedAsMalformed() {
        // A directory has no signed content, and a verifying reader does not open its local header; a plain one does.
        byte[] signed = fixture.sign(pluginJar(), acme);
        int header = localHeaderOf(signed, "com/");
        signed[header] = 'X';

        SignedJarRefusal refusal = refused(signed, registered, Reason.MALFORMED);
        assertEquals(Optional.of("com/"), refusal.entry());
        assertTrue(refusal.getMessage().startsWith("Entry com/ cannot be read to its end"), refusal.getMessage());
    }

    @Test
    void aJarWithNothingButSignatureFilesIsRefusedAsMalformed() {
        byte[] signed = fixture.sign(pluginJar(), acme);
        for (String entry : List.of(PLUGIN_YAML, GREETER, REPLY, "com/", "com/acme/", "com/acme/greeter/")) {
            signed = SignedJarFixture.remove(signed, entry);
        }

        refused(signed, registered, Reason.MALFORMED);
    }

    @Test
    void theLimitsRefuseAJarTooLargeToCheck() {
        byte[] signed = fixture.sign(pluginJar(), acme);

        SignedJarRefusal entries = assertThrows(SignedJarRefusal.class, () -> SignedEntries.read(signed, 3, 1 << 20));
        assertEquals(Reason.MALFORMED, entries.reason());
        assertTrue(entries.getMessage().contains("more than 3 entries"), entries.getMessage());
        SignedJarRefusal bytes = assertThrows(SignedJarRefusal.class, () -> SignedEntries.read(signed, 100, 64));
        assertEquals(Reason.MALFORMED, bytes.reason());
        assertTrue(bytes.getMessage().contains("expands to more bytes"), bytes.getMessage());
    }

    @Test
    void signatureFilesAreToldApartAsTheJdkDoes() {
        for (String name : List.of("META-INF/ACME.SF", "META-INF/acme.ec", "META-INF/A.RSA", "META-INF/B.DSA", "META-INF/SIG-X.P7")) {
            assertTrue(SignedEntries.isSignatureFile(name), name);
        }
        for (String name : List.of("META-INF/services/x.SF", "ACME.SF", "META-INF/MANIFEST.MF", "META-INF/x.txt")) {
            assertTrue(!SignedEntries.isSignatureFile(name), name);
        }
    }

    private static SignedJarRefusal refused(byte[] jar, Collection<SigningCertificate> certificates, Reason reason) {
        SignedJarRefusal refusal = assertThrows(SignedJarRefusal.class, () -> SignedJarCheck.check(jar, certificates));
        assertEquals(reason, refusal.reason(), refusal.getMessage());
        return refusal;
    }

    /** Where the local header of the named entry starts: its signature, then 26 bytes, then the name. */
    private static int localHeaderOf(byte[] jar, String name) {
        String text = new String(jar, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf("PK\u0003\u0004"); at >= 0; at = text.indexOf("PK\u0003\u0004", at + 1)) {
            if (text.startsWith(name, at + 30)) {
                return at;
            }
        }
        throw new AssertionError("no local header for " + name);
    }

    private static byte[] replaceAll(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
