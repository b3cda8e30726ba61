/**
 * The developer's side of VoiceCore: tooling that takes a plugin from a new project to a marketplace submission, and
 * the sandbox that runs it against a throw-away tenant. Nothing here is loaded by a production kernel.
 */
package io.voicecore.sandbox;
