/**
 * {@code ./voicecore plugin}: the commands that take a plugin from a new project to a marketplace submission
 * ({@link io.voicecore.sandbox.tooling.PluginTool}). {@code verify} runs the marketplace's own automated review, and
 * {@code sign} the JDK's {@code jarsigner}; nothing here judges a jar by rules of its own.
 */
package io.voicecore.sandbox.tooling;
