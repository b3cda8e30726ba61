/**
 * The plugin test kit: unit tests for a VoiceCore plugin, in-process and without an HTTP server, through
 * the kernel's real plugin runtime. Start with {@link io.voicecore.testkit.PluginTestKit}.
 *
 * <p>The public API uses only JDK and SDK types ({@code io.voicecore.sdk.*}).
 *
 * <p>There is no {@code module-info} on purpose. The kit runs the kernel, which is not a named module: as an
 * automatic module its name comes from the file it is loaded from, {@code voicecore.kernel} for the packaged
 * jar but nothing usable for {@code kernel/target/classes}, which is what a reactor build up to
 * {@code compile} resolves it to, so {@code requires voicecore.kernel} fails there with "module not found".
 * Several of the kernel's libraries would also have to be read explicitly (the kit touches Helidon's
 * {@code io.helidon.http} and DB Client types through kernel signatures), and a plugin test on the module path
 * would start the kernel in a configuration it never runs in. The kit therefore lives on the class path like
 * the kernel; its jar carries the stable {@code Automatic-Module-Name} {@code io.voicecore.testkit} for
 * modular builds that need a name.
 */
package io.voicecore.testkit;
