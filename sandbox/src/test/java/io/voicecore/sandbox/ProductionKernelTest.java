package io.voicecore.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.plugins.PluginObserver;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/**
 * A kernel built the production way, with the extensions found on the class path (the sandbox's own class path here,
 * so the sandbox classes are right there), serves no inspector and observes nothing.
 */
class ProductionKernelTest {

    @Test
    void aProductionKernelHasNoInspectorAndNoObserver() {
        assertTrue(KernelServices.discoverExtensions().stream().noneMatch(e -> e instanceof SandboxExtension),
                   "the sandbox must never be found by class-path discovery");
        try (TestKernel kernel = TestKernel.start()) {
            assertEquals(404, kernel.get("/api/v1/sandbox/calls", kernel.adminToken()).status());
            assertEquals(404, kernel.get("/api/v1/sandbox/profile", kernel.adminToken()).status());
            assertSame(PluginObserver.NONE, kernel.kernel().services().pluginObserver());
        }
    }
}
