package io.voicecore.marketplace.signing;

import static io.voicecore.marketplace.signing.SignedJarFixture.PASSWORD;
import static io.voicecore.marketplace.signing.SignedJarFixture.keytool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import io.voicecore.marketplace.signing.CertificateRefusal.Reason;
import io.voicecore.marketplace.signing.SignedJarFixture.Key;
import io.voicecore.marketplace.signing.SigningCertificate.KeyAlgorithm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificates as {@code keytool -exportcert -rfc} writes them, read and refused the way a publisher meets them. */
class SigningCertificateTest {
    @TempDir
    static Path folder;
    private static Map<String, Key> keys;

    @BeforeAll
    static void makeKeys() {
        keys = new SignedJarFixture(folder).keys(Map.of("acme", "Ed25519", "acme-ec", "EC", "acme-rsa", "RSA",
                "old-dsa", "DSA", "ed448", "Ed448"));
    }

    @ParameterizedTest
    @CsvSource({"acme, ED25519", "acme-ec, EC", "acme-rsa, RSA"})
    void fingerprintSubjectAndKeyAreWhatKeytoolPrints(String alias, KeyAlgorithm algorithm) {
        Key key = keys.get(alias);
        SigningCertificate certificate = key.certificate();
        String printed = keytool("-printcert", "-file", key.pemFile().toString());

        assertEquals(valueAfter(printed, "SHA256: "), certificate.fingerprint());
        assertEquals(valueAfter(printed, "Owner: "), certificate.subject());
        assertEquals(algorithm, certificate.keyAlgorithm());
    }

