package io.voicecore.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small HTTP/1.1 load generator over raw keep-alive sockets, one virtual thread per connection, that sends the same
 * request (a GET, or a POST with a fixed JSON body) again and again, or each of many distinct requests once. Raw sockets keep the client's own cost per request small (no per-request objects beyond the
 * read buffer), so that on a machine shared by client and server most of the CPU goes to the server being measured.
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #closedLoop}: each connection sends its next request as soon as the previous answer arrived; the
 *   completed requests per second are what the server sustains with that many requests in flight.</li>
 *   <li>{@link #openLoop}: requests are due at a fixed rate, request {@code k} at {@code start + k / rate},
 *   spread round-robin over the connections. A connection that is still waiting for an earlier answer sends late,
 *   and the latency of each request is measured from when it was <em>due</em>, not from when it was sent; a slow
 *   server therefore cannot hide its stalls by slowing the client down (no coordinated omission).</li>
 * </ul>
 */
final class HttpLoad {
    private final InetSocketAddress server;
    private final List<byte[]> requests;

    /** Outcome of one run. Latencies (nanoseconds, sorted) are only those of successful (2xx) answers. */
    record Result(long completed, long errors, double seconds, long[] sortedLatencyNanos, double offeredPerSecond, String firstError) {
        double throughput() {
            return completed / seconds;
        }

        /** @param quantile 0..1 */
        double latencyMillis(double quantile) {
            if (sortedLatencyNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sortedLatencyNanos.length - 1, Math.ceil(quantile * sortedLatencyNanos.length) - 1);
            return sortedLatencyNanos[Math.max(0, index)] / 1e6;
        }
    }

    /**
     * One request to send: method, path (and query), extra headers (e.g. Authorization) and a JSON body, empty for
     * none. The same bytes are sent every time.
     */
    record Target(String method, String path, Map<String, String> headers, String jsonBody) {
        /** A GET without a body. */
        Target(String path, Map<String, String> headers) {
            this("GET", path, headers, "");
        }

        /** A POST of {@code jsonBody}. */
        static Target post(String path, Map<String, String> headers, String jsonBody) {
            return new Target("POST", path, headers, jsonBody);
        }

        /** The whole request as it goes on the wire. */
        byte[] bytes(int port) {
            return request(port, method, path, headers, "application/json", jsonBody.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * One HTTP/1.1 request as it goes on the wire, keep-alive, with {@code Accept: application/json} unless
     * {@code headers} name another.
     *
     * @param contentType the body's type, sent only with a body
     */
    static byte[] request(int port, String method, String path, Map<String, String> headers, String contentType, byte[] body) {
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0) {
            text.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        if (headers.keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
            text.append("Accept: application/json\r\n");
        }
        text.append("\r\n");
        byte[] head = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /**
     * @param port    loopback port of the server
     * @param targets the requests to send; connection {@code i} sends {@code targets[i % targets.size()]}
     */
    HttpLoad(int port, List<Target> targets) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.requests = targets.stream().map(target -> target.bytes(port)).toList();
    }

    /** Every connection sends back to back for {@code seconds}. */
    Result closedLoop(int connections, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Worker> workers = run(connections, (connection, index) -> {
            while (System.nanoTime() < end) {
                connection.exchange(System.nanoTime());
            }
        });
        return merge(workers, (System.nanoTime() - start) / 1e9, Double.NaN);
    }

    /**
     * Sends every target once, in order, over {@code connections} keep-alive connections: a connection sends the next
     * target not yet taken as soon as its previous answer arrived, so {@code connections} requests are in flight until
     * the targets run out. Latency runs from sending; the time from the first send to the last answer.
     */
    Result eachOnce(int connections) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Worker> workers = run(connections, (connection, index) -> {
            for (int k = next.getAndIncrement(); k < requests.size(); k = next.getAndIncrement()) {
                connection.exchange(requests.get(k), System.nanoTime());
            }
        });
        return merge(workers, (System.nanoTime() - start) / 1e9, Double.NaN);
    }

    /** Requests due at {@code ratePerSecond} for {@code seconds}, over {@code connections} keep-alive connections. */
    Result openLoop(int connections, double ratePerSecond, double seconds) throws Exception {
        long total = (long) (ratePerSecond * seconds);
        double intervalNanos = 1e9 / ratePerSecond;
        long start = System.nanoTime() + 20_000_000; // every connection is open before the first request is due
        List<Worker> workers = run(connections, (connection, index) -> {
            for (long k = index; k < total; k += connections) {
                long due = start + (long) (k * intervalNanos);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                connection.exchange(due);
            }
        });
        double elapsed = (System.nanoTime() - start) / 1e9;
        return merge(workers, elapsed, ratePerSecond);
    }

    @FunctionalInterface
    private interface Loop {
        void drive(Worker connection, int index) throws IOException;
    }

    private List<Worker> run(int connections, Loop loop) throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(requests.get(i % requests.size())));
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Worker worker = workers.get(i);
                int index = i;
                running.add(threads.submit(() -> {
                    try (worker) {
                        loop.drive(worker, index);
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        return workers;
    }

    private static Result merge(List<Worker> workers, double seconds, double offered) {
        long completed = 0;
        long errors = 0;
        int size = 0;
        for (Worker worker : workers) {
            completed += worker.completed;
            errors += worker.errors;
            size += worker.latencyCount;
        }
        String firstError = workers.stream().map(worker -> worker.firstError).filter(java.util.Objects::nonNull).findFirst().orElse("");
        long[] all = new long[size];
        int at = 0;
        for (Worker worker : workers) {
            System.arraycopy(worker.latencies, 0, all, at, worker.latencyCount);
            at += worker.latencyCount;
        }
        Arrays.sort(all);
        return new Result(completed, errors, seconds, all, offered, firstError);
    }

    /** One keep-alive connection of a run; reconnects after a failure and counts it as an error. */
    private final class Worker implements AutoCloseable {
        private final byte[] request;
        private final Connection connection = new Connection(server, false);
        private long[] latencies = new long[64 * 1024];
        private int latencyCount;
        private long completed;
        private long errors;
        private String firstError;

        Worker(byte[] request) {
            this.request = request;
        }

        /** Sends the connection's request, reads the whole answer and records its latency measured from {@code sinceNanos}. */
        void exchange(long sinceNanos) throws IOException {
            exchange(request, sinceNanos);
        }

        /** Sends {@code request}, reads the whole answer and records its latency measured from {@code sinceNanos}. */
        void exchange(byte[] request, long sinceNanos) throws IOException {
            try {
                int status = connection.exchange(request).status();
                long latency = System.nanoTime() - sinceNanos;
                if (status >= 200 && status < 300) {
                    completed++;
                    if (latencyCount == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencies.length * 2);
                    }
                    latencies[latencyCount++] = latency;
                } else {
                    errors++;
                    firstError = firstError != null ? firstError : "status " + status;
                }
            } catch (IOException e) {
                errors++;
                firstError = firstError != null ? firstError : e.toString();
                if (errors > 1000) {
                    throw e;
                }
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /**
     * An answer as read off the wire.
     *
     * @param body the body, when the connection keeps bodies; empty otherwise
     */
    record Answer(int status, String contentType, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * One keep-alive HTTP/1.1 connection to a server: opened on first use, closed after a failure (and opened again by
     * the next exchange). It reads status line, headers and a {@code Content-Length} or chunked body; bodies are
     * skipped unless asked for, so that a load generator allocates nothing per answer. Not thread-safe: one caller
     * (one virtual thread) at a time.
     */
    static final class Connection implements AutoCloseable {
        private static final byte[] NO_BODY = new byte[0];
        private final InetSocketAddress server;
        private final boolean keepBodies;
        private final byte[] buffer = new byte[16 * 1024];
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private int filled;
        private int position;
        private String contentType;
        private java.io.ByteArrayOutputStream body;

        /** @param keepBodies whether {@link Answer#body()} holds the body (else it is read and dropped) */
        Connection(InetSocketAddress server, boolean keepBodies) {
            this.server = server;
            this.keepBodies = keepBodies;
        }

        /** Connects now rather than with the first request, e.g. to hold many connections open before a run. */
        void open() throws IOException {
            if (socket == null) {
                try {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(server, 10_000);
                    socket.setSoTimeout(30_000);
                    in = socket.getInputStream();
                    out = socket.getOutputStream();
                    filled = 0;
                    position = 0;
                } catch (IOException e) {
                    close();
                    throw e;
                }
            }
        }

        /**
         * Sends {@code request} and reads the whole answer.
         *
         * @throws IOException when the connection failed; it is closed, and the next exchange opens a new one
         */
        Answer exchange(byte[] request) throws IOException {
            try {
                open();
                out.write(request);
                out.flush();
                contentType = "";
                body = keepBodies ? new java.io.ByteArrayOutputStream(512) : null;
                int status = readResponse();
                return new Answer(status, contentType, body == null ? NO_BODY : body.toByteArray());
            } catch (IOException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? io : new IOException("unreadable answer: " + e, e);
            }
        }

        /** Reads status line, headers and a Content-Length or chunked body; returns the status code. */
        private int readResponse() throws IOException {
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                } else if (name.equalsIgnoreCase("content-type")) {
                    contentType = value;
                }
            }
            if (chunked) {
                for (long chunk = Long.parseLong(readLine().trim(), 16); chunk > 0; chunk = Long.parseLong(readLine().trim(), 16)) {
                    skip(chunk);
                    readLine();
                }
                while (!readLine().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            }
            if (close) {
                close();
            }
            return status;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (position == filled) {
                    fill();
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) b);
            }
        }

        /** Reads {@code bytes} of the body, keeping them when bodies are kept. */
        private void skip(long bytes) throws IOException {
            while (bytes > 0) {
                if (position == filled) {
                    fill();
                }
                int take = (int) Math.min(bytes, filled - position);
                if (body != null) {
                    body.write(buffer, position, take);
                }
                position += take;
                bytes -= take;
            }
        }

        private void fill() throws IOException {
            int read = in.read(buffer, 0, buffer.length);
            if (read < 0) {
                throw new EOFException("the server closed the connection");
            }
            position = 0;
            filled = read;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing after a failure; nothing more to do
                }
                socket = null;
            }
        }
    }
}
