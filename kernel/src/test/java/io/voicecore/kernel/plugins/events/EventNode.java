package io.voicecore.kernel.plugins.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.Storage;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.testing.TestKernel;

/**
 * One kernel node as far as events are concerned: its own connection pool ({@link Storage#open}, which also
 * migrates) on a shared test database, an {@link EventBus}, and the dispatchers and schedulers it started.
 * Closing it stops them and closes the pool, as a node shutting down (or losing its database) would.
 */
final class EventNode implements AutoCloseable {
    private final Storage storage;
    private final SharedState state;
    private final EventBus bus;
    private final List<AutoCloseable> started = new ArrayList<>();

    EventNode(String jdbcUrl, SharedState state) {
        this.storage = Storage.open(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "db.url", jdbcUrl, "db.user", "postgres", "db.pool-size", "6",
                "data", TestKernel.tempDir("voicecore-events").toString())));
        this.state = state;
        this.bus = new EventBus(storage.database(), state, Clock.systemUTC());
    }

    Database database() {
        return storage.database();
    }

    EventBus bus() {
        return bus;
    }

    /** Settings with short waits, so retries and dead letters happen within a test. */
    static EventDispatcher.Settings quickSettings() {
        return EventDispatcher.Settings.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .withCloseGrace(Duration.ofSeconds(2));
    }

    EventDispatcher startDispatcher(RecordingPlugins plugins, EventDispatcher.Settings settings) {
        EventDispatcher dispatcher = new EventDispatcher(storage.database(), plugins, state, settings);
        dispatcher.start();
        started.add(dispatcher);
        return dispatcher;
    }

    JobScheduler startScheduler(RecordingPlugins plugins, Clock clock) {
        JobScheduler scheduler = new JobScheduler(storage.database(), plugins, clock,
                                                  new JobScheduler.Settings(Duration.ofMillis(100), Duration.ofSeconds(2)));
        scheduler.start();
        started.add(scheduler);
        return scheduler;
    }

    UUID createTenant(String slug) {
        Tenant tenant = new Tenant(UUID.randomUUID(), slug, "Tenant " + slug, "standard", "active", false, java.time.Instant.now());
        storage.database().inPlatform(tx -> {
            new TenantRepository().insert(tx, tenant);
            return null;
        });
        return tenant.id();
    }

    /**
     * Delivery rows of one event: subscriber to status and attempts, e.g. {@code crm -> delivered/1}. An event delivered
     * to its only subscriber at the first try has none; one with several subscribers has a row per subscriber.
     */
    Map<String, String> deliveriesOf(UUID eventId) {
        return database().inPlatform(tx -> Database.list(tx, row -> Map.entry(Database.text(row, "subscriber"),
                        Database.text(row, "status") + "/" + row.column("attempts").get(Integer.class)),
                "SELECT subscriber, status, attempts FROM kernel.event_deliveries WHERE event_id = ? ORDER BY subscriber", eventId))
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Whether every subscriber of the event received it ({@code delivered_at} of its outbox row, which retention reads). */
    boolean isDelivered(UUID eventId) {
        return count("SELECT count(*) AS n FROM kernel.event_outbox WHERE id = ? AND delivered_at IS NOT NULL", eventId) == 1;
    }

    /** Events every subscriber received. */
    long deliveredEvents() {
        return count("SELECT count(*) AS n FROM kernel.event_outbox WHERE delivered_at IS NOT NULL");
    }

    /** Runs {@code SELECT count(*) AS n ...} in platform scope. */
    long count(String sql, Object... params) {
        return database().inPlatform(tx -> tx.get(sql, params).orElseThrow().column("n").get(Long.class));
    }

    @Override
    public void close() {
        for (AutoCloseable component : started.reversed()) {
            try {
                component.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        storage.close();
    }

    /** Closes the pool first, so nothing the node's threads still do reaches the database: a crash, as the database sees it. */
    void crash() {
        storage.close();
        for (AutoCloseable component : started.reversed()) {
            try {
                component.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Waits until the condition holds, failing with the description after the timeout. */
    static void await(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + description.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
