package io.voicecore.kernel.plugins.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.plugins.PluginDispatcher;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;

/**
 * Delivers committed outbox events to subscribing plugins, at least once. One background thread per
 * kernel node repeats two steps, both in platform scope (the dispatcher serves every tenant):
 * <ol>
 *   <li><b>Lease:</b> a batch of events not yet fanned out is leased in one UPDATE of {@code kernel.event_outbox}
 *       ({@code FOR UPDATE SKIP LOCKED}; the lease is counted in {@code lease_attempts} and lapses at
 *       {@code leased_until}, after the claim timeout). Each event goes at once to every plugin that
 *       {@link PluginDispatcher#subscribers subscribes} to its topic for its tenant at that moment, with no row per
 *       delivery. When the share that serves an event's last subscriber ends, the event is <em>settled</em> in one
 *       UPDATE per share: {@code fanned_out_at} (and {@code delivered_at} when every subscriber received it).</li>
 *   <li><b>Due deliveries:</b> {@code kernel.event_deliveries} holds only what must be remembered: a failed delivery
 *       (rescheduled with exponential backoff, or after {@link Settings#maxAttempts()} attempts {@code dead}: a dead
 *       letter), one held or handed back unstarted, and the {@code delivered} marks of events with several subscribers.
 *       Due pending rows are claimed with {@code FOR UPDATE SKIP LOCKED} (the claim counts the attempt and moves
 *       {@code next_attempt_at} forward by the claim timeout), delivered, and marked. This step runs when the lease
 *       step found nothing, and otherwise once per poll interval.</li>
 * </ol>
 * Handlers run outside any transaction. Several nodes can run dispatchers on one database: SKIP LOCKED, leases and
 * claims keep them off each other's events.
 *
 * <p><b>Held deliveries.</b> When the plugin may not serve the tenant for now (its licence refuses), the plugin side
 * answers with a {@linkplain PluginDispatcher.BatchOutcome#held hold}: the share is handed back without counting the
 * attempt, as {@code held} rows due again only after the hold, so a refused subscriber neither spins nor runs into
 * dead letters. {@link #resume} (a licence attached, on any node) makes a subscription's held deliveries due at once.
 *
 * <p><b>Duplicates are possible</b> and subscribers must deduplicate by {@link Event#id()}: a node that dies (or
 * loses the database) after handlers returned but before their share was recorded leaves its leases and claims to
 * lapse, and those deliveries (at most the share of one batch per (tenant, plugin) the node was serving; shares
 * already recorded are not repeated) are made again, by any node, with the next attempt number and the same id. The
 * same happens if a handler runs longer than the claim timeout, so that timeout must exceed the runtime's per-call
 * deadline; a delivery is only started while its lease or claim has at least half its time left.
 *
 * <p>A (tenant, plugin)'s share of a batch goes to the plugin in publication order in one plugin call
 * ({@link PluginDispatcher#deliverAll}; after a failure, the rest in the next call), so the dispatcher takes one of
 * the plugin's concurrency slots at a time; different (tenant, plugin) pairs are served in parallel.
 * A batch's deliveries start only after the previous batch's ended. Dispatchers wake on the
 * {@link EventBus#WAKE_CHANNEL} notification and otherwise poll every {@link Settings#pollInterval()}.
 *
 * <p>Why it is long: leasing, delivery and the record of each outcome are one loop over one batch; they share its
 * leases, its in-flight workers and the crash bound documented above, and splitting them would spread that guarantee
 * over several classes. A fifth of the file is this documentation and the settings' own.
 */
public final class EventDispatcher implements AutoCloseable {

