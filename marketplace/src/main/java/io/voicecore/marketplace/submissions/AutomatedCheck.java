package io.voicecore.marketplace.submissions;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.marketplace.signing.SigningCertificate;

/** The automated review of a submission: one report, a section per check, in seconds. */
@FunctionalInterface
public interface AutomatedCheck {

    /** How the report came out. */
    enum Outcome {
        /** Every check passed. */
        CLEAN,
        /** No check failed, but some want a reviewer's eye (e.g. new permissions). */
        NEEDS_REVIEW,
        /** A check failed: the submission is rejected without a reviewer. */
        REJECTED
    }

    /**
     * @param outcome          the overall outcome
     * @param json             the report as the API shows it
     * @param failures         one line per failed check, the reasons a rejection gives
     * @param addedPermissions permissions asked for that the last published version did not declare
     */
    record Report(Outcome outcome, Map<String, Object> json, List<String> failures, Set<String> addedPermissions) {
    }

    /**
     * Reviews a jar.
     *
     * @param certificates  the publisher's signing certificates that may sign now
     * @param lastPublished the manifest of the plugin's last published version, if any
     */
    Report review(byte[] jar, List<SigningCertificate> certificates, Optional<PluginManifest> lastPublished);
}
