package io.voicecore.kernel.plugins.script;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A script context's standard output and error, written line by line to the plugin's log (the logger a Java plugin's
 * {@code ctx.log()} writes to) with the tenant in front. A call may print a bounded number of bytes; what is past that
 * is dropped, once noted.
 */
final class ScriptLog extends OutputStream {
    private static final int MAX_LINE = 4096;
    private static final long MAX_BYTES_PER_CALL = 64 * 1024;

    private final Logger logger;
    private final String prefix;
    private final Level level;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long writtenThisCall;

    ScriptLog(String pluginId, String tenant, Level level) {
        this.logger = Logger.getLogger("io.voicecore.plugin." + pluginId);
        this.prefix = "[tenant " + tenant + "] ";
        this.level = level;
    }

    /** Starts a new call's allowance. */
    synchronized void newCall() {
        writtenThisCall = 0;
    }

    @Override
    public synchronized void write(int b) {
        writtenThisCall++;
        if (writtenThisCall > MAX_BYTES_PER_CALL) {
            if (writtenThisCall == MAX_BYTES_PER_CALL + 1) {
                logger.log(level, prefix + "(script output past " + MAX_BYTES_PER_CALL + " bytes in one call dropped)");
            }
            return;
        }
        if (b == '\n') {
            flushLine();
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            flushLine();
        }
    }

    private void flushLine() {
        logger.log(level, prefix + line.toString(StandardCharsets.UTF_8));
        line.reset();
    }
}