    @Test
    void fingerprintIsWhatKeytoolListsForTheKeystore() {
        Key acme = keys.get("acme");
        String listed = keytool("-list", "-alias", "acme", "-keystore", acme.keystore().toString(), "-storepass", PASSWORD);

        assertEquals(valueAfter(listed, "Certificate fingerprint (SHA-256): "), acme.certificate().fingerprint());
        assertTrue(acme.certificate().fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), acme.certificate().fingerprint());
    }

    @Test
    void validityIsTheCertificates() {
        SigningCertificate certificate = keys.get("acme").certificate();

        assertEquals(Duration.ofDays(365), Duration.between(certificate.notBefore(), certificate.notAfter()));
        assertTrue(certificate.notBefore().isBefore(Instant.now().plusSeconds(1)));
        assertEquals(certificate.certificate().getNotAfter().toInstant(), certificate.notAfter());
    }

    @Test
    void anExpiredCertificateIsRefused() {
        SigningCertificate certificate = keys.get("acme").certificate();
        Clock later = Clock.fixed(certificate.notAfter().plusSeconds(1), ZoneOffset.UTC);

        CertificateRefusal refusal = refused(keys.get("acme").pem(), later, Reason.EXPIRED);
        assertTrue(refusal.getMessage().contains("expired at " + certificate.notAfter()), refusal.getMessage());
    }

    @Test
    void aCertificateNotYetValidIsRefused() {
        SigningCertificate certificate = keys.get("acme").certificate();
        Clock earlier = Clock.fixed(certificate.notBefore().minusSeconds(1), ZoneOffset.UTC);

        CertificateRefusal refusal = refused(keys.get("acme").pem(), earlier, Reason.NOT_YET_VALID);
        assertTrue(refusal.getMessage().contains("valid only from " + certificate.notBefore()), refusal.getMessage());
    }

    @Test
    void textAroundTheBlockAndWindowsLineEndingsAreAccepted() {
        String pem = keys.get("acme").pem();
        String decorated = "Acme's signing key\r\n" + pem.replace("\n", "\r\n") + "\r\nthe end\r\n";

        assertEquals(keys.get("acme").certificate(), SigningCertificate.parse(decorated, Clock.systemUTC()));
        assertNotEquals(keys.get("acme").certificate(), keys.get("acme-ec").certificate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "MIIBPDCB76ADAgECAggtf38I", "-----BEGIN CERTIFICATE-----\nMIIB"})
    void textWithoutAPemBlockIsRefused(String text) {
        CertificateRefusal refusal = refused(text, Clock.systemUTC(), Reason.NOT_PEM);
        assertTrue(refusal.getMessage().contains("keytool -exportcert -rfc"), refusal.getMessage());
    }

    @Test
    void aBodyThatIsNotBase64IsRefused() {
        String pem = keys.get("acme").pem().replaceFirst("\n(.)", "\n*");

        refused(pem, Clock.systemUTC(), Reason.NOT_PEM);
    }

    @Test
    void labelsThatDoNotMatchAreRefused() {
        String pem = keys.get("acme").pem().replace("END CERTIFICATE", "END PUBLIC KEY");

        refused(pem, Clock.systemUTC(), Reason.NOT_PEM);
    }

    @Test
    void aCertificateRequestIsRefused() {
        Key acme = keys.get("acme");
        String request = keytool("-certreq", "-alias", "acme", "-keystore", acme.keystore().toString(), "-storepass", PASSWORD);

        CertificateRefusal refusal = refused(request, Clock.systemUTC(), Reason.NOT_X509_CERTIFICATE);
        assertTrue(refusal.getMessage().contains("NEW CERTIFICATE REQUEST"), refusal.getMessage());
    }

    @Test
    void aPrivateKeyIsRefusedWithAWarning() throws Exception {
        Key acme = keys.get("acme");
        KeyStore keystore = KeyStore.getInstance(acme.keystore().toFile(), PASSWORD.toCharArray());
        byte[] privateKey = keystore.getKey("acme", PASSWORD.toCharArray()).getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(privateKey)
                     + "\n-----END PRIVATE KEY-----\n" + acme.pem();

        CertificateRefusal refusal = refused(pem, Clock.systemUTC(), Reason.NOT_X509_CERTIFICATE);
        assertTrue(refusal.getMessage().contains("Keep the private key to yourself"), refusal.getMessage());
    }

    @Test
    void bytesThatAreNotACertificateAreRefused() {
        String pem = certificateBlock("not a certificate".getBytes(StandardCharsets.UTF_8));

        refused(pem, Clock.systemUTC(), Reason.NOT_X509_CERTIFICATE);
    }

    @Test
    void bytesAfterTheCertificateAreRefused() throws Exception {
        byte[] der = keys.get("acme").certificate().certificate().getEncoded();
        byte[] longer = Arrays.copyOf(der, der.length + 4);

        refused(certificateBlock(longer), Clock.systemUTC(), Reason.NOT_X509_CERTIFICATE);
    }

    @Test
    void severalCertificatesAreRefused() {
        String two = keys.get("acme").pem() + keys.get("acme-ec").pem();

        CertificateRefusal refusal = refused(two, Clock.systemUTC(), Reason.SEVERAL_CERTIFICATES);
        assertTrue(refusal.getMessage().contains("holds 2 certificates"), refusal.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"old-dsa, DSA", "ed448, Ed448"})
    void keysOtherThanEd25519EcAndRsaAreRefused(String alias, String algorithm) {
        CertificateRefusal refusal = refused(keys.get(alias).pem(), Clock.systemUTC(), Reason.UNSUPPORTED_KEY_ALGORITHM);
        assertTrue(refusal.getMessage().contains("key is " + algorithm + ";"), refusal.getMessage());
    }

    private static CertificateRefusal refused(String pem, Clock clock, Reason reason) {
        CertificateRefusal refusal = assertThrows(CertificateRefusal.class, () -> SigningCertificate.parse(pem, clock));
        assertEquals(reason, refusal.reason(), refusal.getMessage());
        return refusal;
    }

    private static String certificateBlock(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    /** The rest of the line of keytool's output that contains the label. */
    static String valueAfter(String output, String label) {
        return output.lines().filter(line -> line.contains(label)).findFirst()
                .map(line -> line.substring(line.indexOf(label) + label.length()).strip())
                .orElseThrow(() -> new AssertionError("no '" + label + "' in:\n" + output));
    }
}
