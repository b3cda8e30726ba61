package io.voicecore.kernel.plugins;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/** A kernel nobody asked to observe plugin calls runs with the no-op observer, and its capabilities are not wrapped. */
class PluginObserverDefaultTest {

    @Test
    void aKernelWithoutAnObservingExtensionObservesNothing() {
        try (TestKernel kernel = TestKernel.start()) {
            assertSame(PluginObserver.NONE, kernel.kernel().services().pluginObserver());
        }
    }

    @Test
    void anExtensionObservesNothingUnlessItSaysSo() {
        KernelExtension plain = new KernelExtension() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public void start(KernelServices kernel) {
            }

            @Override
            public void registerRoutes(ApiRoutes api) {
            }
        };
        assertSame(PluginObserver.NONE, plain.pluginObserver());
    }
}
