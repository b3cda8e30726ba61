package io.voicecore.kernel.plugins.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which loader a plugin's class request goes to; the platform packages match the verifier's. */
class PluginClassPolicyTest {

    @Test
    void sdkAndGuardComeFromTheKernelKernelInternalsAreDenied() {
        assertEquals(PluginClassPolicy.Source.KERNEL, PluginClassPolicy.sourceOf("io.voicecore.sdk.Plugin"));
        assertEquals(PluginClassPolicy.Source.KERNEL, PluginClassPolicy.sourceOf(CallGuard.class.getName()));
        assertEquals(PluginClassPolicy.Source.DENIED, PluginClassPolicy.sourceOf("io.voicecore.kernel.Kernel"));
        assertEquals(PluginClassPolicy.Source.DENIED, PluginClassPolicy.sourceOf("io.voicecore.kernel.plugins.runtime.PluginRuntime"));
        assertEquals(PluginClassPolicy.Source.DENIED, PluginClassPolicy.sourceOf("org.pf4j.PluginManager"));
        assertEquals(PluginClassPolicy.Source.DENIED, PluginClassPolicy.sourceOf("io.helidon.webserver.WebServer"));
        assertEquals(PluginClassPolicy.Source.DENIED, PluginClassPolicy.sourceOf("java.lang.ProcessBuilder"));
    }

    @Test
    void aPluginOfTheCompanyItselfLoadsItsOwnClasses() {
        // The verifier accepts classes in io.voicecore.examples (only sdk and kernel are platform packages);
        // the loader must then load them from the plugin's jar, not refuse them as "not in the jar".
        assertEquals(PluginClassPolicy.Source.OWN_OR_EXPORTED, PluginClassPolicy.sourceOf("io.voicecore.examples.hello.HelloPlugin"));
        assertEquals(PluginClassPolicy.Source.OWN_OR_EXPORTED, PluginClassPolicy.sourceOf("io.voicecore.crm.CrmPlugin"));
        assertEquals(PluginClassPolicy.Source.OWN_OR_EXPORTED, PluginClassPolicy.sourceOf("com.example.Plugin"));
    }
}
