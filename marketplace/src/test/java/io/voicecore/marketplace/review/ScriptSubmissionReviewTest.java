package io.voicecore.marketplace.review;

import static io.voicecore.marketplace.review.ReviewFixture.signed;
import static io.voicecore.marketplace.review.ReviewFixture.submission;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.kernel.plugins.script.ScriptSandbox;
import io.voicecore.marketplace.review.ReviewReport.Verdict;
import io.voicecore.marketplace.review.ReviewSection.Outcome;

/**
 * A script plugin (runtime: javascript) through the whole automated review: the verifier has no classes to judge,
 * so a clean script jar passes every section and is smoke-installed in a trial that runs its script; a script jar
 * that also carries classes is refused by the verifier.
 */
class ScriptSubmissionReviewTest {
    private static ScriptSandbox scripts;
    private static PluginTrials trials;
    private static AutomatedReview review;

    @BeforeAll
    static void start() {
        scripts = new ScriptSandbox(new KernelConfig.Scripts(1_000_000, Duration.ofSeconds(2), 64L << 20, 2, 1));
        trials = new PluginTrials(ReviewFixture.trialsDir(), new PluginTrials.Settings(Duration.ofSeconds(5), Duration.ofSeconds(5),
                                                                                       64L << 20, 2), Optional.of(scripts));
        review = new AutomatedReview(trials, ReviewLimits.defaults());
    }

    @AfterAll
    static void stop() {
        trials.close();
        scripts.close();
    }

    @Test
    void aScriptPluginGetsACleanReport() {
        byte[] jar = TestPlugins.script("scripted-greeter", "1.0.0", List.of(), List.of("GET /hello"), "",
                                        "function route(request, ctx) { return {greeting: 'hello ' + ctx.tenantId}; }").bytes();
        ReviewReport report = review.review(submission(signed(jar)));
        report.sections().forEach(section -> assertEquals(Outcome.PASSED, section.outcome(),
                                                          section.name() + ": " + section.summary() + " " + section.findings()));
        assertEquals(Verdict.CLEAN, report.verdict());
        assertTrue(report.section("smoke-install").orElseThrow().summary().contains("1 route(s) answered"),
                   report.section("smoke-install").orElseThrow().summary());
    }

    @Test
    void aScriptJarThatCarriesClassesIsRefusedByTheVerifier() {
        byte[] jar = TestPlugins.script("scripted-mixed", "1.0.0", List.of(), List.of("GET /hello"), "",
                                        "function route(request, ctx) { return {}; }")
                .source("testplugin.scripted_mixed.Hidden", "package testplugin.scripted_mixed; public class Hidden { }").bytes();
        ReviewReport report = review.review(submission(signed(jar)));
        ReviewSection verifier = report.section("verifier").orElseThrow();
        assertEquals(Outcome.FAILED, verifier.outcome(), verifier.summary());
        assertTrue(verifier.findings().toString().contains("carries no classes"), verifier.findings().toString());
    }
}
