package io.voicecore.marketplace.review;

import static io.voicecore.marketplace.review.ReviewFixture.plugin;
import static io.voicecore.marketplace.review.ReviewFixture.signed;
import static io.voicecore.marketplace.review.ReviewFixture.submission;
import static io.voicecore.marketplace.review.ReviewFixture.wellBehaved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.marketplace.review.ReviewReport.Verdict;
import io.voicecore.marketplace.review.ReviewSection.Outcome;
import io.voicecore.marketplace.signing.SignedJarFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real signed plugin jars through the whole review: a clean one, and one broken in each way a section reports, with
 * a kernel trial that stays healthy through plugins that throw or hang.
 */
class AutomatedReviewTest {
    private static final List<String> SECTIONS = List.of("signature", "manifest", "verifier", "compatibility", "permissions",
                                                         "limits", "smoke-install");
    private static PluginTrials trials;
    private static AutomatedReview review;

    @BeforeAll
    static void start() {
        trials = new PluginTrials(ReviewFixture.trialsDir(), new PluginTrials.Settings(Duration.ofSeconds(2), Duration.ofSeconds(2),
                                                                                       64L << 20, 4));
        review = new AutomatedReview(trials, ReviewLimits.defaults());
    }

    @AfterAll
    static void stop() {
        trials.close();
    }

    private static ReviewSection section(ReviewReport report, String name) {
        return report.section(name).orElseThrow(() -> new AssertionError("no section " + name + ": " + report.toJson()));
    }

    private static void assertOutcome(ReviewReport report, String name, Outcome expected) {
        ReviewSection section = section(report, name);
        assertEquals(expected, section.outcome(), name + ": " + section.summary() + " " + section.findings());
    }

    @Test
    void beforeSubmissionAnUnsignedJarIsNotedAndEveryOtherCheckRuns() {
        ReviewReport report = review.reviewBeforeSubmission(wellBehaved("local-greeter").bytes());

        assertEquals(SECTIONS, report.sections().stream().map(ReviewSection::name).toList());
        SECTIONS.forEach(name -> assertOutcome(report, name, Outcome.PASSED));
        assertEquals(AutomatedReview.NOT_SIGNED_YET, section(report, "signature").summary());
        assertEquals(false, section(report, "signature").findings().getFirst().get("signed"));
        assertEquals(Verdict.CLEAN, report.verdict());
    }

