package io.voicecore.kernel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 request on a connection of its own ({@code Connection: close}), so that a connection-level load
 * balancer in front of several nodes picks a node for every request, as it would for many independent clients.
 * A connection that breaks before the whole response arrived (the node died) is an {@link UncheckedIOException}.
 */
public final class OneShotHttp {
    private static final int TIMEOUT_MILLIS = 30_000;

    private OneShotHttp() {
    }

    public static HttpResult send(int port, String method, String path, String token, String contentType, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(contentType == null ? "application/json" : contentType).append("\r\n")
                        .append("Content-Length: ").append(body.length).append("\r\n");
            } else if (!method.equals("GET") && !method.equals("DELETE")) {
                head.append("Content-Length: 0\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    /** A JSON body. */
    public static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResult read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the connection closed before any response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        byte[] body;
        String length = first(headers, "Content-Length");
        if ("chunked".equalsIgnoreCase(first(headers, "Transfer-Encoding"))) {
            body = chunked(in);
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length)) {
                throw new IOException("the connection closed " + body.length + " bytes into a body of " + length);
            }
        } else {
            body = in.readAllBytes();
        }
        return new HttpResult(status, HttpHeaders.of(headers, (name, value) -> true), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new IOException("the connection closed inside a chunked body");
            }
            int length = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (length == 0) {
                line(in);
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(length);
            if (chunk.length < length) {
                throw new IOException("the connection closed inside a chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0).toLowerCase(Locale.ROOT).equals("chunked") ? "chunked" : values.get(0);
    }

    /** A line without its CRLF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
