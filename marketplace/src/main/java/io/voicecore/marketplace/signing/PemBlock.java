package io.voicecore.marketplace.signing;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code -----BEGIN label-----} ... {@code -----END label-----} block of a PEM text (RFC 7468): its label and
 * its base64 body, not yet decoded. Text around the blocks is ignored, as RFC 7468 allows.
 */
record PemBlock(String label, String body) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([^-\\r\\n]*)-----(.*?)-----END ([^-\\r\\n]*)-----", Pattern.DOTALL);

    /**
     * The blocks of the text, in order.
     *
     * @throws CertificateRefusal {@code NOT_PEM} if a block's END label differs from its BEGIN label
     */
    static List<PemBlock> findAll(String text) {
        List<PemBlock> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            if (!matcher.group(1).equals(matcher.group(3))) {
                throw new CertificateRefusal(CertificateRefusal.Reason.NOT_PEM, "The PEM block opened with -----BEGIN "
                        + matcher.group(1) + "----- closes with -----END " + matcher.group(3) + "-----; export the"
                        + " certificate again with keytool -exportcert -rfc.");
            }
            blocks.add(new PemBlock(matcher.group(1), matcher.group(2)));
        }
        return blocks;
    }

    /**
     * The decoded body.
     *
     * @throws CertificateRefusal {@code NOT_PEM} if the body is not base64
     */
    byte[] decode() {
        try {
            // Strict decoding once line breaks are gone: a MIME decoder would skip stray characters silently.
            return Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_PEM, "The body of the PEM block -----BEGIN "
                    + label + "----- is not base64 (" + e.getMessage() + "); the file was damaged, export the"
                    + " certificate again with keytool -exportcert -rfc.", e);
        }
    }
}
