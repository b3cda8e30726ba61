package io.voicecore.sandbox.tooling;

/**
 * A command cannot do what was asked: its message is the one line the developer sees, saying what was wrong and what to
 * do; the exit status says whether the input was wrong ({@value #USAGE}) or the work was refused ({@value #REFUSED}).
 */
final class ToolFailure extends RuntimeException {
    /** Wrong arguments, a bad name, a missing file: nothing was done. */
    static final int USAGE = 2;
    /** The command ran and found a reason to refuse: a review finding, a marketplace refusal, a tool that failed. */
    static final int REFUSED = 1;

    private final int exitStatus;

    ToolFailure(int exitStatus, String message) {
        // An answer to the developer, not a fault: no stack trace to fill.
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    static ToolFailure usage(String message) {
        return new ToolFailure(USAGE, message);
    }

    static ToolFailure refused(String message) {
        return new ToolFailure(REFUSED, message);
    }

    int exitStatus() {
        return exitStatus;
    }
}
