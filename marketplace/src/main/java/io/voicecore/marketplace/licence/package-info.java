/**
 * Licence tokens: what a tenant may use of a marketplace plugin, signed with the marketplace's Ed25519 key and
 * verified by every kernel node with the public key alone, without a database look-up per call.
 *
 * <p>The public face: {@link io.voicecore.marketplace.licence.Licence} (what a licence says),
 * {@link io.voicecore.marketplace.licence.LicenceSigner} (the marketplace turns a licence into a token),
 * {@link io.voicecore.marketplace.licence.LicenceVerifier} and its
 * {@link io.voicecore.marketplace.licence.Verdict} (a node judges a token),
 * {@link io.voicecore.marketplace.licence.LicenceKeys} (key pairs and their text form), and
 * {@link io.voicecore.marketplace.licence.MarketplaceLicenceGate}, the kernel's licence gate built on a verifier. The
 * token format, the verdicts and their boundaries are described in {@code docs/marketplace.md}, "Licence tokens".
 */
package io.voicecore.marketplace.licence;
