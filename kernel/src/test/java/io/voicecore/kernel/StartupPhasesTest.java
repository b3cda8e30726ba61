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

    @Test
    void processCpuTimesFollowTheWallTimesOfThePhasesRecordedWithThem() {
        StartupPhases phases = new StartupPhases();
        phases.record("database", 812_400_000L, 300_200_000L);
        phases.record("services", 40_000_000L, -1);
        phases.record("plugins-loaded", 30_000_000L, 45_900_000L);
        phases.record("plugins-loaded", 10_000_000L, 4_100_000L);
        assertEquals(Map.of("database", 300L, "plugins-loaded", 50L), phases.cpuMillis());
        assertEquals("Start-up phases (ms): database=812 services=40 plugins-loaded=40 total=892; process CPU (ms): database=300"
                     + " plugins-loaded=50", phases.describe());
    }

    @Test
    void thisJvmTellsItsProcessCpuTime() {
        long before = StartupPhases.processCpuNanos();
        long spin = 0;
        for (int i = 0; i < 50_000_000; i++) {
            spin += i % 7;
        }
        long after = StartupPhases.processCpuNanos();
        org.junit.jupiter.api.Assertions.assertTrue(before >= 0 && after > before, before + " then " + after + " (" + spin + ")");
    }
}
