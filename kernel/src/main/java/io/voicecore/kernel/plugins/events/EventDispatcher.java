package io.voicecore.kernel.plugins.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
 *   <li><b>Fan-out:</b> events not yet fanned out get one {@code kernel.event_deliveries} row per plugin that
 *       {@link PluginDispatcher#subscribers subscribes} to the topic for the event's tenant at that moment; a batch
 *       takes one UPDATE for its events and one INSERT for all its rows. The rows are created already claimed by
 *       this node (first attempt counted, due again when the claim lapses) and delivered at once.</li>
 *   <li><b>Delivery:</b> due pending rows (retries, lapsed claims, rows handed back) are claimed with
 *       {@code FOR UPDATE SKIP LOCKED}; the claim counts the attempt and moves {@code next_attempt_at} forward by
 *       the claim timeout, then commits. While fresh events arrive in full batches this step runs once per poll
 *       interval. Handlers run outside any transaction; afterwards the row is marked {@code delivered}, or
 *       rescheduled with exponential backoff, or after {@link Settings#maxAttempts()} failed attempts marked
 *       {@code dead} (dead letter). The successful deliveries of one (tenant, plugin)'s share of a batch are marked
 *       together, in one UPDATE after the share is done, so a crash may repeat every delivery of the share in
 *       progress (at most one batch); failures are recorded one by one as they happen.</li>
 * </ol>
 * Several nodes can run dispatchers on one database: SKIP LOCKED and the claim keep them off each other's rows.
 *
 * <p><b>Held deliveries.</b> When the plugin may not serve the tenant for now (its licence refuses), the plugin side
 * answers with a {@linkplain PluginDispatcher.BatchOutcome#held hold}: the share is handed back without counting the
 * attempt, marked {@code held} and due again only after the hold, so a refused subscriber neither spins nor runs into
 * dead letters. {@link #resume} (a licence attached, on any node) makes a subscription's held deliveries due at once.
 *
 * <p><b>Duplicates are possible</b> and subscribers must deduplicate by {@link Event#id()}: a node that dies (or
 * loses the database) after handlers returned but before their rows were marked delivered leaves the claims to
 * lapse, and those events (at most the share of one batch per (tenant, plugin) the node was serving) are delivered
 * again, by any node, with the next attempt number and the same id. The same happens if a handler runs
 * longer than the claim timeout, so that timeout must exceed the runtime's per-call deadline; a delivery is only
 * started while its claim has at least half its time left.
 *
 * <p>A (tenant, plugin)'s share of a batch goes to the plugin in publication order in one plugin call
 * ({@link PluginDispatcher#deliverAll}; after a failure, the rest in the next call), so the dispatcher takes one of
 * the plugin's concurrency slots at a time; different (tenant, plugin) pairs are served in parallel.
 * A batch is finished before the next one is claimed. Dispatchers wake on the {@link EventBus#WAKE_CHANNEL}
 * notification and otherwise poll every {@link Settings#pollInterval()}.
 *
 * <p>Why it is long: fan-out and delivery are one loop over one batch; they share its claims, its in-flight workers
 * and the crash bound documented above, and splitting them would spread that guarantee over two classes. A fifth of
 * the file is this documentation and the settings' own.
 */
public final class EventDispatcher implements AutoCloseable {

    /**
     * How the dispatcher paces itself.
     *
     * @param pollInterval   longest wait between looks for new or due work
     * @param batchSize      events fanned out, and deliveries claimed, per step
     * @param maxAttempts    attempts before a delivery is dead-lettered
     * @param initialBackoff wait after the first failed attempt; doubled after each further one
     * @param maxBackoff     cap of the wait between attempts
     * @param claimTimeout   how long a claimed delivery is reserved for the claiming node
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
    private record Claimed(UUID eventId, String subscriber, UUID tenantId, int attempt, String topic, String publisher,
                           String payload, Instant occurredAt, Event event) {
        Claimed withEvent(Event parsed) {
            return new Claimed(eventId, subscriber, tenantId, attempt, topic, publisher, payload, occurredAt, parsed);
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
     * One fan-out step, delivering what it claimed, and a delivery step for due deliveries (retries, lapsed claims,
     * handed-back rows). While fresh events keep coming in full batches, a batch's deliveries run while the next batch
     * is fanned out (two stages, so the database and the plugins work at the same time; a batch's deliveries start
     * only after the previous batch's ended, which keeps each (tenant, plugin) in order and on one concurrency slot),
     * and the due step runs once per poll interval, so a backlog is not slowed by a claim query that finds nothing.
     *
     * @return whether a full batch was found, so more work is probably waiting
     */
    private boolean runOnce() {
        boolean resumed = applyResumes();
        long stepStarted = System.nanoTime();
        List<Claimed> fresh = new ArrayList<>();
        boolean moreEvents;
        try {
            moreEvents = fanOut(fresh);
        } finally {
            awaitInFlight();
        }
        if (!running) {
            fresh.forEach(this::release); // close() began: hand the fresh claims back rather than let them lapse
            return false;
        }
        if (moreEvents) {
            try {
                inFlight = workers.submit(() -> deliver(fresh, stepStarted));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                fresh.forEach(this::release);
                return false;
            }
        } else {
            deliver(fresh, stepStarted);
        }
        boolean dueCheckOwed = resumed || !moreEvents || System.nanoTime() - lastDueCheck >= settings.pollInterval().toNanos();
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
     * Fans out one batch of events not yet fanned out, in one transaction: one UPDATE marks the events (and returns
     * them), one INSERT creates every delivery row of the batch. The rows are created claimed by this node (first
     * attempt counted, due again only once the claim lapses) and added to {@code claimed}, to be delivered at once
     * without a separate claim.
     *
     * @return whether the batch was full
     */
    private boolean fanOut(List<Claimed> claimed) {
        record Published(UUID id, UUID tenantId, String topic, String publisher, String payload, Instant occurredAt) {
        }
        int found = database.inPlatform(tx -> {
            List<Published> events = Database.list(tx,
                    row -> new Published(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "topic"),
                                         Database.text(row, "publisher"), Database.text(row, "payload"),
                                         Database.instant(row, "occurred_at")),
                    // "= ANY (ARRAY(...))" keeps the update on the primary key: a join with the picked ids lets the planner
                    // choose a sequential scan of the whole outbox, which grows with every event ever published.
                    "UPDATE kernel.event_outbox o SET fanned_out_at = now() WHERE o.id = ANY (ARRAY(SELECT id FROM kernel.event_outbox "
                    + "WHERE fanned_out_at IS NULL ORDER BY occurred_at, id LIMIT ? FOR UPDATE SKIP LOCKED)) "
                    + "RETURNING o.id, o.tenant_id, o.topic, o.publisher, o.payload, o.occurred_at", settings.batchSize());
            ArrayNode deliveries = io.voicecore.kernel.http.Json.MAPPER.createArrayNode();
            ArrayNode notFannedOut = io.voicecore.kernel.http.Json.MAPPER.createArrayNode();
            Map<Map.Entry<UUID, String>, Published> byDelivery = new HashMap<>();
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
                    notFannedOut.add(event.id().toString());
                    continue;
                }
                for (String subscriber : subscribers) {
                    deliveries.addObject().put("event_id", event.id().toString()).put("subscriber", subscriber)
                            .put("tenant_id", event.tenantId().toString());
                    byDelivery.put(Map.entry(event.id(), subscriber), event);
                }
            }
            if (!notFannedOut.isEmpty()) {
                tx.dml("UPDATE kernel.event_outbox SET fanned_out_at = NULL "
                       + "WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(?::jsonb))", notFannedOut.toString());
            }
            if (!deliveries.isEmpty()) {
                // RETURNING lists the rows this insert created, so a row that somehow existed already is not delivered twice.
                List<Map.Entry<UUID, String>> created = Database.list(tx,
                        row -> Map.entry(Database.uuid(row, "event_id"), Database.text(row, "subscriber")),
                        "INSERT INTO kernel.event_deliveries (event_id, subscriber, tenant_id, status, attempts, next_attempt_at, "
                        + "last_attempt_at) SELECT v.event_id, v.subscriber, v.tenant_id, 'pending', 1, "
                        + "now() + ?::bigint * interval '1 millisecond', now() "
                        + "FROM jsonb_to_recordset(?::jsonb) AS v(event_id uuid, subscriber text, tenant_id uuid) ON CONFLICT DO NOTHING "
                        + "RETURNING event_id, subscriber", settings.claimTimeout().toMillis(), deliveries.toString());
                for (Map.Entry<UUID, String> row : created) {
                    Published event = byDelivery.get(row);
                    claimed.add(new Claimed(event.id(), row.getValue(), event.tenantId(), 1, event.topic(), event.publisher(),
                                            event.payload(), event.occurredAt(), null));
                }
            }
            return events.size();
        });
        return found == settings.batchSize();
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
            bySubscription.values().stream().skip(served.size()).flatMap(List::stream).forEach(this::release);
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
                           Database.text(row, "payload"), Database.instant(row, "occurred_at"), null); // the event is parsed when served
    }

    /**
     * Delivers one subscription's share of a batch in order, in as few plugin calls as its outcome allows (one when all
     * succeed; after a failure the rest go in the next call), handing back what can no longer be started safely. The
     * successful deliveries are marked in one UPDATE once the share is done, whatever happened to the others.
     */
    private void serve(List<Claimed> deliveries, long claimedAt) {
        try {
            servedAtOnce.acquire();
        } catch (InterruptedException e) {
            deliveries.forEach(this::release);
            return;
        }
        List<Claimed> delivered = new ArrayList<>(deliveries.size());
        try {
            long startBy = claimedAt + settings.claimTimeout().toNanos() / 2;
            List<Claimed> rest = withEvents(deliveries);
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
                    recordFailure(failed, outcome.failure().orElseThrow());
                }
                int handled = outcome.delivered() + outcome.failed();
                rest = rest.subList(handled, rest.size());
                if (outcome.hold().isPresent()) {
                    hold(rest, outcome.hold().get(), resumesBefore);
                    rest = List.of();
                    break;
                }
                if (handled == 0) {
                    break;
                }
            }
            rest.forEach(this::release);
        } finally {
            recordDelivered(delivered);
            servedAtOnce.release();
        }
    }

    /** The deliveries with their events; one whose payload cannot be read (it was validated when published) fails alone. */
    private List<Claimed> withEvents(List<Claimed> deliveries) {
        List<Claimed> ready = new ArrayList<>(deliveries.size());
        for (Claimed d : deliveries) {
            try {
                ready.add(d.withEvent(new Event(d.eventId().toString(), d.topic(), d.tenantId().toString(), d.publisher(),
                                                Json.parse(d.payload()), d.occurredAt(), d.attempt())));
            } catch (RuntimeException e) {
                recordFailure(d, e);
            }
        }
        return ready;
    }

    /**
     * Marks one subscription's successful deliveries in one UPDATE. Until it commits they are still pending, so a node
     * that dies before it repeats them once their claim lapses (at least once, subscribers deduplicate by event id).
     */
    private void recordDelivered(List<Claimed> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        String subscriber = delivered.getFirst().subscriber();
        String eventIds = delivered.stream().map(d -> d.eventId().toString()).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        try {
            // Whoever delivered them, they are delivered: no attempt check, so a late success still ends redelivery.
            database.inPlatform(tx -> tx.dml("UPDATE kernel.event_deliveries SET status = 'delivered', delivered_at = now() "
                                             + "WHERE subscriber = ? AND event_id = ANY (?::uuid[]) AND status = 'pending'",
                                             subscriber, eventIds));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, delivered.size() + " events reached '" + subscriber + "' but could not be marked delivered; "
                                   + "they will be delivered again", e);
        }
    }

    private void recordFailure(Claimed d, Throwable failure) {
        boolean dead = d.attempt() >= settings.maxAttempts();
        Duration backoff = settings.backoffAfter(d.attempt());
        try {
            // The attempt check keeps a late report from overwriting a newer claim by another node.
            database.inPlatform(tx -> tx.dml("UPDATE kernel.event_deliveries SET status = ?, last_error = ?, "
                                             + "next_attempt_at = now() + ?::bigint * interval '1 millisecond' "
                                             + "WHERE event_id = ? AND subscriber = ? AND status = 'pending' AND attempts = ?",
                                             dead ? "dead" : "pending", FailureSummary.of(failure), dead ? 0 : backoff.toMillis(),
                                             d.eventId(), d.subscriber(), d.attempt()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record the failed delivery of event " + d.eventId() + " to '" + d.subscriber()
                                   + "'; it will be retried when its claim lapses", e);
            return;
        }
        if (dead) {
            LOG.warning("Event " + d.eventId() + " (topic " + d.topic() + ", tenant " + d.tenantId() + ") could not be delivered to '"
                        + d.subscriber() + "' in " + d.attempt() + " attempts and is now a dead letter: " + FailureSummary.of(failure));
        } else {
            LOG.fine(() -> "Delivery of event " + d.eventId() + " to '" + d.subscriber() + "' failed (attempt " + d.attempt()
                           + "); retrying in " + backoff);
        }
    }

    /**
     * Hands claimed but unstarted deliveries of one subscription back as held: the claim does not count as an attempt,
     * and they are due again after {@code hold}. A {@link #resume} that came in since {@code resumesBefore} (read
     * before the plugin side was asked) may have run before this update and missed these rows, so then they are
     * resumed again.
     */
    private void hold(List<Claimed> deliveries, Duration hold, long resumesBefore) {
        if (deliveries.isEmpty()) {
            return;
        }
        Claimed first = deliveries.getFirst();
        ArrayNode rows = io.voicecore.kernel.http.Json.MAPPER.createArrayNode();
        deliveries.forEach(d -> rows.addObject().put("event_id", d.eventId().toString()).put("attempts", d.attempt()));
        try {
            database.inPlatform(tx -> tx.dml("UPDATE kernel.event_deliveries d SET attempts = d.attempts - 1, held = true, "
                    + "next_attempt_at = now() + ?::bigint * interval '1 millisecond' "
                    + "FROM jsonb_to_recordset(?::jsonb) AS v(event_id uuid, attempts integer) "
                    + "WHERE d.event_id = v.event_id AND d.subscriber = ? AND d.status = 'pending' AND d.attempts = v.attempts",
                    hold.toMillis(), rows.toString(), first.subscriber()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not hold " + deliveries.size() + " deliveries to '" + first.subscriber()
                                   + "'; they are tried again when their claim lapses", e);
            return;
        }
        LOG.fine(() -> deliveries.size() + " deliveries to '" + first.subscriber() + "' of tenant " + first.tenantId()
                       + " are held for " + hold);
        if (resumes.get() != resumesBefore) {
            resume(first.tenantId(), first.subscriber());
        }
    }

    /** Hands a claimed but unstarted delivery back: the claim did not count as an attempt. */
    private void release(Claimed d) {
        try {
            database.inPlatform(tx -> tx.dml("UPDATE kernel.event_deliveries SET attempts = attempts - 1, next_attempt_at = now() "
                                             + "WHERE event_id = ? AND subscriber = ? AND status = 'pending' AND attempts = ?",
                                             d.eventId(), d.subscriber(), d.attempt()));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not hand back the claim of event " + d.eventId() + "; it lapses on its own", e);
        }
    }
}
