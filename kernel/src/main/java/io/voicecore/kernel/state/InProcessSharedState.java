package io.voicecore.kernel.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link SharedState} for a single node: a concurrent map with lazy expiry. Notifications are
 * delivered on a separate thread, like Redis pub/sub, so a slow listener never blocks a publisher.
 */
public final class InProcessSharedState implements SharedState {
    private static final Logger LOG = Logger.getLogger(InProcessSharedState.class.getName());

    private record Entry(String value, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, CopyOnWriteArrayList<Listener>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "shared-state-notifications");
        thread.setDaemon(true);
        return thread;
    });
    private final Clock clock;

    public InProcessSharedState(Clock clock) {
        this.clock = clock;
    }

    public InProcessSharedState() {
        this(Clock.systemUTC());
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(live(key)).map(Entry::value);
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.millis() + ttl.toMillis()));
        evictSometimes();
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        Entry fresh = new Entry(value, clock.millis() + ttl.toMillis());
        boolean[] stored = {false};
        entries.compute(key, (k, old) -> {
            if (old == null || old.expiresAtMillis() <= clock.millis()) {
                stored[0] = true;
                return fresh;
            }
            return old;
        });
        return stored[0];
    }

    @Override
    public void delete(String key) {
        entries.remove(key);
    }

    @Override
    public long increment(String key, long ttlSeconds) {
        long now = clock.millis();
        Entry updated = entries.compute(key, (k, old) -> {
            if (old == null || old.expiresAtMillis() <= now) {
                return new Entry("1", now + ttlSeconds * 1000);
            }
            return new Entry(Long.toString(Long.parseLong(old.value()) + 1), old.expiresAtMillis());
        });
        evictSometimes();
        return Long.parseLong(updated.value());
    }

    @Override
    public long take(String key, long wanted, long limit, long ttlSeconds) {
        long now = clock.millis();
        long[] taken = {0};
        entries.compute(key, (k, old) -> {
            boolean fresh = old == null || old.expiresAtMillis() <= now;
            long used = fresh ? 0 : Long.parseLong(old.value());
            taken[0] = Math.max(0, Math.min(wanted, limit - used));
            return new Entry(Long.toString(used + taken[0]), fresh ? now + ttlSeconds * 1000 : old.expiresAtMillis());
        });
        evictSometimes();
        return taken[0];
    }

    @Override
    public void publish(String channel, String message) {
        var subscribers = listeners.get(channel);
        if (subscribers != null) {
            for (Listener listener : subscribers) {
                delivery.execute(() -> listener.deliver(message));
            }
        }
    }

    @Override
    public Subscription subscribe(String channel, Consumer<String> listener) {
        Listener registered = new Listener(channel, listener);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(registered);
        return registered;
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public String kind() {
        return "in-process";
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }

    /**
     * One subscription. Its own identity (not the consumer's) is what gets removed, so subscribing the same
     * consumer twice gives two independent subscriptions; a message queued before close() is dropped.
     */
    private final class Listener implements Subscription {
        private final String channel;
        private final Consumer<String> consumer;
        private volatile boolean open = true;

        Listener(String channel, Consumer<String> consumer) {
            this.channel = channel;
            this.consumer = consumer;
        }

        void deliver(String message) {
            if (!open) {
                return;
            }
            try {
                consumer.accept(message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Listener on channel " + channel + " failed", e);
            }
        }

        @Override
        public void close() {
            open = false;
            var subscribers = listeners.get(channel);
            if (subscribers != null) {
                subscribers.remove(this);
            }
        }
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.expiresAtMillis() <= clock.millis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry;
    }

    /** Expired keys are dropped on read; a periodic sweep bounds memory for keys never read again. */
    private void evictSometimes() {
        if (entries.size() > 10_000 && (clock.millis() & 0x3F) == 0) {
            long now = clock.millis();
            entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        }
    }
}
