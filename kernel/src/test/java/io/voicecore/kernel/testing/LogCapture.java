package io.voicecore.kernel.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every log line of every logger, at every level, while open: the message, its parameters and
 * any stack trace, so a test can prove something never reaches a log. The console handlers are detached
 * meanwhile so the build output stays readable; closing restores handlers and levels.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private static final List<String> OPENED_UP = List.of("", "io.voicecore", "io.voicecore.access");

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Logger root = Logger.getLogger("");
    private final Handler[] detached = root.getHandlers();
    // Held strongly: JUL forgets the level of a logger nobody references.
    private final Map<Logger, Level> previousLevels = new LinkedHashMap<>();

    private LogCapture() {
        setLevel(Level.ALL);
        for (Handler handler : detached) {
            root.removeHandler(handler);
        }
        root.addHandler(this);
        for (String name : OPENED_UP) {
            Logger logger = Logger.getLogger(name);
            previousLevels.put(logger, logger.getLevel());
            logger.setLevel(Level.ALL);
        }
    }

    /** Starts capturing. */
    public static LogCapture everything() {
        return new LogCapture();
    }

    /** The lines captured so far. */
    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder text = new StringBuilder(formatter.formatMessage(record)).append(' ').append(record.getMessage());
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                text.append(' ').append(parameter);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(' ').append(trace);
        }
        lines.add(text.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        for (Handler handler : detached) {
            root.addHandler(handler);
        }
        previousLevels.forEach(Logger::setLevel);
    }
}
