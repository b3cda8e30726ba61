package io.voicecore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The kernel's layout rules ({@link KernelStructure}), on this build's classes and sources. */
class KernelStructureTest {

    @Test
    void kernelPackagesHaveNoCycle() {
        Map<String, Set<String>> graph = KernelStructure.packageGraph(Path.of("target/classes"));
        assertTrue(graph.containsKey("io.voicecore.kernel.plugins.runtime"), "the graph covers the kernel: " + graph.keySet());
        assertEquals(List.of(), KernelStructure.cycles(graph));
    }

    @Test
    void cycleDetectionFindsACycleAndOnlyIt() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of(Set.of("a", "b", "c")), KernelStructure.cycles(graph));
    }

    @Test
    void noLongClassWithoutAReason() {
        assertEquals(Map.of(), KernelStructure.longFilesWithoutReason(Path.of("src/main/java")));
    }
}
