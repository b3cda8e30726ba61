/**
 * A publisher's signing certificates and the check of a plugin jar signed with the JDK's {@code jarsigner}.
 *
 * <p>A publisher makes a key with {@code keytool} (Ed25519, EC or RSA), registers its certificate as PEM
 * ({@link io.voicecore.marketplace.signing.SigningCertificate#parse}) and signs each jar it submits.
 * {@link io.voicecore.marketplace.signing.SignedJarCheck} accepts a jar only if one of the publisher's registered
 * certificates signed every entry of it and nothing changed since; every refusal is a
 * {@link io.voicecore.marketplace.signing.SignedJarRefusal} whose reason says which rule failed. The JDK's own jar
 * verification does the cryptography, with its policy of disabled algorithms; this package decides what its findings
 * mean for a submission.
 */
package io.voicecore.marketplace.signing;
