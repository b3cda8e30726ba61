package io.voicecore.kernel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP load balancer on loopback, as small as one can be: each client connection goes to the next backend in turn;
 * a backend that refuses a connection is taken out (as a load balancer's failed health check would) and the
 * connection goes to the next one, so a dead node costs the clients only the requests that were in flight on it.
 */
public final class RoundRobinProxy implements AutoCloseable {
    private final List<Integer> backends;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong next = new AtomicLong();
    private final AtomicIntegerArray connections;
    private final boolean[] down;
    private final AtomicInteger refusedConnections = new AtomicInteger();

    public RoundRobinProxy(List<Integer> backendPorts) {
        this.backends = List.copyOf(backendPorts);
        this.connections = new AtomicIntegerArray(backends.size());
        this.down = new boolean[backends.size()];
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections handed to each backend so far, in the order of the backends. */
    public int connections(int backend) {
        return connections.get(backend);
    }

    /** Whether the backend was taken out after refusing a connection. */
    public synchronized boolean isDown(int backend) {
        return down[backend];
    }

    /** Connections a backend refused (each then went to another one). */
    public int refusedConnections() {
        return refusedConnections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket backend = connectToNext()) {
            if (backend == null) {
                return;
            }
            threads.execute(() -> pipe(client, backend));
            pipe(backend, client);
        } catch (IOException e) {
            // Either side went away: the other one sees its connection end, as behind a real balancer.
        }
    }

    /** The next live backend's connection, or null when none takes it. */
    private Socket connectToNext() {
        for (int tried = 0; tried < backends.size(); tried++) {
            int index = (int) (next.getAndIncrement() % backends.size());
            if (isDown(index)) {
                continue;
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backends.get(index)), 1_000);
                connections.incrementAndGet(index);
                return socket;
            } catch (IOException refused) {
                refusedConnections.incrementAndGet();
                synchronized (this) {
                    down[index] = true;
                }
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Nothing to release.
                }
            }
        }
        return null;
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side is gone; closing both ends the other direction too.
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        threads.shutdownNow();
    }
}
