package io.voicecore.kernel.plugins.runtime;

import java.util.Set;

import io.voicecore.kernel.plugins.PluginManifest;

/**
 * Reads and checks a jar before anything of it runs: parses {@code plugin.yaml} and runs the bytecode
 * verifier. Throws {@link PluginRejectedException} listing every problem.
 */
public interface PluginInspector {
    /**
     * @param jar              the jar bytes
     * @param allowedPackages  given the parsed manifest, the exported service packages of the plugins it may use;
     *                         may throw {@link PluginRejectedException} to refuse the jar before verification
     * @return the manifest and its YAML text
     */
    Inspected inspect(byte[] jar, java.util.function.Function<PluginManifest, Set<String>> allowedPackages);

    /** A jar that passed: its manifest and the manifest's text. */
    record Inspected(PluginManifest manifest, String manifestYaml) {
    }
}
