package io.voicecore.kernel.plugins.script;

/** A script used a capability (or the bridge behind it) after the call it was handed to had ended. */
public final class ScriptCapabilityExpired extends RuntimeException {
    public ScriptCapabilityExpired(String message) {
        super(message);
    }
}
