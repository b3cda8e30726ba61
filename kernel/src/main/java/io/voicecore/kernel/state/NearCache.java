package io.voicecore.kernel.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A node-local cache of rows the request path reads on every call (API keys, tenants, each tenant's enablement and
 * configuration of each plugin, plugin secrets), so a request does not wait for a database connection to learn what
 * has not changed.
 *
 * <p>Correctness rests on three rules. A writer calls {@link #invalidate} or {@link #invalidateAll} <em>after</em>
 * its transaction committed: this node forgets the entry at once and every other node when the notification on
 * the shared-state channel arrives (milliseconds). A read that overlapped an invalidation is never kept: the
 * generation counter moves on every invalidation, and a reader that sees it moved drops what it stored. Entries
 * also expire after {@code maxAge}, which bounds how long a node that missed a notification can serve a changed
 * row; a subscription that was lost and is back makes the cache forget everything
 * ({@link SharedState#MESSAGES_MAY_BE_LOST}). Absent rows are not cached, so made-up keys cannot fill the cache; it is
 * bounded by {@code maxEntries} besides.
 */
public final class NearCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NearCache.class.getName());
    private static final String ALL = "*";

    private record Entry(Object value, long expiresAtMillis) {
    }

    private final String channel;
    private final SharedState state;
    private final Duration maxAge;
    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final SharedState.Subscription subscription;

    /**
     * @param name       the cache's name; nodes sharing {@code state} invalidate each other's cache of that name
     * @param maxAge     how long an entry is served at most without a notification
     * @param maxEntries entries kept at most; beyond, some are dropped and read again when needed
     */
    public NearCache(String name, SharedState state, Duration maxAge, int maxEntries, Clock clock) {
        this.channel = "near-cache:" + name;
        this.state = state;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.subscription = state.subscribe(channel, this::onNotification);
    }

    /**
     * The value cached under {@code key}, or what {@code read} returns (then cached when present).
     *
     * @param read reads the current row; runs outside any lock, so concurrent misses may read more than once
     */
    @SuppressWarnings("unchecked")
    public <V> Optional<V> get(String key, Supplier<Optional<V>> read) {
        long now = clock.millis();
        Entry cached = entries.get(key);
        if (cached != null && cached.expiresAtMillis() > now) {
            return Optional.of((V) cached.value());
        }
        long readGeneration = generation.get();
        Optional<V> value = read.get();
        if (value.isPresent()) {
            Entry entry = new Entry(value.get(), now + maxAge.toMillis());
            entries.put(key, entry);
            // An invalidation that began during the read may have removed the entry before it was put: drop it then.
            if (generation.get() != readGeneration) {
                entries.remove(key, entry);
            }
            trim();
        } else {
            entries.remove(key);
        }
        return value;
    }

    /** Forgets one key on this node now and on every other node soon. Call after the change committed. */
    public void invalidate(String key) {
        forget(key);
        publish(key);
    }

    /** Forgets everything on this node now and on every other node soon. Call after the change committed. */
    public void invalidateAll() {
        forget(ALL);
        publish(ALL);
    }

    /**
     * Forgets one key on this node only, for an owner that learns of changes through a channel of its own (and so
     * must not wait for this cache's notification to arrive before it acts on the change).
     */
    public void forgetOnThisNode(String key) {
        forget(key);
    }

    /**
     * Forgets, on this node only, every key that starts with {@code prefix}: for a change every node hears of by
     * itself (a plugin installed, say, which stales every tenant's entry of it).
     */
    public void forgetPrefixOnThisNode(String prefix) {
        generation.incrementAndGet();
        entries.keySet().removeIf(key -> key.startsWith(prefix));
    }

    /** Forgets everything on this node only. */
    public void forgetAllOnThisNode() {
        forget(ALL);
    }

    /** Entries held now (for tests and metrics). */
    public int size() {
        return entries.size();
    }

    @Override
    public void close() {
        subscription.close();
    }

    private void forget(String key) {
        // Generation first: a read running now then drops what it stores, whichever of the two happens first.
        generation.incrementAndGet();
        if (ALL.equals(key)) {
            entries.clear();
        } else {
            entries.remove(key);
        }
    }

    private void publish(String key) {
        try {
            state.publish(channel, key);
        } catch (RuntimeException e) {
            // The change is committed and forgotten here; other nodes fall back on maxAge.
            LOG.warning("Could not notify other nodes of a change on " + channel + ": " + e.getMessage());
        }
    }

    private void onNotification(String key) {
        forget(SharedState.MESSAGES_MAY_BE_LOST.equals(key) ? ALL : key);
    }

    private void trim() {
        int excess = entries.size() - maxEntries;
        if (excess <= 0) {
            return;
        }
        // Drops a tenth beyond the bound in iteration order: cheap, and a dropped entry is only read again.
        Iterator<String> keys = entries.keySet().iterator();
        for (int dropped = 0; dropped < excess + maxEntries / 10 && keys.hasNext(); dropped++) {
            keys.next();
            keys.remove();
        }
    }
}
