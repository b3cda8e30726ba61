package io.voicecore.marketplace.review;

import java.util.List;
import java.util.Optional;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.marketplace.signing.SigningCertificate;

/**
 * A plugin jar a publisher submitted, with what its review compares it to.
 *
 * @param jar                    the jar as uploaded, signed with {@code jarsigner}
 * @param registeredCertificates the publisher's registered signing certificates that are not revoked
 * @param lastPublished          the manifest of the last published version of the same plugin id; empty for a first
 *                               version
 */
public record Submission(byte[] jar, List<SigningCertificate> registeredCertificates, Optional<PluginManifest> lastPublished) {
    public Submission {
        registeredCertificates = List.copyOf(registeredCertificates);
    }
}
