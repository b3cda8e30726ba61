package io.voicecore.kernel.plugins.verify;

import static io.voicecore.kernel.plugins.verify.PluginVerifierTest.assertViolations;
import static io.voicecore.kernel.plugins.verify.PluginVerifierTest.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.SdkVersion;
import org.junit.jupiter.api.Test;

/**
 * The API of an SDK version as plugins link against it: the running SDK's listing reads back as the same API, and a
 * plugin's references are judged against a listing of another version just as against the running SDK.
 */
class SdkApiTest {
    private static final String RUN = PluginVerifierTest.RUN;
    private final PluginVerifier verifier = new PluginVerifier(new ManifestParser());

    /**
     * A plugin whose {@code sample.Body.run} calls an interface's method and a static method of the SDK, reads an enum
     * constant and calls a method its own class inherits from an SDK class.
     */
    private static PluginJar usesTheSdk() {
        return plugin("uses-sdk").source("sample.Body", """
                package sample;
                public class Body {
                    public void run(io.voicecore.sdk.PluginContext context) {
                        context.log().info(io.voicecore.sdk.HttpMethod.GET + " " + io.voicecore.sdk.SdkVersion.text());
                        new Refusal().status();
                    }
                }
                """).source("sample.Refusal", """
                package sample;
                public class Refusal extends io.voicecore.sdk.PluginProblem {
                    public Refusal() {
                        super(422, "refused", "no");
                    }
                }
                """);
    }

    @Test
    void theRunningSdksListingReadsBackAsTheSameApi() {
        String listing = SdkApi.running().listing();

        SdkApi parsed = SdkApi.parse(listing);

        assertEquals(SdkVersion.text(), parsed.version());
        assertEquals(listing, parsed.listing());
        assertTrue(listing.contains("\ninterface io/voicecore/sdk/Plugin\n  method setup(Lio/voicecore/sdk/PluginSetup;)V\n"), listing);
        assertTrue(listing.contains("\nclass io/voicecore/sdk/Caller extends java/lang/Record\n"), listing);
        assertTrue(listing.contains("\n  field MAJOR I\n"), listing);
        assertTrue(!listing.contains("Storage$1") && !listing.contains("JsonParser"), "only public types are listed");
    }

    @Test
    void aPluginLinksAgainstTheListingOfTheSdkItWasBuiltAgainst() {
        byte[] jar = usesTheSdk().bytes();

        assertEquals(List.of(), verifier.sdkLinkage(jar, SdkApi.parse(SdkApi.running().listing())).violations());
        assertEquals(List.of(), verifier.sdkLinkage(jar, SdkApi.running()).violations());
    }

    @Test
    void referencesAnOlderSdkLacksAreReportedNamingThatVersion() {
        String current = SdkApi.running().listing();
        String older = current.replace("sdk " + SdkVersion.text(), "sdk 0.9")
                .replace("  field GET Lio/voicecore/sdk/HttpMethod;\n", "")
                .replace("  method text()Ljava/lang/String;\n", "")
                .replace("  method status()I\n", "")
                .replace("  method log()Lio/voicecore/sdk/capability/PluginLog;\n", "");
        assertTrue(older.length() < current.length() - 120, "the members were in the listing");

        VerificationReport report = verifier.sdkLinkage(usesTheSdk().bytes(), SdkApi.parse(older));

        assertViolations(report, Category.SDK_COMPATIBILITY,
                         "sample.Body " + RUN + " io/voicecore/sdk/HttpMethod.GET",
                         "sample.Body " + RUN + " io/voicecore/sdk/PluginContext.log()Lio/voicecore/sdk/capability/PluginLog;",
                         "sample.Body " + RUN + " io/voicecore/sdk/PluginProblem.status()I",
                         "sample.Body " + RUN + " io/voicecore/sdk/SdkVersion.text()Ljava/lang/String;");
        assertTrue(report.violations().getFirst().reason().endsWith("does not exist in SDK 0.9"), report.summary());
        assertTrue(report.violations().stream().allMatch(v -> v.category() == Category.SDK_COMPATIBILITY), report.summary());
    }

    @Test
    void aSupertypeTheSdkLacksOrOfTheWrongKindIsReported() {
        String older = SdkApi.running().listing().replace("sdk " + SdkVersion.text(), "sdk 0.9")
                .replace("\nclass io/voicecore/sdk/PluginProblem ", "\ninterface io/voicecore/sdk/PluginProblem ");

        VerificationReport report = verifier.sdkLinkage(usesTheSdk().bytes(), SdkApi.parse(older));

        assertTrue(report.violations().contains(new Violation("sample.Refusal", Violation.CLASS, "io/voicecore/sdk/PluginProblem",
                "SDK compatibility: io.voicecore.sdk.PluginProblem is an interface, but the plugin extends it as a class in SDK 0.9")),
                   report.summary());
    }

    @Test
    void onlyTheSdkIsJudgedNotTheRules() {
        byte[] jar = plugin("exits").source("sample.Body", PluginVerifierTest.bodySource("System.exit(1);")).bytes();

        assertEquals(1, verifier.verify(jar, Set.of()).violations().size());
        assertEquals(List.of(), verifier.sdkLinkage(jar, SdkApi.running()).violations());
    }

    @Test
    void aTextThatIsNotAListingIsRefusedNamingTheLine() {
        IllegalArgumentException noHeader = assertThrows(IllegalArgumentException.class, () -> SdkApi.parse("class io/voicecore/sdk/A\n"));
        assertTrue(noHeader.getMessage().contains("line 1"), noHeader.getMessage());

        IllegalArgumentException badMember = assertThrows(IllegalArgumentException.class,
                () -> SdkApi.parse("sdk 1.0\nclass io/voicecore/sdk/A\n  method broken\n"));
        assertTrue(badMember.getMessage().contains("line 3") && badMember.getMessage().contains("method broken"), badMember.getMessage());

        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> SdkApi.parse("sdk 1.0\nclass java/lang/String\n"));
        assertTrue(outside.getMessage().contains("line 2"), outside.getMessage());
    }
}
