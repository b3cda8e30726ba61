package io.voicecore.sandbox;

/** The sandbox could not do what it was asked: a message for the developer, printed without a stack trace. */
public final class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }
}
