package io.voicecore.kernel.observe;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Routes all logging (JUL, and SLF4J through its JUL binding) to one console handler in the chosen format. */
public final class Logging {
    // JUL holds loggers weakly: without these references a level set here would be forgotten after a GC.
    private static final java.util.List<Logger> QUIETENED = new java.util.ArrayList<>();

    private Logging() {
    }

    public static void configure(String format) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        Formatter formatter = "text".equals(format) ? new TextLogFormatter() : new JsonLogFormatter();
        console.setFormatter(formatter);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        // Quieten chatty libraries; their warnings still show.
        for (String name : java.util.List.of("com.zaxxer.hikari", "org.flywaydb", "io.zonky")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETENED.add(logger);
        }
    }
}
