package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the external tools the commands wrap: Maven, and the JDK's {@code keytool} and {@code jarsigner}. */
final class Processes {
    private Processes() {
    }

    /** What a process wrote and how it ended. */
    record Result(int exitStatus, String output) {
    }

    /** A tool of the JDK this runs on ({@code $JAVA_HOME/bin}, which the launcher sets). */
    static String jdkTool(String name) {
        for (String home : new String[] {System.getenv("JAVA_HOME"), System.getProperty("java.home")}) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", name))) {
                return Path.of(home, "bin", name).toString();
            }
        }
        throw ToolFailure.refused("the JDK's " + name + " is not in $JAVA_HOME/bin; set JAVA_HOME to a JDK 21 or newer");
    }

    /** A program on the PATH, or a failure with {@code missing} as its message. */
    static String executable(String name, String missing) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw ToolFailure.refused(missing);
    }

    /**
     * Runs a command with the terminal's input; its output (errors included) is copied to {@code echo} as it comes
     * when {@code echo} is given, and answered.
     */
    static Result capture(List<String> command, Path workDir, PrintStream echo) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        try {
            Process process = builder.start();
            StringBuilder output = new StringBuilder();
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    String text = new String(buffer, 0, read, StandardCharsets.UTF_8);
                    output.append(text);
                    if (echo != null) {
                        echo.print(text);
                        echo.flush();
                    }
                }
            }
            return new Result(process.waitFor(), output.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolFailure.refused("interrupted while " + command.getFirst() + " ran");
        }
    }
}
