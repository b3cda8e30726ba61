package io.voicecore.marketplace.review;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.kernel.plugins.verify.PluginVerifier;

/**
 * The marketplace's automated review of a submitted plugin jar: a pure service (no HTTP, no database) that runs seven
 * checks in order and reports each as a {@link ReviewSection}:
 *
 * <ol>
 *   <li>{@code signature}: one of the publisher's registered keys signed all of it;</li>
 *   <li>{@code manifest}: its {@code plugin.yaml} parses;</li>
 *   <li>{@code verifier}: the kernel's bytecode verifier accepts it;</li>
 *   <li>{@code compatibility}: its references into the SDK link against the SDK of every released kernel its
 *       {@code kernel} range admits;</li>
 *   <li>{@code permissions}: which permissions it adds or drops since the last published version;</li>
 *   <li>{@code limits}: jar size and entries, and the call limits it asks for;</li>
 *   <li>{@code smoke-install}: it starts, answers its routes without a server error and stops, in a kernel trial
 *       that touches no tenant.</li>
 * </ol>
 *
 * <p>After a failed {@code signature} or {@code manifest} the other checks are {@code skipped}, and so is
 * {@code smoke-install} when the verifier refused the jar (code it refuses is not run). A check that breaks on a jar
 * fails its section instead of the review. Safe for concurrent use.
 */
public final class AutomatedReview {
    /** The {@code signature} summary of an unsigned jar reviewed before submission: information, not a finding. */
    public static final String NOT_SIGNED_YET = "not signed yet — run plugin sign before plugin submit";
    private static final Logger LOG = Logger.getLogger(AutomatedReview.class.getName());

    private final ManifestParser manifests = new ManifestParser();
    private final PluginVerifier verifier = new PluginVerifier(manifests);
    private final CompatibilityCheck compatibility;
    private final SmokeInstall smokeInstall;
    private final ReviewLimits limits;

    /**
     * @param trials where {@code smoke-install} runs submissions: the kernel's ({@link KernelServices#pluginTrials()})
     * @param limits the marketplace's limits on a jar
     */
    public AutomatedReview(PluginTrials trials, ReviewLimits limits) {
        this(trials, limits, SdkHistory.bundled());
    }

    AutomatedReview(PluginTrials trials, ReviewLimits limits, SdkHistory history) {
        this.compatibility = new CompatibilityCheck(history, verifier);
        this.smokeInstall = new SmokeInstall(trials);
        this.limits = limits;
    }

    /** The review a marketplace running on this kernel makes, with the default {@link ReviewLimits}. */
    public static AutomatedReview on(KernelServices kernel) {
        return new AutomatedReview(kernel.pluginTrials(), ReviewLimits.defaults());
    }

    /** Reviews a submission; never throws for anything in the jar. */
    public ReviewReport review(Submission submission) {
        return review(submission.jar(), () -> SignatureCheck.check(submission), submission.lastPublished());
    }

    /**
     * The review on the publisher's machine before submitting ({@code ./voicecore plugin verify}): the same checks, but
     * the registered certificates and the last published version are the marketplace's to know. So {@code signature}
     * checks that the jar is signed intact, by one signer, whatever the key (an unsigned jar passes with the summary
     * {@link #NOT_SIGNED_YET}), and {@code permissions} treats the jar as a first version. Never throws
     * for anything in the jar.
     */
    public ReviewReport reviewBeforeSubmission(byte[] jar) {
        return review(jar, () -> SignatureCheck.checkBeforeSubmission(jar), Optional.empty());
    }

    private ReviewReport review(byte[] jar, Supplier<ReviewSection> signatureCheck, Optional<PluginManifest> lastPublished) {
        long started = System.nanoTime();
        List<ReviewSection> sections = new ArrayList<>();
        ReviewSection signature = timed(SignatureCheck.NAME, signatureCheck);
        sections.add(signature);
        Optional<PluginManifest> parsed = Optional.empty();
        String skipped = "not run: the signature failed";
        if (signature.outcome() == ReviewSection.Outcome.FAILED) {
            sections.add(ReviewSection.skipped(ManifestCheck.NAME, skipped));
        } else {
            long mark = System.nanoTime();
            ManifestCheck.Read read;
            try {
                read = ManifestCheck.check(jar, manifests);
            } catch (RuntimeException e) {
                read = new ManifestCheck.Read(broken(ManifestCheck.NAME, e), Optional.empty());
            }
            sections.add(read.section().took(Duration.ofNanos(System.nanoTime() - mark)));
            parsed = read.manifest();
            skipped = "not run: the manifest failed";
        }
        if (parsed.isEmpty()) {
            for (String name : List.of(VerifierCheck.NAME, CompatibilityCheck.NAME, PermissionDiff.NAME, LimitsCheck.NAME, SmokeInstall.NAME)) {
                sections.add(ReviewSection.skipped(name, skipped));
            }
            return new ReviewReport(sections, Duration.ofNanos(System.nanoTime() - started));
        }
        PluginManifest manifest = parsed.get();
        ReviewSection verified = timed(VerifierCheck.NAME, () -> VerifierCheck.check(jar, manifest, verifier));
        sections.add(verified);
        sections.add(timed(CompatibilityCheck.NAME, () -> compatibility.check(jar, manifest)));
        sections.add(timed(PermissionDiff.NAME, () -> PermissionDiff.check(manifest, lastPublished)));
        sections.add(timed(LimitsCheck.NAME, () -> LimitsCheck.check(jar, manifest, limits)));
        sections.add(verified.outcome() == ReviewSection.Outcome.FAILED
                ? ReviewSection.skipped(SmokeInstall.NAME, "not run: the verifier refused the jar, so its code is not run")
                : timed(SmokeInstall.NAME, () -> smokeInstall.check(jar, manifest)));
        return new ReviewReport(sections, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Runs a check and records how long it took; a check that throws fails its section, saying what went wrong. */
    private static ReviewSection timed(String name, Supplier<ReviewSection> check) {
        long started = System.nanoTime();
        ReviewSection section;
        try {
            section = check.get();
        } catch (RuntimeException e) {
            section = broken(name, e);
        }
        return section.took(Duration.ofNanos(System.nanoTime() - started));
    }

    private static ReviewSection broken(String name, RuntimeException e) {
        LOG.log(Level.WARNING, "The review check '" + name + "' could not judge a submission", e);
        return ReviewSection.of(name, ReviewSection.Outcome.FAILED, "could not be checked: " + e, List.of());
    }
}
