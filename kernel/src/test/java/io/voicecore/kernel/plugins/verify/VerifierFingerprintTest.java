package io.voicecore.kernel.plugins.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Set;

import io.voicecore.kernel.plugins.manifest.ManifestParser;
import org.junit.jupiter.api.Test;

/** The fingerprint a kept verification verdict is tied to: the same for the same verifier, different when the verdict could differ. */
class VerifierFingerprintTest {
    private static final ManifestParser MANIFESTS = new ManifestParser();

    @Test
    void theSameVerifierAndPackagesGiveTheSameFingerprint() {
        String one = new PluginVerifier(MANIFESTS).fingerprint(Set.of("io.example.api", "io.other.api"));
        String two = new PluginVerifier(new ManifestParser()).fingerprint(Set.of("io/other/api", "io/example/api"));
        assertEquals(one, two, "dotted or internal names, in any order, are the same packages");
        assertEquals(64, one.length());
    }

    @Test
    void anotherLogicVersionChangesTheFingerprint() {
        assertNotEquals(new PluginVerifier(MANIFESTS).fingerprint(Set.of()),
                        new PluginVerifier(MANIFESTS, PluginVerifier.LOGIC_VERSION + 1).fingerprint(Set.of()));
    }

    @Test
    void otherAllowedPackagesChangeTheFingerprint() {
        PluginVerifier verifier = new PluginVerifier(MANIFESTS);
        assertNotEquals(verifier.fingerprint(Set.of()), verifier.fingerprint(Set.of("io.example.api")));
        assertNotEquals(verifier.fingerprint(Set.of("io.example.api")), verifier.fingerprint(Set.of("io.example.spi")));
    }
}
