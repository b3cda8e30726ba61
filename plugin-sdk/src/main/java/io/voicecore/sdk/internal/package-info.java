/**
 * Implementations behind the SDK's interfaces; not part of the SDK's API.
 *
 * <p>{@code module-info.java} does not export this package, so its classes may change or go in any SDK version
 * without breaking plugins. Plugins reach them only through the exported API:
 * <ul>
 *   <li>{@link io.voicecore.sdk.internal.WholeBodyRequest}: the {@link io.voicecore.sdk.Request} whose body was read
 *       whole, built by {@link io.voicecore.sdk.Request#of Request.of}.</li>
 * </ul>
 */
package io.voicecore.sdk.internal;
