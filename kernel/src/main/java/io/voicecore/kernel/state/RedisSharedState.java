package io.voicecore.kernel.state;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

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

    private final JedisPooled redis;
    private final String prefix;

    /**
     * @param url    {@code redis://[user:password@]host:port[/db]}
     * @param prefix namespace for every key and channel, so several deployments can share one server
     */
    public RedisSharedState(String url, String prefix) {
        this.redis = new JedisPooled(URI.create(url));
        this.prefix = prefix;
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(redis.get(prefix + key));
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        redis.set(prefix + key, value, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        return "OK".equals(redis.set(prefix + key, value, SetParams.setParams().nx().px(Math.max(1, ttl.toMillis()))));
    }

    @Override
    public void delete(String key) {
        redis.del(prefix + key);
    }

    @Override
    public long increment(String key, long ttlSeconds) {
        Object result = redis.eval(INCREMENT_WITH_TTL, List.of(prefix + key), List.of(Long.toString(ttlSeconds)));
        return (Long) result;
    }

    @Override
    public void publish(String channel, String message) {
        redis.publish(prefix + channel, message);
    }

    @Override
    public Subscription subscribe(String channel, Consumer<String> listener) {
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub pubSub = new JedisPubSub() {
            @Override
            public void onMessage(String ch, String message) {
                try {
                    listener.accept(message);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Listener on channel " + channel + " failed", e);
                }
            }

            @Override
            public void onSubscribe(String ch, int count) {
                subscribed.countDown();
            }
        };
        Thread thread = Thread.ofPlatform().daemon().name("redis-subscriber-" + channel).start(() -> {
            try {
                redis.subscribe(pubSub, prefix + channel);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Subscription to " + channel + " ended: " + e.getMessage());
            }
        });
        try {
            // Return only once Redis confirmed the subscription, so no message published afterwards is missed.
            if (!subscribed.await(5, TimeUnit.SECONDS)) {
                thread.interrupt();
                throw new IllegalStateException("Redis did not confirm the subscription to " + channel + " within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while subscribing to " + channel, e);
        }
        return () -> {
            if (pubSub.isSubscribed()) {
                pubSub.unsubscribe();
            }
        };
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
        redis.close();
    }
}
