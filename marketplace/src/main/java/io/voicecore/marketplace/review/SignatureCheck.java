package io.voicecore.marketplace.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.marketplace.signing.CertificateRefusal;
import io.voicecore.marketplace.signing.SignedJarCheck;
import io.voicecore.marketplace.signing.SignedJarRefusal;
import io.voicecore.marketplace.signing.SigningCertificate;

/** Section {@code signature}: one of the publisher's registered keys signed all of the jar ({@link SignedJarCheck}). */
final class SignatureCheck {
    static final String NAME = "signature";

    private SignatureCheck() {
    }

    static ReviewSection check(Submission submission) {
        try {
            SigningCertificate signer = SignedJarCheck.check(submission.jar(), submission.registeredCertificates());
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("fingerprint", signer.fingerprint());
            finding.put("subject", signer.subject());
            finding.put("keyAlgorithm", signer.keyAlgorithm().name());
            return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, "signed by the registered key " + signer.fingerprint()
                                                                        + " (" + signer.subject() + ")", List.of(finding));
        } catch (SignedJarRefusal refusal) {
            return refused(refusal);
        }
    }

    /**
     * The section on the publisher's machine ({@link AutomatedReview#reviewBeforeSubmission}): the signature is intact,
     * whichever key made it, and an unsigned jar passes with a note, since signing is the last step before submitting.
     */
    static ReviewSection checkBeforeSubmission(byte[] jar) {
        try {
            SigningCertificate signer = SigningCertificate.ofSigner(SignedJarCheck.intactSigner(jar));
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("signed", true);
            finding.put("fingerprint", signer.fingerprint());
            finding.put("subject", signer.subject());
            finding.put("keyAlgorithm", signer.keyAlgorithm().name());
            return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, "signature ok: signed by " + signer.fingerprint() + " ("
                    + signer.subject() + "); the marketplace accepts it once this certificate is registered for you",
                                    List.of(finding));
        } catch (SignedJarRefusal refusal) {
            if (refusal.reason() == SignedJarRefusal.Reason.UNSIGNED) {
                Map<String, Object> finding = new LinkedHashMap<>();
                finding.put("signed", false);
                finding.put("detail", refusal.getMessage());
                return ReviewSection.of(NAME, ReviewSection.Outcome.PASSED, AutomatedReview.NOT_SIGNED_YET, List.of(finding));
            }
            return refused(refusal);
        } catch (CertificateRefusal refusal) {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("reason", refusal.reason().name());
            finding.put("detail", refusal.getMessage());
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, refusal.reason().name() + ": " + refusal.getMessage(),
                                    List.of(finding));
        }
    }

    private static ReviewSection refused(SignedJarRefusal refusal) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("reason", refusal.reason().name());
        refusal.entry().ifPresent(entry -> finding.put("entry", entry));
        finding.put("detail", refusal.getMessage());
        return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, refusal.reason().name() + ": " + refusal.getMessage(),
                                List.of(finding));
    }
}
