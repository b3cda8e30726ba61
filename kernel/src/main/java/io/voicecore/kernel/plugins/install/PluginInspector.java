package io.voicecore.kernel.plugins.install;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import io.voicecore.kernel.plugins.PluginManifest;

/**
 * Reads and checks a jar before anything of it runs: parses {@code plugin.yaml} and runs the bytecode
 * verifier. Throws {@link PluginRejectedException} listing every problem.
 */
public interface PluginInspector {
    /**
     * Inspects an uploaded jar: parses its manifest and always verifies its bytecode.
     *
     * @param jar              the jar bytes
     * @param allowedPackages  given the parsed manifest, the exported service packages of the plugins it may use;
     *                         may throw {@link PluginRejectedException} to refuse the jar before verification
     * @return the manifest, its YAML text and the verification fingerprint it passed under
     */
    Inspected inspect(byte[] jar, Function<PluginManifest, Set<String>> allowedPackages);

    /**
     * Parses the manifest text of an installed version, as stored at its installation.
     *
     * @throws PluginRejectedException when the text is not a valid manifest (any more)
     */
    PluginManifest parseInstalled(String manifestYaml);

    /**
     * Inspects the jar of an installed version again before it is loaded: its {@code plugin.yaml} must be exactly the
     * stored one; its bytecode is verified unless {@code verifiedBefore} accepts the fingerprint the verification would
     * have now (the caller vouches that these very bytes passed under it).
     *
     * @param jar             the jar bytes, whose sha256 the caller has checked against the stored one
     * @param manifest        the stored manifest, parsed with {@link #parseInstalled}
     * @param manifestYaml    the stored manifest text
     * @param allowedPackages the exported service packages of the plugins it may use, and its libraries' packages
     * @param verifiedBefore  whether these bytes are known to have passed under a fingerprint
     */
    Inspected reinspect(byte[] jar, PluginManifest manifest, String manifestYaml, Set<String> allowedPackages,
                        Predicate<String> verifiedBefore);

    /**
     * A jar that passed.
     *
     * @param verifiedWith the fingerprint of the verification it passed under ({@code PluginVerifier.fingerprint})
     * @param verifiedNow  whether its bytecode was verified by this inspection (not trusted from before)
     */
    record Inspected(PluginManifest manifest, String manifestYaml, String verifiedWith, boolean verifiedNow) {
    }
}
