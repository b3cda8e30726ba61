/**
 * The VoiceCore marketplace: publishers and their signing keys, signed submissions and their review, listings,
 * installs and licences. The kernel does not depend on it; it builds on the kernel's services.
 *
 * <ul>
 *   <li>{@code io.voicecore.marketplace.signing}: a publisher's signing keys and the check of a jar signed with
 *       {@code jarsigner};</li>
 *   <li>{@code io.voicecore.marketplace.review}: the automated review of a submission, section by section;</li>
 *   <li>{@code io.voicecore.marketplace.licence}: licence tokens signed with the marketplace's Ed25519 key and
 *       verified offline by every kernel node.</li>
 * </ul>
 */
package io.voicecore.marketplace;
