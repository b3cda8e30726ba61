package io.voicecore.kernel.plugins.verify;

/**
 * Why the verifier refuses something: each violation's reason starts with its category's label.
 */
public enum Category {
    FILE_SYSTEM("file system"),
    NETWORK("network"),
    PROCESSES("processes"),
    EXITING("exiting"),
    ENVIRONMENT("environment and process-wide settings"),
    REFLECTION("reflection"),
    INTERNALS("JDK internals"),
    NATIVE_CODE("native code"),
    CLASS_DEFINITION("class definition"),
    THREADS("threads"),
    KERNEL_INTERNALS("kernel internals"),
    OTHER_PLUGINS("other plugins' internals"),
    JDK_OUTSIDE_ALLOWLIST("JDK outside the allowlist"),
    PACKAGING("packaging"),
    /** A reference into the SDK that the SDK this kernel runs does not have (a plugin built against another SDK). */
    SDK_COMPATIBILITY("SDK compatibility");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    /** @return the label that starts a violation's reason, e.g. {@code file system} */
    public String label() {
        return label;
    }
}
