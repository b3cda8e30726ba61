package io.voicecore.sdk.capability;

import java.util.OptionalInt;

/** A script could not be checked or run; the message says why in words a tenant admin can act on. */
public final class ScriptException extends RuntimeException {
    /** Why the script failed. */
    public enum Kind {
        /** It does not compile, or lacks the function asked for. */
        INVALID,
        /** It threw, or answered a value that is not JSON. */
        FAILED,
        /** It ran out of statements, time or memory, and was stopped. */
        LIMIT
    }

    private final Kind kind;
    private final int line;

    /**
     * @param kind    why the script failed
     * @param message what happened, for the tenant admin
     * @param line    the script's line it happened on, or 0 when unknown
     */
    public ScriptException(Kind kind, String message, int line) {
        super(message);
        this.kind = kind;
        this.line = line;
    }

    /** @return why the script failed */
    public Kind kind() {
        return kind;
    }

    /** @return the script's line it failed on, when known */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
