package io.voicecore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StartupPhasesTest {

    @Test
    void describesPhasesInOrderWithTheirTotal() {
        StartupPhases phases = new StartupPhases();
        phases.record("database", 812_400_000L);
        phases.record("plugins-loaded", 30_000_000L);
        phases.record("http", 120_900_000L);
        assertEquals(List.of("database", "plugins-loaded", "http"), List.copyOf(phases.millis().keySet()));
        assertEquals("Start-up phases (ms): database=812 plugins-loaded=30 http=120 total=963", phases.describe());
    }

    @Test
    void aPhaseRecordedTwiceKeepsTheSumAndNegativeDurationsCountAsZero() {
        StartupPhases phases = new StartupPhases();
        phases.record("plugins-installed", 5_000_000L);
        phases.record("plugins-installed", 7_000_000L);
        phases.record("http", -3_000_000L);
        assertEquals(Map.of("plugins-installed", 12L, "http", 0L), phases.millis());
        assertEquals(12_000_000L, phases.totalNanos());
    }
}