    @Test
    void beforeSubmissionAnyKeySignsButAChangeAfterSigningFails() {
        byte[] jar = ReviewFixture.signedBy(wellBehaved("local-signed").bytes(), ReviewFixture.strangerKey());
        ReviewReport signed = review.reviewBeforeSubmission(jar);
        assertOutcome(signed, "signature", Outcome.PASSED);
        assertTrue(section(signed, "signature").summary().startsWith("signature ok: signed by "), section(signed, "signature").summary());
        // The same jar at the marketplace: the stranger's key is not the publisher's registered one.
        assertOutcome(review.review(submission(jar)), "signature", Outcome.FAILED);

        byte[] changed = SignedJarFixture.add(jar, "notes.txt", "added after signing".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ReviewReport tampered = review.reviewBeforeSubmission(changed);
        assertOutcome(tampered, "signature", Outcome.FAILED);
        assertTrue(section(tampered, "signature").summary().startsWith("PARTLY_SIGNED"), section(tampered, "signature").summary());
        assertEquals(Verdict.REJECTED, tampered.verdict());
    }

    @Test
    void aWellBehavedPluginGetsACleanReport() {
        ReviewReport report = review.review(submission(signed(wellBehaved("clean-greeter").bytes())));

        assertEquals(SECTIONS, report.sections().stream().map(ReviewSection::name).toList());
        SECTIONS.forEach(name -> assertOutcome(report, name, Outcome.PASSED));
        assertEquals(Verdict.CLEAN, report.verdict());
        assertTrue(section(report, "signature").summary().contains(ReviewFixture.registered().fingerprint()));
        assertEquals("clean-greeter 1.0.0", section(report, "manifest").summary());
        assertEquals("links against SDK " + io.voicecore.sdk.SdkVersion.text() + " (kernel " + io.voicecore.kernel.config.KernelVersion.CURRENT
                     + ")", section(report, "compatibility").summary());
        assertEquals("started, 2 route(s) answered without a server error, stopped; 1 route(s) with path parameters not called",
                     section(report, "smoke-install").summary());

        JsonNode json = report.toJson();
        assertEquals("clean", json.get("outcome").asText());
        assertEquals(7, json.get("sections").size());
        JsonNode signature = json.get("sections").get(0);
        assertEquals("signature", signature.get("name").asText());
        assertEquals("passed", signature.get("outcome").asText());
        assertTrue(signature.get("durationMillis").isIntegralNumber());
        assertEquals(ReviewFixture.registered().fingerprint(), signature.get("findings").get(0).get("fingerprint").asText());
        JsonNode hello = json.get("sections").get(6).get("findings").get(1);
        assertEquals(Map.of("step", "route", "route", "GET /hello", "outcome", "passed", "detail", "answered 200", "status", "200"),
                     Map.of("step", hello.get("step").asText(), "route", hello.get("route").asText(),
                            "outcome", hello.get("outcome").asText(), "detail", hello.get("detail").asText(),
                            "status", hello.get("status").asText()));
    }

    @Test
    void anUnsignedJarFailsTheSignatureAndSkipsTheRest() {
        ReviewReport report = review.review(submission(wellBehaved("unsigned").bytes()));

        assertOutcome(report, "signature", Outcome.FAILED);
        assertTrue(section(report, "signature").summary().startsWith("UNSIGNED: "), section(report, "signature").summary());
        assertEquals("UNSIGNED", section(report, "signature").findings().getFirst().get("reason"));
        SECTIONS.subList(1, SECTIONS.size()).forEach(name -> assertOutcome(report, name, Outcome.SKIPPED));
        assertEquals("not run: the signature failed", section(report, "smoke-install").summary());
        assertEquals(Verdict.REJECTED, report.verdict());
    }

    @Test
    void aJarSignedByAKeyThePublisherDidNotRegisterFailsTheSignature() {
        SignedJarFixture.Key stranger = ReviewFixture.strangerKey();
        ReviewReport report = review.review(submission(ReviewFixture.signedBy(wellBehaved("stranger").bytes(), stranger)));

        assertOutcome(report, "signature", Outcome.FAILED);
        assertEquals("UNKNOWN_KEY", section(report, "signature").findings().getFirst().get("reason"));
        assertTrue(section(report, "signature").summary().contains(stranger.certificate().fingerprint()));
        assertEquals(Verdict.REJECTED, report.verdict());
    }

    @Test
    void aClassReplacedAfterSigningFailsTheSignatureNamingIt() {
        byte[] signed = signed(wellBehaved("replaced").bytes());
        String main = "testplugin/replaced/Main.class";
        byte[] other = plugin("replaced", List.of(), List.of(), "", "").bytes();
        byte[] tampered = SignedJarFixture.replace(signed, main, TestJars.entry(other, main));

        ReviewReport report = review.review(submission(tampered));

        assertOutcome(report, "signature", Outcome.FAILED);
        Map<String, Object> finding = section(report, "signature").findings().getFirst();
        assertEquals("TAMPERED", finding.get("reason"));
        assertEquals(main, finding.get("entry"));
        assertOutcome(report, "manifest", Outcome.SKIPPED);
    }

    @Test
    void aJarUsingForbiddenApisFailsTheVerifierWithClassMethodAndApiAndIsNotRun() {
        byte[] jar = signed(plugin("spawns", List.of(), List.of(), "", """
                static boolean run() throws Exception {
                    Runtime.getRuntime().exec(new String[] {"id"});
                    return new java.io.File("/etc/passwd").exists();
                }
                """).bytes());

        ReviewReport report = review.review(submission(jar));

        assertOutcome(report, "verifier", Outcome.FAILED);
        List<Map<String, Object>> findings = section(report, "verifier").findings();
        assertTrue(findings.contains(Map.of("class", "testplugin.spawns.Main", "method", "run()Z",
                "api", "java/lang/Runtime.exec([Ljava/lang/String;)Ljava/lang/Process;",
                "reason", findings.stream().filter(f -> f.get("api").toString().startsWith("java/lang/Runtime.exec"))
                        .findFirst().orElseThrow().get("reason"), "category", "processes")), findings.toString());
        assertTrue(findings.stream().anyMatch(f -> f.get("api").equals("java/io/File.<init>(Ljava/lang/String;)V")
                                                   && f.get("category").equals("file-system") && f.get("method").equals("run()Z")),
                   findings.toString());
        assertTrue(section(report, "verifier").summary().contains("file system (2), processes (1)"), section(report, "verifier").summary());
        assertOutcome(report, "smoke-install", Outcome.SKIPPED);
        assertEquals(Verdict.REJECTED, report.verdict());
    }

    @Test
    void aPluginWhoseStartThrowsOrHangsFailsTheSmokeInstallAndTheKernelStaysHealthy() throws InterruptedException {
        ReviewReport throwing = review.review(submission(signed(plugin("start-throws", List.of(), List.of(),
                "throw new IllegalStateException(\"cannot start without a database\");", "").bytes())));
        assertOutcome(throwing, "smoke-install", Outcome.FAILED);
        assertTrue(section(throwing, "smoke-install").summary().contains("did not start: plugin start-throws 1.0.0 could not start:"
                                                                          + " cannot start without a database"),
                   section(throwing, "smoke-install").summary());

        ReviewReport hanging = review.review(submission(signed(plugin("start-hangs", List.of(), List.of(), """
                long n = 0;
                while (n >= 0) {
                    n++;
                }
                """, "").bytes())));
        assertOutcome(hanging, "smoke-install", Outcome.FAILED);
        assertTrue(section(hanging, "smoke-install").summary().contains("did not answer setup() within 2000 ms"),
                   section(hanging, "smoke-install").summary());
        assertTrue(hanging.duration().compareTo(Duration.ofSeconds(10)) < 0, "the review ends in seconds: " + hanging.duration());

        awaitNoTrialThreads();
        ReviewReport after = review.review(submission(signed(wellBehaved("after-hang").bytes())));
        assertEquals(Verdict.CLEAN, after.verdict(), after.toJson().toString());
    }

    @Test
    void aRouteAnsweringAServerErrorOrHangingFailsTheSmokeInstall() throws InterruptedException {
        ReviewReport report = review.review(submission(signed(plugin("bad-routes", List.of(),
                List.of("GET /boom", "POST /spin", "GET /missing", "DELETE /gone"), """
                setup.route(HttpMethod.GET, "/boom", (request, context) -> {
                    throw new IllegalStateException("boom");
                });
                setup.route(HttpMethod.POST, "/spin", (request, context) -> {
                    while (true) {
                    }
                });
                setup.route(HttpMethod.GET, "/missing", (request, context) -> Response.json(404, Json.object().build()));
                setup.route(HttpMethod.DELETE, "/gone", (request, context) -> Response.json(503, Json.object().build()));
                """, "").bytes())));

        ReviewSection smoke = section(report, "smoke-install");
        assertEquals(Outcome.FAILED, smoke.outcome());
        assertTrue(smoke.summary().contains("GET /boom failed: Plugin 'bad-routes' failed in route GET /boom (IllegalStateException); "),
                   smoke.summary());
        assertTrue(smoke.summary().contains("POST /spin failed: Plugin 'bad-routes' did not answer route POST /spin within"),
                   smoke.summary());
        assertTrue(smoke.summary().contains("DELETE /gone answered 503"), smoke.summary());
        assertTrue(!smoke.summary().contains("/missing"), "a 4xx answer is the plugin's to give: " + smoke.summary());
        assertEquals("stop", smoke.findings().getLast().get("step"));
        assertEquals("passed", smoke.findings().getLast().get("outcome"));
        awaitNoTrialThreads();
    }

    @Test
    void aPluginUsingStorageIsNotFailedForItButToldItWasNotExercised() {
        ReviewReport report = review.review(submission(signed(plugin("stores", List.of("storage"), List.of("POST /notes"), """
                setup.route(HttpMethod.POST, "/notes", (request, context) -> {
                    try {
                        context.storage().update("INSERT INTO notes (tenant_id) VALUES (?)", Storage.TENANT);
                    } catch (PermissionDeniedException e) {
                        throw new IllegalStateException("storage is required", e);
                    }
                    return Response.created(Json.object().build());
                });
                """, "").resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL);").bytes())));

        ReviewSection smoke = section(report, "smoke-install");
        assertEquals(Outcome.PASSED, smoke.outcome(), smoke.summary());
        assertTrue(smoke.summary().endsWith("; storage not exercised (a trial has none)"), smoke.summary());
        Map<String, Object> notes = smoke.findings().get(1);
        assertEquals("not-exercised", notes.get("outcome"));
        assertEquals(List.of("storage"), notes.get("needs"));
        assertOutcome(report, "permissions", Outcome.WARNING);
        assertEquals("first version, asks for storage", section(report, "permissions").summary());
        assertEquals(Verdict.NEEDS_REVIEW, report.verdict());
    }

    @Test
    void aNewPermissionSinceTheLastPublishedVersionIsAWarning() {
        byte[] jar = signed(plugin("grows", List.of("storage", "secrets"), List.of(), "", "").bytes());

        ReviewReport report = review.review(ReviewFixture.upgrade(jar, ReviewFixture.manifest("grows", "0.9.0", List.of("storage", "usage"))));

        ReviewSection permissions = section(report, "permissions");
        assertEquals(Outcome.WARNING, permissions.outcome());
        assertEquals("asks for secrets in addition, no longer for usage since 0.9.0", permissions.summary());
        assertEquals(List.of(Map.of("change", "added", "permission", "secrets", "reason", "needed by the test"),
                             Map.of("change", "removed", "permission", "usage", "reason", "needed by the test")), permissions.findings());
        assertEquals(Verdict.NEEDS_REVIEW, report.verdict());
    }

    @Test
    void tooManyEntriesFailTheLimits() {
        AutomatedReview strict = new AutomatedReview(trials, new ReviewLimits(20L << 20, 3));
        byte[] jar = signed(wellBehaved("crowded").bytes());

        ReviewReport report = strict.review(submission(jar));

        ReviewSection limits = section(report, "limits");
        assertEquals(Outcome.FAILED, limits.outcome());
        long entries = (long) limits.findings().get(1).get("value");
        assertTrue(entries > 3, "the jar has " + entries + " entries");
        assertEquals("over the limit: entries is " + entries + ", more than 3", limits.summary());
        assertEquals(Verdict.REJECTED, report.verdict());
    }

    private static void awaitNoTrialThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (trials.activeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, trials.activeThreads(), "no trial code is left running");
    }

    /** Reads entries of a jar. */
    static final class TestJars {
        private TestJars() {
        }

        static byte[] entry(byte[] jar, String name) {
            try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar))) {
                for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (entry.getName().equals(name)) {
                        return in.readAllBytes();
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new AssertionError("no entry " + name);
        }
    }
}
