package io.voicecore.marketplace.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.plugins.install.JarPluginInspector;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.verify.SdkApi;
import io.voicecore.marketplace.review.ReviewSection.Outcome;
import io.voicecore.sdk.SdkVersion;
import org.junit.jupiter.api.Test;

/**
 * The {@code compatibility} section over a hand-made SDK history: an older SDK (0.9, shipped by kernel 0.0.9) without
 * {@code PluginContext.log()}, the current one (shipped by 0.1.0 and 0.1.1), and a newer one (2.0, shipped by 0.2.0)
 * without {@code Request.json()}. A plugin calling both is reported once per SDK version whose kernels its range admits.
 */
class CompatibilityCheckTest {
    private static final ManifestParser MANIFESTS = new ManifestParser();
    private static final String CURRENT = SdkApi.running().listing();
    private static final SdkHistory HISTORY = history();
    private static final CompatibilityCheck CHECK = new CompatibilityCheck(HISTORY, new PluginVerifier(MANIFESTS));
    private static final String LOG = "  method log()Lio/voicecore/sdk/capability/PluginLog;\n";
    private static final String JSON = "  method json()Lio/voicecore/sdk/json/Json;\n";

    private static SdkHistory history() {
        String older = CURRENT.replace("sdk " + SdkVersion.text(), "sdk 0.9").replace(LOG, "");
        String newer = CURRENT.replace("sdk " + SdkVersion.text(), "sdk 2.0").replace(JSON, "");
        assertTrue(older.length() < CURRENT.length() && newer.length() < CURRENT.length(), "the methods are in the listing");
        Map<String, String> sdkByKernel = new LinkedHashMap<>();
        sdkByKernel.put("0.0.9", "0.9");
        sdkByKernel.put("0.1.0", SdkVersion.text());
        sdkByKernel.put("0.1.1", SdkVersion.text());
        sdkByKernel.put("0.2.0", "2.0");
        return new SdkHistory(sdkByKernel, Map.of("0.9", SdkApi.parse(older), SdkVersion.text(), SdkApi.parse(CURRENT),
                                                  "2.0", SdkApi.parse(newer)));
    }

    /** A plugin whose {@code GET /echo} logs and answers the request's JSON. */
    private static final byte[] ECHO = ReviewFixture.plugin("echo", List.of(), List.of("GET /echo"), """
            setup.route(HttpMethod.GET, "/echo", Main::echo);
            """, """
            static Response echo(Request request, PluginContext context) {
                context.log().info("echo");
                return Response.ok(request.json());
            }
            """).bytes();

    /** The compatibility of that plugin when its manifest admits the kernel range. */
    private static ReviewSection check(String kernelRange) {
        String yaml = JarPluginInspector.manifestText(ECHO).replace("kernel: \">=0.1.0 <1.0.0\"", "kernel: \"" + kernelRange + "\"");
        return CHECK.check(ECHO, MANIFESTS.parse(yaml));
    }

    @Test
    void aMissingMethodIsReportedForEachSdkVersionTheRangeAdmits() {
        ReviewSection section = check(">=0.0.1 <1.0.0");

        assertEquals(Outcome.FAILED, section.outcome());
        assertEquals("references that do not link against SDK 0.9 (1), SDK 2.0 (1); checked SDK 0.9 (kernel 0.0.9), SDK "
                     + SdkVersion.text() + " (kernel 0.1.0, 0.1.1), SDK 2.0 (kernel 0.2.0)", section.summary());
        String method = "echo(Lio/voicecore/sdk/Request;Lio/voicecore/sdk/PluginContext;)Lio/voicecore/sdk/Response;";
        assertEquals(List.of(
                List.of("0.9", List.of("0.0.9"), "testplugin.echo.Main", method,
                        "io/voicecore/sdk/PluginContext.log()Lio/voicecore/sdk/capability/PluginLog;", "sdk-compatibility"),
                List.of("2.0", List.of("0.2.0"), "testplugin.echo.Main", method,
                        "io/voicecore/sdk/Request.json()Lio/voicecore/sdk/json/Json;", "sdk-compatibility")),
                section.findings().stream().map(f -> List.of(f.get("sdk"), f.get("kernels"), f.get("class"), f.get("method"),
                                                             f.get("api"), f.get("category"))).toList());
        assertEquals("SDK compatibility: io.voicecore.sdk.PluginContext.log()Lio/voicecore/sdk/capability/PluginLog; does not exist"
                     + " in SDK 0.9", section.findings().getFirst().get("reason"));
    }

    @Test
    void aRangeOfKernelsWhoseSdkHasEveryMethodPasses() {
        ReviewSection section = check(">=0.1.0 <0.2.0");

        assertEquals(Outcome.PASSED, section.outcome(), section.findings().toString());
        assertEquals("links against SDK " + SdkVersion.text() + " (kernel 0.1.0, 0.1.1)", section.summary());
    }

    @Test
    void aNewerSdkAloneIsCheckedWhenOnlyItsKernelsAreAdmitted() {
        ReviewSection section = check("^0.2.0");

        assertEquals(Outcome.FAILED, section.outcome());
        assertEquals(List.of("2.0"), section.findings().stream().map(f -> f.get("sdk")).toList());
    }

    @Test
    void aRangeAdmittingNoReleasedKernelFails() {
        ReviewSection section = check(">=3.0.0");

        assertEquals(Outcome.FAILED, section.outcome());
        assertEquals("the kernel range '>=3.0.0' admits no released kernel version (released: 0.0.9, 0.1.0, 0.1.1, 0.2.0)",
                     section.summary());
    }
}