    /**
     * How the dispatcher paces itself.
     *
     * @param pollInterval   longest wait between looks for new or due work
     * @param batchSize      events leased, and deliveries claimed, per step
     * @param maxAttempts    attempts before a delivery is dead-lettered
     * @param initialBackoff wait after the first failed attempt; doubled after each further one
     * @param maxBackoff     cap of the wait between attempts
     * @param claimTimeout   how long a leased event or claimed delivery is reserved for the node that took it
     * @param parallelism    (tenant, plugin) pairs served at once
     * @param closeGrace     how long {@link #close()} waits for deliveries in progress
     */
    public record Settings(Duration pollInterval, int batchSize, int maxAttempts, Duration initialBackoff,
                           Duration maxBackoff, Duration claimTimeout, int parallelism, Duration closeGrace) {

        public Settings {
            requirePositive(pollInterval, "pollInterval");
            requirePositive(initialBackoff, "initialBackoff");
            requirePositive(maxBackoff, "maxBackoff");
            requirePositive(claimTimeout, "claimTimeout");
            Objects.requireNonNull(closeGrace, "closeGrace");
            if (batchSize < 1 || maxAttempts < 1 || parallelism < 1) {
                throw new IllegalArgumentException("batchSize, maxAttempts and parallelism must be at least 1");
            }
        }

        /** 200 ms polls, batches of 500, 8 attempts backing off 1 s, 2 s, 4 s ... up to 10 min, 5 min claims. */
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(200), 500, 8, Duration.ofSeconds(1), Duration.ofMinutes(10),
                                Duration.ofMinutes(5), 16, Duration.ofSeconds(10));
        }

        public Settings withMaxAttempts(int attempts) {
            return new Settings(pollInterval, batchSize, attempts, initialBackoff, maxBackoff, claimTimeout, parallelism, closeGrace);
        }

        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(pollInterval, batchSize, maxAttempts, initial, max, claimTimeout, parallelism, closeGrace);
        }

        public Settings withClaimTimeout(Duration timeout) {
            return new Settings(pollInterval, batchSize, maxAttempts, initialBackoff, maxBackoff, timeout, parallelism, closeGrace);
        }

        public Settings withBatchSize(int size) {
            return new Settings(pollInterval, size, maxAttempts, initialBackoff, maxBackoff, claimTimeout, parallelism, closeGrace);
        }

        public Settings withCloseGrace(Duration grace) {
            return new Settings(pollInterval, batchSize, maxAttempts, initialBackoff, maxBackoff, claimTimeout, parallelism, grace);
        }

        /** The wait after the given failed attempt (1-based): initial, 2 x initial, 4 x initial ..., at most {@code maxBackoff}. */
        public Duration backoffAfter(int failedAttempt) {
            int doublings = Math.min(Math.max(failedAttempt - 1, 0), 40);
            long millis = initialBackoff.toMillis();
            for (int i = 0; i < doublings && millis < maxBackoff.toMillis(); i++) {
                millis *= 2;
            }
            return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
            }
        }
    }

    /** A delivery this node claimed: the row's key, the attempt it is, and the event to hand over. */
    /**
     * A delivery this node holds: the event's key, the subscriber, the attempt it is, and the event to hand over; for a
     * leased event (no row of its own yet) the lease it belongs to, null for a claimed row.
     */
    private record Claimed(UUID eventId, String subscriber, UUID tenantId, int attempt, String topic, String publisher,
                           String payload, Instant occurredAt, Event event, Lease lease) {
        Claimed withEvent(Event parsed) {
            return new Claimed(eventId, subscriber, tenantId, attempt, topic, publisher, payload, occurredAt, parsed, lease);
        }
    }

    /**
     * One leased event on this node: how many of its subscribers are still being served (the share that ends last
     * settles it), whether an outcome could not be written (then it is not settled and its lease lapses), and whether it
     * has rows in {@code kernel.event_deliveries} (then it is delivered only once none of them is pending or dead).
     */
    private static final class Lease {
        final UUID eventId;
        final int attempt;
        final AtomicInteger open;
        /** Several subscribers: each success gets a {@code delivered} row, so a crash repeats only the share in progress. */
        final boolean marks;
        volatile boolean rows;
        volatile boolean unrecorded;

        Lease(UUID eventId, int attempt, int open, boolean marks, boolean rows) {
            this.eventId = eventId;
            this.attempt = attempt;
            this.open = new AtomicInteger(open);
            this.marks = marks;
            this.rows = rows;
        }

        DeliveryRecords.LeasedEvent leased() {
            return new DeliveryRecords.LeasedEvent(eventId, attempt, rows);
        }
    }

    private record Subscription(UUID tenantId, String subscriber) {
    }

    private static final Logger LOG = Logger.getLogger(EventDispatcher.class.getName());
    private static final Duration LONGEST_ERROR_PAUSE = Duration.ofSeconds(30);

    private final Database database;
    private final PluginDispatcher plugins;
    private final SharedState state;
    private final Settings settings;
    private final Semaphore wakeups = new Semaphore(0);
    private final Semaphore servedAtOnce;
    /** Subscriptions whose held deliveries the loop makes due at its next step. */
    private final Set<Subscription> resumesDue = ConcurrentHashMap.newKeySet();
    /** Counts {@link #resume} calls, so a hold written while one came in is undone ({@link #hold}). */
    private final AtomicLong resumes = new AtomicLong();
    private volatile boolean running;
    /** When the loop last looked for due deliveries ({@link System#nanoTime()}); read and written by the loop only. */
    private long lastDueCheck = System.nanoTime();
    /** The deliveries of the last fresh batch while the next one is fanned out; the loop's own. */
    private Future<?> inFlight;
    private Thread loop;
    private ExecutorService workers;
    private SharedState.Subscription wakeSubscription;

    public EventDispatcher(Database database, PluginDispatcher plugins, SharedState state, Settings settings) {
        this.database = database;
        this.plugins = plugins;
        this.state = state;
        this.settings = settings;
        this.servedAtOnce = new Semaphore(settings.parallelism());
    }

    /** Starts the background thread; it runs until {@link #close()}. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("the event dispatcher is already running");
        }
        running = true;
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-delivery-", 0).factory());
        try {
            wakeSubscription = state.subscribe(EventBus.WAKE_CHANNEL, message -> wake());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Event dispatcher could not subscribe to wake-up notifications; it will rely on polling", e);
        }
        loop = Thread.ofPlatform().name("event-dispatcher").daemon(true).start(this::runLoop);
    }

    /** Makes the loop look for work now instead of at its next poll. */
    public void wake() {
        wakeups.release();
    }

    /**
     * Makes the subscription's held deliveries (see the class comment) due now, e.g. because a licence was attached
     * for the tenant: the loop does it at its next step, which this call starts at once. Returns without waiting for
     * the database. Deliveries in progress are not touched, so none is delivered twice for it.
     *
     * @param tenantId the tenant
     * @param pluginId the subscribing plugin
     */
    public void resume(UUID tenantId, String pluginId) {
        resumes.incrementAndGet();
        resumesDue.add(new Subscription(tenantId, pluginId));
        wake();
    }

    /**
     * Stops claiming work, lets deliveries in progress finish for up to {@link Settings#closeGrace()}, then
     * interrupts them. Claimed deliveries not yet started are handed back; any left in progress are
     * delivered again by whichever dispatcher runs once their claim lapses.
     */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        if (wakeSubscription != null) {
            wakeSubscription.close();
        }
        wake();
        workers.shutdown();
        try {
            loop.join(settings.closeGrace().toMillis() + 1);
            if (!workers.awaitTermination(Math.max(settings.closeGrace().toMillis(), 1), TimeUnit.MILLISECONDS)) {
                LOG.warning("Event deliveries still running after " + settings.closeGrace() + " are interrupted; "
                            + "they will be delivered again once their claim lapses");
            }
            workers.shutdownNow();
            loop.interrupt();
            loop.join(1000);
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop() {
        int consecutiveFailures = 0;
        while (running) {
            boolean moreWaiting;
            try {
                moreWaiting = runOnce();
                consecutiveFailures = 0;
            } catch (RuntimeException e) {
                consecutiveFailures++;
                LOG.log(consecutiveFailures == 1 ? Level.WARNING : Level.FINE,
                        "Event dispatcher step failed (" + consecutiveFailures + " in a row); retrying", e);
                moreWaiting = false;
            }
            if (!moreWaiting) {
                try {
                    long pause = settings.pollInterval().toMillis() << Math.min(consecutiveFailures, 8);
                    wakeups.tryAcquire(Math.min(pause, LONGEST_ERROR_PAUSE.toMillis()), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                } catch (InterruptedException e) {
                    awaitInFlight();
                    return;
                }
            }
        }
        awaitInFlight();
    }

    /**
     * One lease step, delivering what it leased, and a delivery step for due deliveries (retries, lapsed claims,
     * handed-back rows). While fresh events keep coming in full batches, a batch's deliveries run while the next batch
     * is leased (two stages, so the database and the plugins work at the same time; a batch's deliveries start
     * only after the previous batch's ended, which keeps each (tenant, plugin) in order and on one concurrency slot),
     * The due step runs when the lease step found nothing (or held deliveries were resumed), and otherwise once per poll
     * interval, so neither a backlog nor a steady stream of events pays a claim query per batch that mostly finds
     * nothing.
     *
     * @return whether a full batch was found, so more work is probably waiting
     */
    private boolean runOnce() {
        boolean resumed = applyResumes();
        long stepStarted = System.nanoTime();
        List<Claimed> fresh = new ArrayList<>();
        int leased;
        try {
            leased = lease(fresh);
        } finally {
            awaitInFlight();
        }
        boolean moreEvents = leased == settings.batchSize();
        if (!running) {
            releaseLeases(fresh); // close() began: hand the fresh leases back rather than let them lapse
            return false;
        }
        if (moreEvents) {
            try {
                inFlight = workers.submit(() -> deliver(fresh, stepStarted));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                releaseLeases(fresh);
                return false;
            }
        } else {
            deliver(fresh, stepStarted);
        }
        boolean dueCheckOwed = resumed || leased == 0 || System.nanoTime() - lastDueCheck >= settings.pollInterval().toNanos();
        boolean moreDeliveries = false;
        if (running && dueCheckOwed) {
            awaitInFlight();
            lastDueCheck = System.nanoTime();
            moreDeliveries = deliverDue();
        }
        return running && (moreEvents || moreDeliveries);
    }

    /** Makes the held deliveries of each subscription {@link #resume resumed} since the last step due now; returns whether any. */
    private boolean applyResumes() {
        boolean any = false;
        for (Subscription subscription : List.copyOf(resumesDue)) {
            resumesDue.remove(subscription);
            try {
                long due = database.inPlatform(tx -> tx.dml("UPDATE kernel.event_deliveries SET next_attempt_at = now() "
                        + "WHERE tenant_id = ? AND subscriber = ? AND status = 'pending' AND held AND next_attempt_at > now()",
                        subscription.tenantId(), subscription.subscriber()));
                any |= due > 0;
                LOG.fine(() -> due + " held deliveries to '" + subscription.subscriber() + "' of tenant " + subscription.tenantId()
                               + " are due again");
            } catch (RuntimeException e) {
                resumesDue.add(subscription); // tried again at the next step; until then the hold lapses on its own
                throw e;
            }
        }
        return any;
    }

    /** Waits for the deliveries of the previous fresh batch, if they still run. */
    private void awaitInFlight() {
        Future<?> previous = inFlight;
        if (previous == null) {
            return;
        }
        inFlight = null;
        awaitWorker(previous);
    }

    /** Waits for a delivery worker; a worker's failure is logged. Returns false when interrupted meanwhile. */
    private static boolean awaitWorker(Future<?> worker) {
        try {
            worker.get();
            return true;
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, "Event delivery worker failed", e.getCause());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Leases one batch of events not yet fanned out, in one transaction: one UPDATE by primary key counts the lease and
     * moves {@code leased_until} forward by the claim timeout (and returns the events). Each event's subscribers of that
     * moment become deliveries in {@code claimed}, to be delivered at once, without a row of their own. An event leased
     * again (its earlier lease lapsed) skips the subscribers that already have a row in {@code kernel.event_deliveries}:
     * their delivery was recorded, or is pending there. An event left with no subscriber to serve is settled here. The
     * deliveries are added to {@code claimed} only once the transaction committed.
     *
     * @return how many events were leased
     */
    private int lease(List<Claimed> claimed) {
        record Published(UUID id, UUID tenantId, String topic, String publisher, String payload, Instant occurredAt, int attempt) {
        }
        List<Claimed> leased = new ArrayList<>();
        int found = database.inPlatform(tx -> {
            leased.clear();
            List<Published> events = Database.list(tx,
                    row -> new Published(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "topic"),
                                         Database.text(row, "publisher"), Database.text(row, "payload"),
                                         Database.instant(row, "occurred_at"), row.column("lease_attempts").get(Integer.class)),
                    // "= ANY (ARRAY(...))" keeps the update on the primary key: a join with the picked ids lets the planner
                    // choose a sequential scan of the whole outbox, which grows with every event ever published.
                    "UPDATE kernel.event_outbox o SET lease_attempts = o.lease_attempts + 1, "
                    + "leased_until = now() + ?::bigint * interval '1 millisecond' "
                    + "WHERE o.id = ANY (ARRAY(SELECT id FROM kernel.event_outbox WHERE fanned_out_at IS NULL "
                    + "AND (leased_until IS NULL OR leased_until <= now()) ORDER BY occurred_at, id LIMIT ? FOR UPDATE SKIP LOCKED)) "
                    + "RETURNING o.id, o.tenant_id, o.topic, o.publisher, o.payload, o.occurred_at, o.lease_attempts",
                    settings.claimTimeout().toMillis(), settings.batchSize());
            Set<Map.Entry<UUID, String>> recorded = DeliveryRecords.recorded(tx, events.stream().filter(e -> e.attempt() > 1)
                    .map(Published::id).toList());
            List<Lease> notLeased = new ArrayList<>();
            List<Lease> nobodyLeft = new ArrayList<>();
            // Subscribers are looked up once per (tenant, topic) of the batch, not once per event.
            Map<Map.Entry<UUID, String>, List<String>> subscribersOf = new HashMap<>();
            for (Published event : events) {
                List<String> subscribers;
                try {
                    Map.Entry<UUID, String> key = Map.entry(event.tenantId(), event.topic());
                    subscribers = subscribersOf.get(key);
                    if (subscribers == null) {
                        subscribers = List.copyOf(new LinkedHashSet<>(plugins.subscribers(event.tenantId(), event.topic())));
                        subscribersOf.put(key, subscribers);
                    }
                } catch (RuntimeException e) {
                    // Left for the next step: the event is not lost, and the others go ahead.
                    LOG.log(Level.WARNING, "Could not list the subscribers of event " + event.id() + " (topic " + event.topic()
                                           + ", tenant " + event.tenantId() + "); trying again later", e);
                    notLeased.add(new Lease(event.id(), event.attempt(), 0, false, false));
                    continue;
                }
                List<String> open = subscribers.stream().filter(s -> !recorded.contains(Map.entry(event.id(), s))).toList();
                Lease lease = new Lease(event.id(), event.attempt(), open.size(), subscribers.size() > 1, open.size() < subscribers.size());
                if (open.isEmpty()) {
                    nobodyLeft.add(lease);
                }
                for (String subscriber : open) {
                    leased.add(new Claimed(event.id(), subscriber, event.tenantId(), event.attempt(), event.topic(), event.publisher(),
                                            event.payload(), event.occurredAt(), null, lease));
                }
            }
            DeliveryRecords.releaseLeases(tx, notLeased.stream().map(Lease::leased).toList());
            DeliveryRecords.settle(tx, nobodyLeft.stream().map(Lease::leased).toList());
            return events.size();
        });
        claimed.addAll(leased);
        return found;
    }

    private void releaseLeases(List<Claimed> fresh) {
        List<Lease> leases = fresh.stream().map(Claimed::lease).filter(Objects::nonNull).distinct().toList();
        if (leases.isEmpty()) {
            return;
        }
        try {
            database.inPlatform(tx -> {
                DeliveryRecords.releaseLeases(tx, leases.stream().map(Lease::leased).toList());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not hand back " + leases.size() + " leased events; their leases lapse on their own", e);
        }
    }

    /** Claims one batch of due deliveries and delivers them; returns whether the batch was full. */
    private boolean deliverDue() {
        long claimStarted = System.nanoTime();
        List<Claimed> claimed = claim();
        if (claimed.isEmpty()) {
            return false;
        }
        deliver(claimed, claimStarted);
        return claimed.size() == settings.batchSize();
    }

    /**
     * Delivers claimed deliveries, each (tenant, plugin)'s share in publication order on a worker of its own, and
     * waits for all of them.
     *
     * @param claimedAt {@link System#nanoTime()} at (or before) the moment the claims started to run
     */
    private void deliver(List<Claimed> claimed, long claimedAt) {
        Map<Subscription, List<Claimed>> bySubscription = new LinkedHashMap<>();
        claimed.stream()
                .sorted(Comparator.comparing(Claimed::occurredAt).thenComparing(Claimed::eventId))
                .forEach(d -> bySubscription.computeIfAbsent(new Subscription(d.tenantId(), d.subscriber()), s -> new ArrayList<>()).add(d));
        List<Future<?>> served = new ArrayList<>();
        try {
            for (List<Claimed> deliveries : bySubscription.values()) {
                served.add(workers.submit(() -> serve(deliveries, claimedAt)));
            }
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // close() began: what was not submitted is handed back below.
            bySubscription.values().stream().skip(served.size()).forEach(share -> {
                Set<UUID> handedBack = handBack(share);
                finish(share, List.of(), handedBack);
            });
        }
        for (Future<?> future : served) {
            if (!awaitWorker(future)) {
                return;
            }
        }
    }

    private List<Claimed> claim() {
        return database.inPlatform(tx -> Database.list(tx, EventDispatcher::claimed,
                "WITH due AS (SELECT event_id, subscriber FROM kernel.event_deliveries "
                + "WHERE status = 'pending' AND next_attempt_at <= now() "
                + "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                + "UPDATE kernel.event_deliveries d SET attempts = d.attempts + 1, held = false, last_attempt_at = now(), "
                + "next_attempt_at = now() + ?::bigint * interval '1 millisecond' "
                + "FROM due, kernel.event_outbox e "
                + "WHERE d.event_id = due.event_id AND d.subscriber = due.subscriber AND e.id = d.event_id "
                + "RETURNING d.event_id, d.subscriber, d.tenant_id, d.attempts, e.topic, e.publisher, e.payload, e.occurred_at",
                settings.batchSize(), settings.claimTimeout().toMillis()));
    }

    private static Claimed claimed(DbRow row) {
        return new Claimed(Database.uuid(row, "event_id"), Database.text(row, "subscriber"), Database.uuid(row, "tenant_id"),
                           row.column("attempts").get(Integer.class), Database.text(row, "topic"), Database.text(row, "publisher"),
                           Database.text(row, "payload"), Database.instant(row, "occurred_at"), null, null); // parsed when served
    }

    /**
     * Delivers one subscription's share of a batch in order, in as few plugin calls as its outcome allows (one when all
     * succeed; after a failure the rest go in the next call), handing back what can no longer be started safely. The
     * successful deliveries are recorded once the share is done, whatever happened to the others.
     */
    private void serve(List<Claimed> deliveries, long claimedAt) {
        Set<UUID> recorded = new HashSet<>();
        List<Claimed> delivered = new ArrayList<>(deliveries.size());
        try {
            servedAtOnce.acquire();
        } catch (InterruptedException e) {
            recorded.addAll(handBack(deliveries));
            finish(deliveries, delivered, recorded);
            return;
        }
        try {
            long startBy = claimedAt + settings.claimTimeout().toNanos() / 2;
            List<Claimed> rest = withEvents(deliveries, recorded);
            while (!rest.isEmpty() && running && !Thread.currentThread().isInterrupted() && System.nanoTime() - startBy <= 0) {
                Claimed first = rest.getFirst();
                long resumesBefore = resumes.get();
                PluginDispatcher.BatchOutcome outcome;
                try {
                    outcome = plugins.deliverAll(first.tenantId(), first.subscriber(), rest.stream().map(Claimed::event).toList(), startBy);
                } catch (RuntimeException e) {
                    outcome = new PluginDispatcher.BatchOutcome(0, rest.size(), Optional.of(e));
                }
                delivered.addAll(rest.subList(0, outcome.delivered()));
                for (Claimed failed : rest.subList(outcome.delivered(), outcome.delivered() + outcome.failed())) {
                    if (recordFailure(failed, outcome.failure().orElseThrow())) {
                        recorded.add(failed.eventId());
                    }
                }
                int handled = outcome.delivered() + outcome.failed();
                rest = rest.subList(handled, rest.size());
                if (outcome.hold().isPresent()) {
                    recorded.addAll(hold(rest, outcome.hold().get(), resumesBefore));
                    rest = List.of();
                    break;
                }
                if (handled == 0) {
                    break;
                }
            }
            recorded.addAll(handBack(rest));
        } finally {
            try {
                finish(deliveries, delivered, recorded);
            } finally {
                servedAtOnce.release();
            }
        }
    }

    /**
     * Records the end of a share: its successful deliveries, then, for leased events whose last subscriber this share
     * was, the event itself ({@link DeliveryRecords#settle}). A leased delivery neither delivered nor {@code recorded}
     * (a record that could not be written) keeps its event from being settled, so its lease lapses and it is delivered
     * again.
     */
    private void finish(List<Claimed> share, List<Claimed> delivered, Set<UUID> recorded) {
        recorded.addAll(recordDelivered(delivered));
        List<Lease> done = new ArrayList<>();
        for (Claimed d : share) {
            Lease lease = d.lease();
            if (lease == null) {
                continue;
            }
            if (!recorded.contains(d.eventId())) {
                lease.unrecorded = true;
            }
            if (lease.open.decrementAndGet() == 0 && !lease.unrecorded) {
                done.add(lease);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        try {
            database.inPlatform(tx -> {
                DeliveryRecords.settle(tx, done.stream().map(Lease::leased).toList());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, done.size() + " delivered events could not be marked fanned out; their leases lapse and they are "
                                   + "delivered again", e);
        }
    }

    /** The deliveries with their events; one whose payload cannot be read (it was validated when published) fails alone. */
    private List<Claimed> withEvents(List<Claimed> deliveries, Set<UUID> recorded) {
        List<Claimed> ready = new ArrayList<>(deliveries.size());
        for (Claimed d : deliveries) {
            try {
                ready.add(d.withEvent(new Event(d.eventId().toString(), d.topic(), d.tenantId().toString(), d.publisher(),
                                                Json.parse(d.payload()), d.occurredAt(), d.attempt())));
            } catch (RuntimeException e) {
                if (recordFailure(d, e)) {
                    recorded.add(d.eventId());
                }
            }
        }
        return ready;
    }

    /**
     * Records one subscription's successful deliveries and returns the ids of those recorded. Leased deliveries of an
     * event with a single subscriber need no row: settling the event records them. Those of an event with several
     * get a {@code delivered} row each, in one INSERT, so a node that dies serving another subscriber of the event does
     * not repeat them. Claimed rows are marked {@code delivered} in one UPDATE, and their events delivered once none
     * of their rows is left pending. Until this commits they are not recorded, so a node that dies before it repeats
     * them (at least once, subscribers deduplicate by event id).
     */
    private Set<UUID> recordDelivered(List<Claimed> delivered) {
        if (delivered.isEmpty()) {
            return Set.of();
        }
        String subscriber = delivered.getFirst().subscriber();
        Set<UUID> recorded = new HashSet<>();
        List<Claimed> marked = new ArrayList<>();
        List<UUID> claimedRows = new ArrayList<>();
        for (Claimed d : delivered) {
            if (d.lease() == null) {
                claimedRows.add(d.eventId());
            } else if (d.lease().marks) {
                marked.add(d);
            } else {
                recorded.add(d.eventId());
            }
        }
        if (marked.isEmpty() && claimedRows.isEmpty()) {
            return recorded;
        }
        try {
            database.inPlatform(tx -> {
                if (!marked.isEmpty()) {
                    DeliveryRecords.insert(tx, subscriber, newRows(marked, 0), "delivered", Duration.ZERO, null, false);
                }
                if (!claimedRows.isEmpty()) {
                    // The events' rows are locked first, in one order, so two subscribers' marks cannot both miss the other's.
                    Database.list(tx, row -> row, "SELECT id FROM kernel.event_outbox WHERE id = ANY (?::uuid[]) ORDER BY id "
                                  + "FOR NO KEY UPDATE", DeliveryRecords.uuidArray(claimedRows));
                    // Whoever delivered them, they are delivered: no attempt check, so a late success still ends redelivery.
                    tx.dml("UPDATE kernel.event_deliveries SET status = 'delivered', delivered_at = now() "
                           + "WHERE subscriber = ? AND event_id = ANY (?::uuid[]) AND status = 'pending'", subscriber,
                           DeliveryRecords.uuidArray(claimedRows));
                    DeliveryRecords.markEventsDelivered(tx, claimedRows);
                }
                return null;
            });
            marked.forEach(d -> d.lease().rows = true);
            marked.forEach(d -> recorded.add(d.eventId()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, (marked.size() + claimedRows.size()) + " events reached '" + subscriber + "' but could not be "
                                   + "marked delivered; they will be delivered again", e);
        }
        return recorded;
    }

    /** Records a failed attempt; returns whether it was written. */
    private boolean recordFailure(Claimed d, Throwable failure) {
        boolean dead = d.attempt() >= settings.maxAttempts();
        Duration backoff = settings.backoffAfter(d.attempt());
        String error = FailureSummary.of(failure);
        try {
            database.inPlatform(tx -> {
                if (d.lease() == null) {
                    // The attempt check keeps a late report from overwriting a newer claim by another node.
                    tx.dml("UPDATE kernel.event_deliveries SET status = ?, last_error = ?, "
                           + "next_attempt_at = now() + ?::bigint * interval '1 millisecond' "
                           + "WHERE event_id = ? AND subscriber = ? AND status = 'pending' AND attempts = ?",
                           dead ? "dead" : "pending", error, dead ? 0 : backoff.toMillis(), d.eventId(), d.subscriber(), d.attempt());
                } else {
                    DeliveryRecords.insert(tx, d.subscriber(), newRows(List.of(d), 0), dead ? "dead" : "pending",
                                           dead ? Duration.ZERO : backoff, error, false);
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record the failed delivery of event " + d.eventId() + " to '" + d.subscriber()
                                   + "'; it will be retried when its claim lapses", e);
            return false;
        }
        if (d.lease() != null) {
            d.lease().rows = true;
        }
        if (dead) {
            LOG.warning("Event " + d.eventId() + " (topic " + d.topic() + ", tenant " + d.tenantId() + ") could not be delivered to '"
                        + d.subscriber() + "' in " + d.attempt() + " attempts and is now a dead letter: " + error);
        } else {
            LOG.fine(() -> "Delivery of event " + d.eventId() + " to '" + d.subscriber() + "' failed (attempt " + d.attempt()
                           + "); retrying in " + backoff);
        }
        return true;
    }

    /**
     * Hands claimed but unstarted deliveries of one subscription back as held: the claim does not count as an attempt,
     * and they are due again after {@code hold}. A {@link #resume} that came in since {@code resumesBefore} (read
     * before the plugin side was asked) may have run before this update and missed these rows, so then they are
     * resumed again. Returns the ids of those recorded.
     */
    private Set<UUID> hold(List<Claimed> deliveries, Duration hold, long resumesBefore) {
        if (deliveries.isEmpty()) {
            return Set.of();
        }
        Claimed first = deliveries.getFirst();
        if (!handBack(deliveries, hold, true)) {
            LOG.warning("Could not hold " + deliveries.size() + " deliveries to '" + first.subscriber()
                        + "'; they are tried again when their claim lapses");
            return Set.of();
        }
        LOG.fine(() -> deliveries.size() + " deliveries to '" + first.subscriber() + "' of tenant " + first.tenantId()
                       + " are held for " + hold);
        if (resumes.get() != resumesBefore) {
            resume(first.tenantId(), first.subscriber());
        }
        return ids(deliveries);
    }

    /** Hands claimed but unstarted deliveries of one subscription back, due at once: the claim did not count as an attempt. */
    private Set<UUID> handBack(List<Claimed> deliveries) {
        if (deliveries.isEmpty()) {
            return Set.of();
        }
        if (!handBack(deliveries, Duration.ZERO, false)) {
            LOG.fine("Could not hand back " + deliveries.size() + " deliveries to '" + deliveries.getFirst().subscriber()
                     + "'; their claims lapse on their own");
            return Set.of();
        }
        return ids(deliveries);
    }

    /**
     * Claimed rows go back to pending with the attempt taken off (if no other node claimed them since); leased
     * deliveries get a pending row, so the due step delivers them. Returns whether it was written.
     */
    private boolean handBack(List<Claimed> deliveries, Duration due, boolean held) {
        List<Claimed> leased = deliveries.stream().filter(d -> d.lease() != null).toList();
        ArrayNode rows = io.voicecore.kernel.http.Json.MAPPER.createArrayNode();
        deliveries.stream().filter(d -> d.lease() == null)
                .forEach(d -> rows.addObject().put("event_id", d.eventId().toString()).put("attempts", d.attempt()));
        try {
            database.inPlatform(tx -> {
                if (!rows.isEmpty()) {
                    tx.dml("UPDATE kernel.event_deliveries d SET attempts = d.attempts - 1, held = ?, "
                           + "next_attempt_at = now() + ?::bigint * interval '1 millisecond' "
                           + "FROM jsonb_to_recordset(?::jsonb) AS v(event_id uuid, attempts integer) "
                           + "WHERE d.event_id = v.event_id AND d.subscriber = ? AND d.status = 'pending' AND d.attempts = v.attempts",
                           held, due.toMillis(), rows.toString(), deliveries.getFirst().subscriber());
                }
                if (!leased.isEmpty()) {
                    DeliveryRecords.insert(tx, leased.getFirst().subscriber(), newRows(leased, -1), "pending", due, null, held);
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not hand back deliveries", e);
            return false;
        }
        leased.forEach(d -> d.lease().rows = true);
        return true;
    }

    /** Rows for leased deliveries: attempts as leased plus {@code attemptOffset} (-1 for one handed back unstarted). */
    private static List<DeliveryRecords.NewRow> newRows(List<Claimed> deliveries, int attemptOffset) {
        return deliveries.stream().map(d -> new DeliveryRecords.NewRow(d.eventId(), d.tenantId(), d.attempt() + attemptOffset)).toList();
    }

    private static Set<UUID> ids(List<Claimed> deliveries) {
        Set<UUID> ids = new HashSet<>();
        deliveries.forEach(d -> ids.add(d.eventId()));
        return ids;
    }
}
