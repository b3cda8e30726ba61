package io.voicecore.kernel.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.RequestContext;

/** One JSON object per log line, carrying the request id of the request being served, if any. */
public final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("message", formatMessage(record));
        line.put("thread", Thread.currentThread().getName());
        String requestId = RequestContext.currentRequestId();
        if (requestId != null) {
            line.put("requestId", requestId);
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("error", trace.toString());
        }
        return Json.writeString(line) + System.lineSeparator();
    }
}
