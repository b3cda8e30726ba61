package io.voicecore.marketplace.signing;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.marketplace.signing.SignedJarRefusal.Reason;

/**
 * Decides whether a submitted plugin jar is signed by its publisher: every entry signed by one of the publisher's
 * registered certificates, the same one throughout, and nothing changed, added or removed since. The JDK verifies
 * the signatures and digests, under its own policy of disabled algorithms ({@code jdk.jar.disabledAlgorithms});
 * this class reads what it found.
 *
 * <p>The rules, in the order they are checked: the bytes are a readable jar ({@code MALFORMED}) whose entries match
 * their signed digests ({@code TAMPERED}); it carries a signature ({@code UNSIGNED}) that the JDK accepts
 * ({@code SIGNATURE_NOT_ACCEPTED}), made by one signer ({@code SEVERAL_SIGNERS}) whose certificate is registered
 * ({@code UNKNOWN_KEY}); that signature covers every entry ({@code PARTLY_SIGNED}) and every signed entry is still
 * there ({@code TAMPERED}). Signature files and directories need no signature.
 *
 * <p>The certificate's own validity is not checked here: it was checked at registration, and the JDK does not check
 * it when it loads signed classes either. A caller that wants expired certificates refused leaves them out.
 *
 * <p>Stateless and safe for concurrent use.
 */
public final class SignedJarCheck {
    /** Most bytes the entries of a jar may expand to: the check reads them all, so a zip bomb stops here. */
    static final long MAX_EXPANDED_BYTES = 256L << 20;
    /** How many entry names a refusal lists before it only counts the rest. */
    private static final int NAMES_SHOWN = 5;

    private SignedJarCheck() {
    }

    /**
     * Checks a jar against the publisher's signing certificates.
     *
     * @param jar the jar as submitted
     * @param registered the certificates registered for the publisher and not revoked
     * @return the registered certificate that signed the jar; its {@link SigningCertificate#fingerprint()} says which
     * @throws SignedJarRefusal if the jar is not acceptable; its reason says which rule failed and its message how to
     *     fix it
     */
    public static SigningCertificate check(byte[] jar, Collection<SigningCertificate> registered) {
        Objects.requireNonNull(jar, "jar");
        List<SigningCertificate> candidates = List.copyOf(registered);
        SignedEntries entries = SignedEntries.read(jar, PluginVerifier.MAX_ENTRIES, MAX_EXPANDED_BYTES);
        if (entries.signers().isEmpty()) {
            throw SignedJarRefusal.of(Reason.MALFORMED, "The jar holds nothing but its manifest and signature files;"
                    + " upload the plugin jar the build wrote.");
        }
        X509Certificate signer = onlySigner(entries);
        SigningCertificate match = registeredMatch(signer, candidates);
        requireAllCovered(entries);
        return match;
    }

    /**
     * Checks a jar's signature on the publisher's machine, where the registered certificates are not known: the same
     * rules as {@link #check} except {@code UNKNOWN_KEY}, so a jar that passes here is accepted by the marketplace
     * when its signer's certificate is registered.
     *
     * @param jar the jar as it will be submitted
     * @return the certificate that signed it, whichever it is
     * @throws SignedJarRefusal if the jar is not acceptable whatever the key; {@code UNSIGNED} when it is not signed
     */
    public static X509Certificate intactSigner(byte[] jar) {
        Objects.requireNonNull(jar, "jar");
        SignedEntries entries = SignedEntries.read(jar, PluginVerifier.MAX_ENTRIES, MAX_EXPANDED_BYTES);
        if (entries.signers().isEmpty()) {
            throw SignedJarRefusal.of(Reason.MALFORMED, "The jar holds nothing but its manifest and signature files;"
                    + " upload the plugin jar the build wrote.");
        }
        X509Certificate signer = onlySigner(entries);
        requireAllCovered(entries);
        return signer;
    }

