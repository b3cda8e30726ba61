package io.voicecore.marketplace.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.voicecore.kernel.config.KernelVersion;
import io.voicecore.kernel.plugins.verify.SdkApi;
import io.voicecore.sdk.SdkVersion;
import org.junit.jupiter.api.Test;

/** The bundled SDK history cannot fall behind the SDK and the kernel it is built with. */
class SdkHistoryTest {

    @Test
    void theCommittedListingOfTheCurrentSdkIsTheSdkItself() throws IOException {
        String generated = SdkApi.running().listing();
        String name = SdkHistory.listingName(SdkVersion.text());
        String committed;
        try {
            committed = SdkHistory.resource(name);
        } catch (IllegalStateException missing) {
            committed = "";
        }
        if (!committed.equals(generated)) {
            Path written = Path.of("target", name);
            Files.createDirectories(written.getParent());
            Files.writeString(written, generated);
            assertEquals(generated, committed, "The SDK's API changed, or SDK " + SdkVersion.text() + " has no listing yet: review "
                    + written.toAbsolutePath() + " and copy it to marketplace/src/main/resources/io/voicecore/marketplace/review/"
                    + name + " (a changed SDK that keeps its version number breaks plugins built against the old one)");
        }
    }

    @Test
    void theRunningKernelShipsTheRunningSdkInTheHistory() {
        SdkHistory history = SdkHistory.bundled();

        assertEquals(SdkVersion.text(), history.sdkByKernel().get(KernelVersion.CURRENT),
                     "sdk-api/kernels.txt has a line '" + KernelVersion.CURRENT + " " + SdkVersion.text() + "'");
        history.sdkByKernel().values().forEach(sdk -> assertEquals(sdk, history.api(sdk).version()));
    }

    @Test
    void aKernelWhoseSdkHasNoListingIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new SdkHistory(Map.of("9.0.0", "9.0"), Map.of()));
        assertEquals("kernel 9.0.0 ships SDK 9.0, whose API listing is missing", refused.getMessage());
    }
}
