package io.voicecore.marketplace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/** Fast track can be turned off: then every version waits for a reviewer. */
class FastTrackSettingTest {

    @Test
    void theEnvironmentTurnsFastTrackOffAndSetsTheGracePeriod() {
        MarketplaceSettings settings = MarketplaceSettings.fromEnvironment(Map.of("VOICECORE_MARKETPLACE_FAST_TRACK", "false",
                                                                                  "VOICECORE_MARKETPLACE_LICENCE_GRACE", "P3D"));
        assertFalse(settings.fastTrack());
        assertEquals(Duration.ofDays(3), settings.licenceGrace());
        assertTrue(MarketplaceSettings.fromEnvironment(Map.of()).fastTrack());
        assertThrows(IllegalArgumentException.class,
                     () -> MarketplaceSettings.fromEnvironment(Map.of("VOICECORE_MARKETPLACE_FAST_TRACK", "yes")));
        assertThrows(IllegalArgumentException.class,
                     () -> MarketplaceSettings.fromEnvironment(Map.of("VOICECORE_MARKETPLACE_LICENCE_GRACE", "7 days")));
    }

    @Test
    void withFastTrackOffAPatchWaitsForAReviewer() throws Exception {
        MarketplaceSettings settings = MarketplaceSettings.defaults().withClock(MarketplaceFixture.CLOCK).withFastTrack(false);
        try (TestKernel kernel = TestKernel.builder().extensions(List.of(new MarketplaceExtension(settings))).start()) {
            HttpResult signedUp = kernel.post("/api/v1/marketplace/publishers", null,
                                              Map.of("name", "Slow", "slug", "slow-co", "email", "dev@slow.test"));
            String key = signedUp.json().get("apiKey").asText();
            var pem = MarketplaceFixture.signing().key("slow", "Ed25519");
            assertEquals(201, kernel.send("/api/v1/marketplace/publishers/slow-co/signing-keys", "POST", key, "application/x-pem-file",
                                          pem.pem()).status());
            String first = submit(kernel, key, MarketplaceFixture.signing().signWithJarsigner(
                    MarketplaceFixture.helloJar("slow-plugin", "1.0.0", List.of()), pem));
            assertEquals("in-review", awaitState(kernel, key, first));
            assertEquals(200, kernel.post("/api/v1/marketplace/reviews/" + first + "/decision", kernel.adminToken(),
                                          Map.of("decision", "approve")).status());
            String patch = submit(kernel, key, MarketplaceFixture.signing().signWithJarsigner(
                    MarketplaceFixture.helloJar("slow-plugin", "1.0.1", List.of()), pem));
            assertEquals("in-review", awaitState(kernel, key, patch), "fast track is off");
        }
    }

    static String submit(TestKernel kernel, String key, byte[] jar) {
        HttpResult submitted = kernel.send(kernel.request("/api/v1/marketplace/publishers/slow-co/submissions", key)
                .header("Content-Type", "application/java-archive")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(jar)).build());
        assertEquals(202, submitted.status(), submitted.body());
        return submitted.json().get("id").asText();
    }

    static String awaitState(TestKernel kernel, String key, String submission) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            JsonNode read = kernel.get("/api/v1/marketplace/publishers/slow-co/submissions/" + submission, key).json();
            if (!read.get("state").asText().equals("automated-review")) {
                return read.get("state").asText();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no report within 30 seconds");
    }
}
