package io.voicecore.standins.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code multipart/form-data} body (RFC 7578) taken apart: its parts with their field names, file names, content
 * types and bytes. Strict enough to refuse what a real server refuses (no boundary, no closing delimiter, a part
 * without a {@code Content-Disposition} name), lenient about the rest.
 */
final class MultipartForm {
    /** One part: a form field, or a file when it has a file name. */
    record Part(String name, Optional<String> filename, Optional<String> contentType, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** @return the first part named {@code name} */
    Optional<Part> part(String name) {
        return parts.stream().filter(part -> part.name().equals(name)).findFirst();
    }

    /** @return the first field named {@code name} as text, when it is present and not blank */
    Optional<String> field(String name) {
        return part(name).map(Part::text).map(String::strip).filter(value -> !value.isEmpty());
    }

    List<Part> parts() {
        return parts;
    }

    /**
     * @param contentType the request's {@code Content-Type}, which must be {@code multipart/form-data} with a boundary
     * @return the boundary
     * @throws IllegalArgumentException when it is not a multipart form, saying what it is
     */
    static String boundary(String contentType) {
        String[] pieces = contentType.split(";");
        if (!pieces[0].strip().equalsIgnoreCase("multipart/form-data")) {
            throw new IllegalArgumentException("Invalid Content-Type header (" + contentType.strip()
                                               + "), expected multipart/form-data. (HINT: If you're using curl, you can"
                                               + " pass -F 'file=@audio.wav' -F model=whisper-1)");
        }
        for (int i = 1; i < pieces.length; i++) {
            String piece = pieces[i].strip();
            if (piece.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String boundary = piece.substring("boundary=".length()).strip();
                if (boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
                    boundary = boundary.substring(1, boundary.length() - 1);
                }
                if (!boundary.isEmpty()) {
                    return boundary;
                }
            }
        }
        throw new IllegalArgumentException("The multipart/form-data Content-Type header has no boundary parameter.");
    }

    /**
     * @throws IllegalArgumentException when the body is not a well-formed multipart form with that boundary
     */
    static MultipartForm parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int position = indexOf(body, delimiter, 0);
        if (position < 0) {
            throw new IllegalArgumentException("Could not parse multipart form: the body does not contain the boundary.");
        }
        List<Part> parts = new ArrayList<>();
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        position += delimiter.length;
        while (true) {
            if (startsWith(body, position, "--")) {
                return new MultipartForm(parts);
            }
            if (!startsWith(body, position, "\r\n")) {
                throw new IllegalArgumentException("Could not parse multipart form: a boundary is not followed by a line"
                                                   + " break.");
            }
            int headersStart = position + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw new IllegalArgumentException("Could not parse multipart form: a part's headers never end.");
            }
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, nextDelimiter, contentStart);
            if (contentEnd < 0) {
                throw new IllegalArgumentException("Could not parse multipart form: the closing boundary is missing.");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            byte[] content = new byte[contentEnd - contentStart];
            System.arraycopy(body, contentStart, content, 0, content.length);
            parts.add(part(headers, content));
            position = contentEnd + nextDelimiter.length;
        }
    }

    private static Part part(String headers, byte[] content) {
        String name = null;
        Optional<String> filename = Optional.empty();
        Optional<String> contentType = Optional.empty();
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (header.equals("content-disposition")) {
                name = parameter(value, "name").orElse(null);
                filename = parameter(value, "filename");
            } else if (header.equals("content-type")) {
                contentType = Optional.of(value);
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("Could not parse multipart form: a part has no Content-Disposition"
                                               + " form-data name.");
        }
        return new Part(name, filename, contentType, content);
    }

    /** A parameter of a {@code Content-Disposition} value, quoted or not ({@code name="file"}, {@code name=file}). */
    private static Optional<String> parameter(String disposition, String parameter) {
        for (String piece : disposition.split(";")) {
            String trimmed = piece.strip();
            int equals = trimmed.indexOf('=');
            if (equals > 0 && trimmed.substring(0, equals).strip().equalsIgnoreCase(parameter)) {
                String value = trimmed.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] body, int at, String text) {
        if (at + text.length() > body.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (body[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
