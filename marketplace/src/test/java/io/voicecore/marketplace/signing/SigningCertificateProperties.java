package io.voicecore.marketplace.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.StringJoiner;
import java.util.stream.Stream;

import io.voicecore.marketplace.signing.CertificateRefusal.Reason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever bytes a CERTIFICATE block holds, parsing answers with a certificate or a refusal, nothing else. */
class SigningCertificateProperties {
    private static Path folder;
    private static byte[] der;
    private static Clock duringValidity;

    @BeforeContainer
    static void makeKey() throws IOException, CertificateEncodingException {
        folder = Files.createTempDirectory("signing-certificate-properties-");
        SigningCertificate certificate = new SignedJarFixture(folder).key("acme", "Ed25519").certificate();
        der = certificate.certificate().getEncoded();
        duringValidity = Clock.fixed(certificate.notBefore().plusSeconds(86_400), ZoneOffset.UTC);
    }

    @AfterContainer
    static void deleteFolder() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Property(tries = 500)
    void aChangedByteIsRefusedOrReadWithTheFingerprintOfTheNewBytes(@ForAll("positions") int position,
                                                                   @ForAll @IntRange(min = 1, max = 255) int mask) {
        byte[] changed = der.clone();
        changed[position] ^= (byte) mask;

        SigningCertificate certificate;
        try {
            certificate = SigningCertificate.parse(pem(changed), duringValidity);
        } catch (CertificateRefusal refused) {
            Statistics.label("outcome").collect(refused.reason());
            return;
        }
        Statistics.label("outcome").collect("read");
        // Some bytes (such as the issuer's signature) can change and still parse: then it is another certificate.
        assertEquals(keytoolStyleSha256(changed), certificate.fingerprint());
    }

    @Property(tries = 300)
    void bytesThatAreNotACertificateAreRefused(@ForAll @Size(max = 1024) byte[] bytes) {
        try {
            SigningCertificate.parse(pem(bytes), duringValidity);
        } catch (CertificateRefusal refused) {
            assertEquals(Reason.NOT_X509_CERTIFICATE, refused.reason(), refused.getMessage());
            return;
        }
        throw new AssertionError("random bytes were read as a certificate");
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, der.length - 1);
    }

    private static String pem(byte[] bytes) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(bytes) + "\n-----END CERTIFICATE-----\n";
    }

    /** SHA-256 written as keytool writes fingerprints, computed apart from the code under test. */
    private static String keytoolStyleSha256(byte[] bytes) {
        try {
            StringJoiner hex = new StringJoiner(":");
            for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
                hex.add(String.format("%02X", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
