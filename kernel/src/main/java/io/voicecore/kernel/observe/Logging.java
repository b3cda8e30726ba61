package io.voicecore.kernel.observe;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Routes all logging (JUL, and SLF4J through its JUL binding) to one console handler in the chosen format. */
public final class Logging {
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
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
        Logger.getLogger("org.flywaydb").setLevel(Level.WARNING);
        Logger.getLogger("io.zonky").setLevel(Level.WARNING);
    }
}
