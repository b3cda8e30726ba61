package io.voicecore.kernel.audit;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;

/**
 * Streams the audit records matching a filter as JSON Lines or CSV. Rows are fetched a page at a
 * time, each page in its own short transaction, so neither memory nor a database connection is held
 * for the length of a slow download.
 */
final class AuditExport {
    static final int PAGE_SIZE = 1000;
    private static final List<String> CSV_COLUMNS = List.of("id", "tenantId", "chain", "seq", "actor", "action", "target",
                                                           "outcome", "requestId", "details", "occurredAt", "hash", "prevHash");

    /** The export file formats. */
    enum Format {
        JSONL("jsonl", "application/x-ndjson"),
        CSV("csv", "text/csv; charset=utf-8");

        final String extension;
        final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        /** Reads {@code format}; JSON Lines when absent. */
        static Format from(Optional<String> parameter) {
            return parameter.map(text -> Arrays.stream(values()).filter(f -> f.extension.equals(text)).findFirst()
                    .orElseThrow(() -> new ApiException.BadRequest("Query parameter 'format' must be one of "
                            + Arrays.stream(values()).map(f -> f.extension).toList() + ", not '" + text + "'.")))
                    .orElse(JSONL);
        }
    }

    private final Database database;
    private final AuditRepository repository;

    AuditExport(Database database, AuditRepository repository) {
        this.database = database;
        this.repository = repository;
    }

    /** The download of every record matching the filter, named {@code audit-<scopeName>.<ext>}. */
    ApiReply reply(TenantScope scope, AuditFilter filter, Format format, String scopeName) {
        return ApiReply.stream(format.contentType, out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (format == Format.CSV) {
                writeCsvRow(writer, CSV_COLUMNS);
            }
            Optional<AuditCursor> after = Optional.empty();
            while (true) {
                Optional<AuditCursor> from = after;
                List<AuditRecord> page = database.inScope(scope, tx -> repository.page(tx, filter, from, PAGE_SIZE));
                for (AuditRecord record : page) {
                    if (format == Format.CSV) {
                        writeCsvRow(writer, csvFields(record));
                    } else {
                        writer.write(Json.writeString(AuditRoutes.view(record)));
                        writer.write('\n');
                    }
                }
                writer.flush();
                if (page.size() < PAGE_SIZE) {
                    return;
                }
                after = Optional.of(AuditCursor.after(page.get(page.size() - 1)));
            }
        }).header("Content-Disposition", "attachment; filename=audit-" + scopeName + "." + format.extension);
    }

    private static List<String> csvFields(AuditRecord r) {
        return Arrays.asList(r.id().toString(), r.tenantId() == null ? "" : r.tenantId().toString(), r.chain(),
                             Long.toString(r.seq()), r.actor(), r.action(), r.target(), r.outcome(), r.requestId(), r.details(),
                             r.occurredAt().toString(), r.hash(), r.prevHash());
    }

    /** One RFC 4180 record: fields holding a comma, quote or line break are quoted, quotes doubled, CRLF ended. */
    static void writeCsvRow(Writer writer, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                writer.write(',');
            }
            writer.write(csvField(fields.get(i)));
        }
        writer.write("\r\n");
    }

    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
