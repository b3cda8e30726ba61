package io.voicecore.kernel.http;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ProtocolConfig;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * HTTP/1.1 connections served on platform threads, one each, up to a limit; beyond it on their own virtual thread, as
 * Helidon serves every connection. Helidon reads each connection on a virtual thread and offers no other; a plugin call
 * must run on a platform thread (its allocation quota is measured per platform thread), so a request on a virtual
 * thread hands its plugin call over to another thread and waits, two thread switches per request. Here the hand-over
 * happens once per connection instead: its requests, and the plugin calls they make, run on the thread that reads it.
 *
 * <p>The threads come from the plugin runtime ({@code PluginInvoker#inPlaceThreads}), which runs calls made on them in
 * place. A connection holds its thread while it is open, idle keep-alive time included; that is why they are limited.
 * It is the HTTP/1 selector Helidon would pick, wrapped, so it is placed before Helidon's own and wins the same
 * connections; upgrades (WebSocket) stay on the thread of the connection they upgrade.
 */
public final class PlatformThreadConnections implements ServerConnectionSelector {
    /** On a platform thread serving a connection: whether that connection is still being served. */
    private static final ThreadLocal<java.util.concurrent.atomic.AtomicBoolean> SERVING = new ThreadLocal<>();
    private final ServerConnectionSelector http1;
    private final ThreadPoolExecutor threads;
    private final Semaphore free;
    private final int max;

    /**
     * @param protocols the server's protocol configurations, for the upgrades HTTP/1 offers (WebSocket)
     * @param factory   makes the platform threads
     * @param max       connections served on platform threads at once
     */
    public PlatformThreadConnections(List<ProtocolConfig> protocols, ThreadFactory factory, int max) {
        // Helidon's HTTP/1 defaults, which are what the server uses: it configures no HTTP/1 options of its own (give
        // them here too if it ever does, or the connections served here would not have them).
        this.http1 = new Http1ConnectionProvider().create("@default", Http1Config.create(), ProtocolConfigs.create(protocols));
        this.threads = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
        this.free = new Semaphore(max);
        this.max = max;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext context) {
        return new OnPlatformThread(http1.connection(context));
    }

    /**
     * Whether the connection the calling thread serves is still open, asked later from any thread: a platform thread
     * goes on to serve other connections after this one, so its being alive says nothing; a virtual thread ends with its
     * connection.
     */
    public static java.util.function.BooleanSupplier currentConnectionOpen() {
        java.util.concurrent.atomic.AtomicBoolean serving = SERVING.get();
        if (serving != null) {
            return serving::get;
        }
        Thread thread = Thread.currentThread();
        return thread::isAlive;
    }

    /** Connections served on platform threads now, for tests. */
    public int busyThreads() {
        return max - free.availablePermits();
    }

    /** Ends the idle threads; connections still open keep theirs until they close. */
    public void close() {
        threads.shutdown();
    }

    /** A connection whose handling runs on a platform thread while the virtual thread Helidon gave it waits. */
    private final class OnPlatformThread implements ServerConnection, InterruptableTask<Void> {
        private final ServerConnection connection;

        OnPlatformThread(ServerConnection connection) {
            this.connection = connection;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            if (!free.tryAcquire()) {
                connection.handle(limit);
                return;
            }
            Future<Void> handled;
            try {
                handled = threads.submit(() -> {
                    java.util.concurrent.atomic.AtomicBoolean serving = new java.util.concurrent.atomic.AtomicBoolean(true);
                    SERVING.set(serving);
                    try {
                        connection.handle(limit);
                    } finally {
                        serving.set(false);
                        SERVING.remove();
                    }
                    return null;
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                free.release();
                connection.handle(limit);
                return;
            }
            try {
                awaitEnd(handled);
            } finally {
                free.release();
            }
        }

        /**
         * Waits until the connection is done; what ended it is rethrown as Helidon's connection handler expects it. When
         * the server stops it interrupts the waiting virtual thread: the connection is closed, which ends its platform
         * thread, and the connection ends as it would have on the virtual thread, with the interrupt kept.
         */
        private void awaitEnd(Future<Void> handled) {
            try {
                handled.get();
            } catch (InterruptedException stopping) {
                connection.close(true);
                try {
                    handled.get(1, TimeUnit.SECONDS);
                } catch (ExecutionException ended) {
                    rethrow(ended.getCause());
                } catch (InterruptedException | TimeoutException stillEnding) {
                    // the server is stopping; the platform thread ends with the closed connection
                } finally {
                    Thread.currentThread().interrupt();
                }
            } catch (ExecutionException e) {
                rethrow(e.getCause());
            }
        }

        private static void rethrow(Throwable cause) {
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            throw new IllegalStateException(cause);
        }

        @Override
        public boolean canInterrupt() {
            return connection instanceof InterruptableTask<?> task && task.canInterrupt();
        }

        @Override
        public Duration idleTime() {
            return connection.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            connection.close(interrupt);
        }
    }
}
