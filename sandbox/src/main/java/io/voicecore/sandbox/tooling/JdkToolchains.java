package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes sure Maven's toolchains file ({@code ~/.m2/toolchains.xml}) names a JDK 21 or newer. A new plugin project
 * compiles and runs its tests on such a JDK through Maven's toolchains ({@code jdkToolchain} in its pom), because the
 * {@code mvn} on the developer's path may run on an older default Java (a Debian machine's is 17). When no JDK 21+ is
 * declared yet, the JDK this tool runs on (the one the launcher found) is added; nothing else in the file changes.
 */
final class JdkToolchains {
    static final int MINIMUM = 21;
    private static final Pattern JDK_VERSION = Pattern.compile(
            "<toolchain>(?:(?!</toolchain>).)*<type>\\s*jdk\\s*</type>(?:(?!</toolchain>).)*<version>\\s*(\\d+)",
            Pattern.DOTALL);

    private final Path file;
    private final PrintStream out;

    JdkToolchains(Path file, PrintStream out) {
        this.file = file;
        this.out = out;
    }

    /** The file Maven reads by default, or the one {@code voicecore.toolchains} names (so tests leave the home alone). */
    static Path userFile() {
        String configured = System.getProperty("voicecore.toolchains");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "toolchains.xml");
    }

    /** Declares this JDK unless a JDK {@value #MINIMUM}+ is declared already; answers whether the file changed. */
    boolean ensureDeclared() {
        try {
            String existing = Files.isRegularFile(file) ? Files.readString(file) : null;
            if (existing != null && declaresRecentJdk(existing)) {
                return false;
            }
            String entry = entry(Runtime.version().feature(), Path.of(System.getProperty("java.home")));
            String updated;
            if (existing == null) {
                updated = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<toolchains>\n" + entry + "</toolchains>\n";
            } else if (existing.contains("</toolchains>")) {
                int end = existing.lastIndexOf("</toolchains>");
                updated = existing.substring(0, end) + entry + existing.substring(end);
            } else {
                throw ToolFailure.refused("plugin new: " + file + " has no <toolchains> element; add a JDK " + MINIMUM
                                          + "+ to it by hand (see Maven's guide to toolchains)");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, updated);
            out.println("Declared the JDK " + System.getProperty("java.home") + " in " + file
                        + ": plugin projects compile and test on a JDK " + MINIMUM + "+ whatever Java runs Maven.");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean declaresRecentJdk(String toolchains) {
        Matcher jdk = JDK_VERSION.matcher(toolchains);
        while (jdk.find()) {
            if (Integer.parseInt(jdk.group(1)) >= MINIMUM) {
                return true;
            }
        }
        return false;
    }

    private static String entry(int version, Path home) {
        return """
                  <toolchain>
                    <type>jdk</type>
                    <provides>
                      <version>%d</version>
                    </provides>
                    <configuration>
                      <jdkHome>%s</jdkHome>
                    </configuration>
                  </toolchain>
                """.formatted(version, home);
    }
}
