package io.voicecore.kernel.state;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.params.SetParams;

/** {@link SharedState} on Redis through Jedis, shared by every kernel node that points at the same server. */
public final class RedisSharedState implements SharedState {
    private static final Logger LOG = Logger.getLogger(RedisSharedState.class.getName());
    // INCR and EXPIRE in one step, so a crash between them cannot leave a counter that never expires.
    private static final String INCREMENT_WITH_TTL = """
            local value = redis.call('INCR', KEYS[1])
            if value == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return value
            """;
    // Reads what the budget has used, takes what is wanted or what is left, and sets the expiry on the first take.
    private static final String TAKE_FROM_BUDGET = """
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local taken = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
            if taken <= 0 then return 0 end
            redis.call('INCRBY', KEYS[1], taken)
            if used == 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
            return taken
            """;

    private final URI uri;
    private final JedisPooled redis;
    private final String prefix;
    private final Set<RedisSubscription> subscriptions = ConcurrentHashMap.newKeySet();

    /**
     * @param url    {@code redis://[user:password@]host:port[/db]}
     * @param prefix namespace for every key and channel, so several deployments can share one server
     */
    public RedisSharedState(String url, String prefix) {
        this.uri = URI.create(url);
        this.redis = new JedisPooled(uri);
        this.prefix = prefix;
    }

    @Override
    public Optional<String> get(String key) {
        return reachable(() -> Optional.ofNullable(redis.get(prefix + key)));
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        reachable(() -> redis.set(prefix + key, value, SetParams.setParams().px(Math.max(1, ttl.toMillis()))));
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        return reachable(() -> "OK".equals(redis.set(prefix + key, value,
                                                     SetParams.setParams().nx().px(Math.max(1, ttl.toMillis())))));
    }

    @Override
    public void delete(String key) {
        reachable(() -> redis.del(prefix + key));
    }

    @Override
    public long increment(String key, long ttlSeconds) {
        return reachable(() -> (Long) redis.eval(INCREMENT_WITH_TTL, List.of(prefix + key), List.of(Long.toString(ttlSeconds))));
    }

    @Override
    public long take(String key, long wanted, long limit, long ttlSeconds) {
        return reachable(() -> (Long) redis.eval(TAKE_FROM_BUDGET, List.of(prefix + key),
                List.of(Long.toString(wanted), Long.toString(limit), Long.toString(ttlSeconds))));
    }

    @Override
    public void publish(String channel, String message) {
        reachable(() -> redis.publish(prefix + channel, message));
    }

    /** Runs one Redis command, turning a connection failure into the store's typed exception. */
    private <T> T reachable(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            throw new SharedStateUnavailableException("Redis at " + uri.getHost() + ":" + uri.getPort() + " is not reachable", e);
        }
    }

    @Override
    public Subscription subscribe(String channel, Consumer<String> listener) {
        RedisSubscription subscription = new RedisSubscription(channel, listener);
        subscriptions.add(subscription);
        try {
            subscription.start();
        } catch (RuntimeException e) {
            subscriptions.remove(subscription);
            throw e;
        }
        return subscription;
    }

    @Override
    public boolean ping() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void close() {
        List.copyOf(subscriptions).forEach(RedisSubscription::close);
        redis.close();
    }

    /**
     * One channel subscription on a connection of its own: a subscribed connection can do nothing else
     * until it unsubscribes, so taking it from the pool would starve ordinary commands after a few subscriptions.
     */
    private final class RedisSubscription extends JedisPubSub implements Subscription {
        private static final long MAX_BACKOFF_MILLIS = 5_000;
        private final String channel;
        private final Consumer<String> listener;
        private volatile Jedis connection;
        private final CountDownLatch confirmed = new CountDownLatch(1);
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final AtomicBoolean resubscribing = new AtomicBoolean();
        private Thread thread;

        RedisSubscription(String channel, Consumer<String> listener) {
            this.channel = channel;
            this.listener = listener;
            this.connection = new Jedis(uri);
        }

        /** Returns once Redis confirmed the subscription, so no message published afterwards is missed. */
        void start() {
            thread = Thread.ofPlatform().daemon().name("redis-subscriber-" + channel).start(this::receive);
            try {
                if (!confirmed.await(5, TimeUnit.SECONDS)) {
                    close();
                    throw new IllegalStateException("Redis did not confirm the subscription to " + channel + " within 5 s");
                }
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while subscribing to " + channel, e);
            }
            if (failure.get() != null) {
                close();
                throw new IllegalStateException("Could not subscribe to " + channel + ": " + failure.get().getMessage(), failure.get());
            }
        }

        /**
         * Stays subscribed until closed: a lost connection (Redis restarted, the connection killed) is replaced, with
         * a growing pause between attempts, and the listener is told that messages may have been lost meanwhile.
         */
        private void receive() {
            long backoff = 100;
            while (open.get()) {
                try {
                    connection.subscribe(this, prefix + channel);
                } catch (RuntimeException e) {
                    if (confirmed.getCount() > 0) {
                        failure.set(e);
                        return;
                    }
                    if (open.get()) {
                        LOG.log(Level.WARNING, "Subscription to " + channel + " lost (" + e.getMessage() + "); subscribing again");
                    }
                } finally {
                    confirmed.countDown();
                    connection.close();
                }
                if (!open.get()) {
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                resubscribing.set(true);
                connection = new Jedis(uri);
            }
        }

        @Override
        public void onSubscribe(String ch, int count) {
            confirmed.countDown();
            if (resubscribing.getAndSet(false)) {
                onMessage(ch, MESSAGES_MAY_BE_LOST);
            }
        }

        @Override
        public void onMessage(String ch, String message) {
            // A message that crossed paths with close() is dropped: after close() returns, nothing is delivered.
            if (!open.get()) {
                return;
            }
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Listener on channel " + channel + " failed", e);
            }
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            subscriptions.remove(this);
            try {
                if (isSubscribed()) {
                    unsubscribe();
                }
            } catch (RuntimeException e) {
                // The connection is already gone; closing it below ends the thread either way.
            }
            thread.interrupt(); // ends a pause between attempts to subscribe again; a blocked socket read ignores it
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                connection.close();
            }
        }
    }
}
