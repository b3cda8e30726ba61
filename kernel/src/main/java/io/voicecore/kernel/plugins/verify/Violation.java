package io.voicecore.kernel.plugins.verify;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * One thing the verifier refuses.
 *
 * @param className  the plugin class that does it, as a binary name ({@code evil.Exits$1}); for problems of
 *                   the jar itself, the entry concerned (e.g. {@code plugin.yaml})
 * @param methodName the method, name followed by descriptor ({@code run()V}); {@code <class>} for the class
 *                   declaration (superclass, interfaces); {@code <jar>} for problems of the jar itself
 * @param api        what is referenced, in JVM internal form: {@code java/lang/System.exit(I)V},
 *                   {@code java/io/File.<init>(Ljava/lang/String;)V}, {@code java/nio/file/Files}
 * @param reason     the category's label, a colon and why, e.g. {@code exiting: would stop the kernel ...}
 */
public record Violation(String className, String methodName, String api, String reason) implements Comparable<Violation> {

    private static final Comparator<Violation> ORDER = Comparator.comparing(Violation::className)
            .thenComparing(Violation::methodName).thenComparing(Violation::api).thenComparing(Violation::reason);

    /** Marks a class-level violation. */
    public static final String CLASS = "<class>";
    /** Marks a violation of the jar as a whole. */
    public static final String JAR = "<jar>";

    /** The reason must start with a category's label. */
    public Violation {
        if (categoryOf(reason).isEmpty()) {
            throw new IllegalArgumentException("a violation's reason starts with its category's label and a colon, e.g. 'network: ...';"
                                               + " got '" + reason + "'");
        }
    }

    /** @return the category, whose label starts the reason */
    public Category category() {
        return categoryOf(reason).orElseThrow();
    }

    private static Optional<Category> categoryOf(String reason) {
        return Arrays.stream(Category.values()).filter(c -> reason.startsWith(c.label() + ": ")).findFirst();
    }

    @Override
    public int compareTo(Violation other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return className + " " + methodName + " -> " + api + " (" + reason + ")";
    }
}
