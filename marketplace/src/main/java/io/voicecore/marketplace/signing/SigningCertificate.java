package io.voicecore.marketplace.signing;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import io.voicecore.kernel.crypto.Sha256;

/**
 * A certificate a publisher registers to sign plugin jars: one X.509 certificate in PEM, as
 * {@code keytool -exportcert -rfc} writes it, whose key is Ed25519, EC or RSA and which was valid when it was parsed.
 * Its {@link #fingerprint()} is written the way {@code keytool} prints a certificate's SHA-256 fingerprint, so a
 * publisher recognises their key by it.
 *
 * <p>Immutable; two instances are equal when they hold the same certificate.
 */
public final class SigningCertificate {
    /** The key algorithms a signing certificate may have: those {@code keytool} makes and {@code jarsigner} signs with. */
    public enum KeyAlgorithm {
        /** EdDSA over Curve25519, {@code keytool -keyalg Ed25519}: small keys and signatures, the recommended choice. */
        ED25519,
        /** ECDSA, {@code keytool -keyalg EC}. */
        EC,
        /** RSA, {@code keytool -keyalg RSA}. */
        RSA
    }

    private static final HexFormat FINGERPRINT_FORMAT = HexFormat.ofDelimiter(":").withUpperCase();
    private static final String CERTIFICATE_LABEL = "CERTIFICATE";

    private final X509Certificate certificate;
    private final KeyAlgorithm keyAlgorithm;
    private final String fingerprint;

    private SigningCertificate(X509Certificate certificate, KeyAlgorithm keyAlgorithm) {
        this.certificate = certificate;
        this.keyAlgorithm = keyAlgorithm;
        this.fingerprint = fingerprintOf(certificate);
    }

    /**
     * Reads one certificate from PEM text, as {@code keytool -exportcert -rfc} writes it, and checks that it can sign
     * jars for the marketplace now.
     *
     * @param pem the PEM text: one {@code CERTIFICATE} block; text around it is ignored
     * @param clock the time against which the certificate's validity is checked
     * @return the certificate
     * @throws CertificateRefusal if the text is not one PEM X.509 certificate, its key algorithm is not Ed25519, EC
     *     or RSA, or it is not valid at the clock's instant
     */
    public static SigningCertificate parse(String pem, Clock clock) {
        Objects.requireNonNull(pem, "pem");
        Objects.requireNonNull(clock, "clock");
        X509Certificate certificate = decode(onlyCertificateBlock(pem));
        SigningCertificate parsed = new SigningCertificate(certificate, keyAlgorithmOf(certificate));
        parsed.checkValidAt(clock.instant());
        return parsed;
    }

    /**
     * The certificate that signed a jar, as {@link SignedJarCheck#intactSigner} found it; its validity period is not
     * checked (registration checks it).
     *
     * @throws CertificateRefusal if its key algorithm is not Ed25519, EC or RSA
     */
    public static SigningCertificate ofSigner(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        return new SigningCertificate(certificate, keyAlgorithmOf(certificate));
    }

    /** The X.509 certificate itself. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The algorithm of the certificate's public key. */
    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    /** Who the certificate names, e.g. {@code CN=Acme Plugins, O=Acme, C=ES}, written as {@code keytool} shows its owner. */
    public String subject() {
        return certificate.getSubjectX500Principal().toString();
    }

    /** The first instant at which the certificate is valid. */
    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    /** The last instant at which the certificate is valid. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /**
     * The SHA-256 digest of the certificate's DER encoding, in upper-case hex pairs separated by colons: exactly what
     * {@code keytool -list} prints as {@code Certificate fingerprint (SHA-256)} and {@code keytool -printcert} as
     * {@code SHA256}.
     */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningCertificate that && fingerprint.equals(that.fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return subject() + " (" + keyAlgorithm + ", SHA-256 " + fingerprint + ")";
    }

    /** The fingerprint of any certificate, e.g. of a jar's signer that is not registered. */
    static String fingerprintOf(X509Certificate certificate) {
        try {
            return FINGERPRINT_FORMAT.formatHex(Sha256.digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            // A certificate the JDK parsed or verified a signature with always has its encoding.
            throw new IllegalStateException("certificate without an encoding: " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static PemBlock onlyCertificateBlock(String pem) {
        List<PemBlock> blocks = PemBlock.findAll(pem);
        if (blocks.isEmpty()) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_PEM, "This is not a PEM certificate: expected a"
                    + " block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, as keytool -exportcert -rfc"
                    + " writes it.");
        }
        for (PemBlock block : blocks) {
            if (block.label().contains("PRIVATE KEY")) {
                throw new CertificateRefusal(CertificateRefusal.Reason.NOT_X509_CERTIFICATE, "This is a private key ("
                        + block.label() + "), not a certificate. Keep the private key to yourself and register the"
                        + " certificate instead: keytool -exportcert -rfc.");
            }
            if (!block.label().equals(CERTIFICATE_LABEL)) {
                throw new CertificateRefusal(CertificateRefusal.Reason.NOT_X509_CERTIFICATE, "This is a " + block.label()
                        + ", not a certificate; export the certificate with keytool -exportcert -rfc.");
            }
        }
        if (blocks.size() > 1) {
            throw new CertificateRefusal(CertificateRefusal.Reason.SEVERAL_CERTIFICATES, "The text holds " + blocks.size()
                    + " certificates; register each signing key's certificate on its own, as keytool -exportcert -rfc"
                    + " -alias <alias> writes it.");
        }
        return blocks.getFirst();
    }

    private static X509Certificate decode(PemBlock block) {
        byte[] der = block.decode();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            // The factory stops after one certificate; trailing bytes would be a second, hidden payload.
            if (!Arrays.equals(certificate.getEncoded(), der)) {
                throw new CertificateException("bytes follow the certificate");
            }
            return certificate;
        } catch (CertificateException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_X509_CERTIFICATE, "The CERTIFICATE block is not a"
                    + " readable X.509 certificate (" + e.getMessage() + "); export it again with keytool -exportcert"
                    + " -rfc.", e);
        }
    }

    private static KeyAlgorithm keyAlgorithmOf(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        // Ed25519 and Ed448 keys both say "EdDSA"; the curve is in their parameters.
        String name = key instanceof EdECKey edec ? edec.getParams().getName() : key.getAlgorithm();
        return switch (name) {
            case "Ed25519" -> KeyAlgorithm.ED25519;
            case "EC" -> KeyAlgorithm.EC;
            case "RSA" -> KeyAlgorithm.RSA;
            default -> throw new CertificateRefusal(CertificateRefusal.Reason.UNSUPPORTED_KEY_ALGORITHM, "The certificate's"
                    + " key is " + name + "; the marketplace accepts Ed25519, EC or RSA keys. Make a new key with"
                    + " keytool -genkeypair -keyalg Ed25519 and register its certificate.");
        };
    }

    private void checkValidAt(Instant now) {
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.EXPIRED, "The certificate " + subject() + " expired at "
                    + notAfter() + "; make a new key (or renew this one with keytool -selfcert) and register its"
                    + " certificate.", e);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_YET_VALID, "The certificate " + subject()
                    + " is valid only from " + notBefore() + "; register it from then, or make one valid from today"
                    + " (keytool -genkeypair without -startdate).", e);
        }
    }
}
