package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections are served on platform threads up to the limit, then on their own virtual thread; a thread freed by a
 * closed connection serves the next one, and a connection's liveness is its own, not its thread's.
 */
class PlatformThreadConnectionsTest {
    static PlatformThreadConnections connections;
    static WebServer server;
    static final AtomicReference<BooleanSupplier> lastConnectionOpen = new AtomicReference<>();

    @BeforeAll
    static void start() {
        connections = new PlatformThreadConnections(List.of(), Thread.ofPlatform().daemon().name("connection-test-", 0).factory(), 1);
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .addConnectionSelector(connections)
                .routing(routing -> routing.get("/thread", (req, res) -> {
                    lastConnectionOpen.set(PlatformThreadConnections.currentConnectionOpen());
                    Thread thread = Thread.currentThread();
                    res.send(thread.isVirtual() ? "virtual" : thread.getName());
                }))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        connections.close();
    }

    /** One keep-alive request on an open socket; answers the body. */
    private static String get(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /thread HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        int at = headers.indexOf("content-length:");
        int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).strip());
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void connectionsBeyondTheLimitAreServedOnVirtualThreadsAndAFreedThreadServesTheNext() throws Exception {
        BooleanSupplier firstOpen;
        try (Socket first = new Socket("127.0.0.1", server.port())) {
            String firstThread = get(first);
            assertTrue(firstThread.startsWith("connection-test-"), firstThread);
            assertEquals(firstThread, get(first), "every request of the connection is served on its thread");
            firstOpen = lastConnectionOpen.get();
            assertTrue(firstOpen.getAsBoolean());
            try (Socket second = new Socket("127.0.0.1", server.port())) {
                assertEquals("virtual", get(second), "the only platform thread is taken");
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (firstOpen.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(firstOpen.getAsBoolean(), "the closed connection reads as closed, though its thread lives on");
        while (connections.busyThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        try (Socket third = new Socket("127.0.0.1", server.port())) {
            assertTrue(get(third).startsWith("connection-test-"), "the freed thread serves the next connection");
        }
    }
}
