package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.kernel.plugins.script.ScriptSandbox;
import io.voicecore.marketplace.review.AutomatedReview;
import io.voicecore.marketplace.review.ReviewLimits;
import io.voicecore.marketplace.review.ReviewReport;

/**
 * {@code plugin verify JAR}: the marketplace's own automated review ({@link AutomatedReview#reviewBeforeSubmission}),
 * run here with a trial runtime of its own for the smoke install. Only which key signed the jar is left to the
 * marketplace, which knows the publisher's registered certificates.
 */
final class JarVerification {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JarVerification() {
    }

    /** Reviews the jar, prints the report (as text or JSON) and answers the exit status: 0 unless a check failed. */
    static int verify(Path jar, boolean asJson, PrintStream out) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw ToolFailure.usage("plugin verify: cannot read " + jar + ": " + e.getMessage());
        }
        ReviewReport report = review(bytes);
        ObjectNode json = report.toJson();
        if (asJson) {
            out.println(json.toPrettyString());
        } else {
            out.println("Automated review of " + jar + ", as the marketplace runs it:");
            ReportPrinter.print(json, out);
            out.println("The marketplace also checks that the jar is signed by a certificate registered for you, and that"
                        + " its version is newer than the one it published last.");
        }
        return report.verdict() == ReviewReport.Verdict.REJECTED ? ToolFailure.REFUSED : 0;
    }

    static ReviewReport review(byte[] jar) {
        Path trialsDir;
        try {
            trialsDir = Files.createTempDirectory("voicecore-plugin-verify");
        } catch (IOException e) {
            throw ToolFailure.refused("plugin verify: cannot make a temporary folder: " + e.getMessage());
        }
        // A script plugin is tried in a script sandbox with the limits a kernel has on its defaults.
        try (ScriptSandbox scripts = new ScriptSandbox(ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).scripts());
             PluginTrials trials = new PluginTrials(trialsDir, PluginTrials.Settings.defaults(), Optional.of(scripts))) {
            return new AutomatedReview(trials, ReviewLimits.defaults()).reviewBeforeSubmission(jar);
        } finally {
            try {
                Files.deleteIfExists(trialsDir);
            } catch (IOException ignored) {
                // a temporary folder left behind changes nothing
            }
        }
    }

    static ObjectMapper json() {
        return JSON;
    }
}
