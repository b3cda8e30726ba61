package io.voicecore.marketplace.publishers;

import java.security.cert.CertificateEncodingException;
import java.util.Base64;

import io.voicecore.marketplace.signing.SigningCertificate;

/** A certificate as the PEM text the marketplace stores: exactly its DER bytes, whatever surrounded them when sent. */
final class PemText {
    private PemText() {
    }

    static String of(SigningCertificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                   + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.certificate().getEncoded())
                   + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate could not be encoded again", e);
        }
    }
}
