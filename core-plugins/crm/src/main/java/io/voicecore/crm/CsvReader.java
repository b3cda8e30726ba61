package io.voicecore.crm;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads CSV (RFC 4180) record by record from a stream, holding one record at a time: fields separated by
 * commas; a field in double quotes may contain commas, line breaks and quotes written twice ({@code ""}); records
 * end with CRLF, LF or CR; a UTF-8 byte order mark at the start is skipped. A record is limited to
 * {@link #MAX_RECORD_CHARS} characters and {@link #MAX_FIELDS} fields, so an unclosed quote cannot swallow the
 * rest of a large file into memory.
 */
final class CsvReader {
    static final int MAX_RECORD_CHARS = 64 * 1024;
    static final int MAX_FIELDS = 1000;

    /**
     * One record.
     *
     * @param line   the file line it starts on, 1 for the first line
     * @param fields its fields, unquoted
     */
    record Record(long line, List<String> fields) {
        /** @return whether the line was empty (one empty, unquoted field) */
        boolean blank() {
            return fields.size() == 1 && fields.get(0).isEmpty();
        }
    }

    /** The text is not CSV from this point on: reading cannot continue. */
    static final class MalformedCsv extends Exception {
        private final long line;

        MalformedCsv(long line, String problem) {
            super(problem);
            this.line = line;
        }

        /** @return the file line where the problem was found */
        long line() {
            return line;
        }
    }

    private final Reader in;
    private final char[] buffer = new char[16 * 1024];
    private int position;
    private int limit;
    private boolean started;
    /** The line the next character is on. */
    private long line = 1;
    private final StringBuilder field = new StringBuilder();

    CsvReader(Reader in) {
        this.in = in;
    }

    /** @return the file line reading has reached */
    long line() {
        return line;
    }

    /**
     * @return the next record, or empty at the end of the input (a final line break does not make an empty record)
     * @throws MalformedCsv when a quoted field is not closed or is followed by text, or a record is too long
     */
    Optional<Record> next() throws IOException, MalformedCsv {
        int c = read();
        if (c < 0) {
            return Optional.empty();
        }
        long start = line;
        List<String> fields = new ArrayList<>();
        int recordChars = 0;
        field.setLength(0);
        boolean quoted = false;
        boolean afterQuote = false;
        boolean fieldStart = true;
        while (true) {
            if (c < 0) {
                if (quoted) {
                    throw new MalformedCsv(start, "a quoted field that starts on line " + start + " is not closed before the end of the file;"
                                                  + " close it with \", and write a quote inside a field as \"\"");
                }
                fields.add(field.toString());
                return Optional.of(new Record(start, fields));
            }
            if (++recordChars > MAX_RECORD_CHARS) {
                throw new MalformedCsv(start, "the row that starts on line " + start + " is longer than " + MAX_RECORD_CHARS
                                              + " characters; is a quote left open?");
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    int following = peek();
                    if (following == '"') {
                        read();
                        field.append('"');
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    field.append(ch);
                    if (ch == '\n' || ch == '\r' && peek() != '\n') {
                        line++;
                    }
                }
            } else if (ch == ',') {
                addField(fields, start);
                fieldStart = true;
                afterQuote = false;
                c = read();
                continue;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && peek() == '\n') {
                    read();
                }
                line++;
                fields.add(field.toString());
                return Optional.of(new Record(start, fields));
            } else if (afterQuote) {
                throw new MalformedCsv(line, "on line " + line + " a quoted field is followed by '" + ch + "'; a quoted field must end"
                                             + " at its closing quote (write a quote inside it as \"\")");
            } else if (ch == '"' && fieldStart) {
                quoted = true;
            } else {
                field.append(ch);
            }
            fieldStart = false;
            c = read();
        }
    }

    private void addField(List<String> fields, long start) throws MalformedCsv {
        if (fields.size() + 1 >= MAX_FIELDS) {
            throw new MalformedCsv(start, "the row that starts on line " + start + " has more than " + MAX_FIELDS + " fields");
        }
        fields.add(field.toString());
        field.setLength(0);
    }

    private int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        return fill() ? buffer[position] : -1;
    }

    /** @return whether a character is available, after skipping a byte order mark at the very start */
    private boolean fill() throws IOException {
        while (position >= limit) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
        }
        if (!started) {
            started = true;
            if (buffer[position] == '\uFEFF') {
                position++;
                return fill();
            }
        }
        return true;
    }
}
