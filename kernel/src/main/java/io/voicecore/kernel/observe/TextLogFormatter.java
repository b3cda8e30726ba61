package io.voicecore.kernel.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import io.voicecore.kernel.http.RequestContext;

/** Human-readable log lines for development ({@code log.format: text}). */
public final class TextLogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder();
        line.append(Instant.ofEpochMilli(record.getMillis())).append(' ').append(record.getLevel().getName()).append(' ');
        String requestId = RequestContext.currentRequestId();
        if (requestId != null) {
            line.append('[').append(requestId).append("] ");
        }
        line.append(record.getLoggerName()).append(": ").append(formatMessage(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