    /** Every entry is signed, and every signed entry is still there. */
    private static void requireAllCovered(SignedEntries entries) {
        List<String> unsigned = entries.signers().entrySet().stream()
                .filter(entry -> entry.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        if (!unsigned.isEmpty()) {
            throw SignedJarRefusal.atEntry(Reason.PARTLY_SIGNED, unsigned.getFirst(), names(unsigned) + " not covered by"
                    + " the jar's signature: added or changed after signing. Sign the final jar again, as the last step"
                    + " of the build.");
        }
        if (!entries.missing().isEmpty()) {
            throw SignedJarRefusal.atEntry(Reason.TAMPERED, entries.missing().getFirst(), names(entries.missing())
                    + " signed but no longer in the jar: removed after signing. Sign the final jar again, as the last"
                    + " step of the build.");
        }
    }

    /** The one signer of the jar. */
    private static X509Certificate onlySigner(SignedEntries entries) {
        // By fingerprint: the same certificate read from two signature blocks is two objects.
        Map<String, X509Certificate> signers = new LinkedHashMap<>();
        entries.signers().values().forEach(certificates -> certificates.forEach(
                certificate -> signers.putIfAbsent(SigningCertificate.fingerprintOf(certificate), certificate)));
        if (signers.isEmpty() && entries.signatureFiles().isEmpty()) {
            throw SignedJarRefusal.of(Reason.UNSIGNED, "The jar is not signed. Sign it with your registered key:"
                    + " jarsigner -keystore <keystore> <jar> <alias>.");
        }
        if (signers.isEmpty()) {
            throw SignedJarRefusal.of(Reason.SIGNATURE_NOT_ACCEPTED, "The jar carries a signature ("
                    + String.join(", ", entries.signatureFiles()) + ") that the JDK accepts for none of its entries:"
                    + " it was made with an algorithm the JDK disables (such as MD5 or SHA-1), or the manifest or"
                    + " signature files changed after signing. Sign the jar again with jarsigner of JDK 21 or newer,"
                    + " without -digestalg or -sigalg.");
        }
        if (signers.size() > 1) {
            throw SignedJarRefusal.of(Reason.SEVERAL_SIGNERS, "The jar is signed by " + signers.size() + " signers ("
                    + signers.entrySet().stream().map(e -> describe(e.getValue(), e.getKey()))
                            .collect(Collectors.joining("; "))
                    + "); the marketplace accepts one. Build the jar again and sign it once, with your registered key.");
        }
        return signers.values().iterator().next();
    }

    private static SigningCertificate registeredMatch(X509Certificate signer, List<SigningCertificate> registered) {
        String fingerprint = SigningCertificate.fingerprintOf(signer);
        for (SigningCertificate candidate : registered) {
            if (candidate.fingerprint().equals(fingerprint)) {
                return candidate;
            }
        }
        String known = registered.isEmpty() ? "no certificate is registered for this publisher"
                : "registered: " + registered.stream().map(SigningCertificate::fingerprint).collect(Collectors.joining(", "));
        throw SignedJarRefusal.of(Reason.UNKNOWN_KEY, "The jar is signed by " + describe(signer, fingerprint)
                + ", a certificate that is not registered or revoked for this publisher (" + known + "). Sign with a"
                + " registered key, or register this certificate (keytool -exportcert -rfc).");
    }

    private static String describe(X509Certificate certificate, String fingerprint) {
        return certificate.getSubjectX500Principal() + " with SHA-256 fingerprint " + fingerprint;
    }

    /** "Entry a is" or "3 entries (a, b, c) are", the start of a sentence. */
    private static String names(List<String> entries) {
        if (entries.size() == 1) {
            return "Entry " + entries.getFirst() + " is";
        }
        List<String> shown = new ArrayList<>(entries.subList(0, Math.min(NAMES_SHOWN, entries.size())));
        if (entries.size() > NAMES_SHOWN) {
            shown.add("and " + (entries.size() - NAMES_SHOWN) + " more");
        }
        return entries.size() + " entries (" + String.join(", ", shown) + ") are";
    }
}
