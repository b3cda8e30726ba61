package io.voicecore.marketplace.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("reason", refusal.reason().name());
            refusal.entry().ifPresent(entry -> finding.put("entry", entry));
            finding.put("detail", refusal.getMessage());
            return ReviewSection.of(NAME, ReviewSection.Outcome.FAILED, refusal.reason().name() + ": " + refusal.getMessage(),
                                    List.of(finding));
        }
    }
}
