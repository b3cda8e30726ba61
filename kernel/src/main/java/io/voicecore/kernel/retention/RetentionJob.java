package io.voicecore.kernel.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.storage.Database;

/**
 * Deletes the history the kernel no longer needs: events whose deliveries were all delivered, job run records, ended
 * login sessions and raw usage records, each after its configured age ({@link KernelConfig.Retention}). The audit log,
 * events still to be delivered and dead letters are never deleted. Stream tickets need nothing here: they live in the
 * shared state with a lifetime of seconds and expire there.
 *
 * <p><b>Once across nodes.</b> Every node wakes up each {@code retention.interval} and tries to claim the pass by moving
 * {@code kernel.retention_runs.last_run_at} forward, which succeeds only where the last pass is at least an interval
 * old: one node a period does the work, and a node that dies mid-pass leaves the next period's pass to another.
 *
 * <p><b>Short transactions.</b> Each kind is deleted in batches of {@code retention.batch-size} rows, one transaction
 * a batch, until a batch finds fewer rows than that. The rules of what may go live in the database, in functions the
 * application role may only call ({@code V11__retention.sql}): the role itself still cannot delete any of these rows.
 *
 * <p><b>Usage.</b> Raw usage records are what billing invoices and what spend caps sum, so the cut-off for them is the
 * earlier of their age limit and the earliest instant any registered {@link UsageHold} still needs.
 */
public final class RetentionJob implements AutoCloseable {

    /** What a pass deletes, each by its function in {@code V11__retention.sql}. */
    public enum Kind {
        EVENTS("kernel.retention_delete_events"),
        JOB_RUNS("kernel.retention_delete_job_runs"),
        SESSIONS("kernel.retention_delete_sessions"),
        USAGE_RECORDS("kernel.retention_delete_usage_records");

        private final String function;

        Kind(String function) {
            this.function = function;
        }
    }

    private static final Logger LOG = Logger.getLogger(RetentionJob.class.getName());
    private static final String JOB = "retention";

    private final Database database;
    private final KernelConfig.Retention settings;
    private final Clock clock;
    private final List<UsageHold> usageHolds = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private Thread loop;

    public RetentionJob(Database database, KernelConfig.Retention settings, Clock clock) {
        this.database = database;
        this.settings = settings;
        this.clock = clock;
    }

    /** Adds something that still needs raw usage records from some instant on; usage retention never passes it. */
    public void hold(UsageHold hold) {
        usageHolds.add(Objects.requireNonNull(hold, "hold"));
    }

    /** Starts the background thread, unless {@code retention.enabled} is false; its first pass comes an interval later. */
    public synchronized void start() {
        if (!settings.enabled() || running) {
            return;
        }
        running = true;
        loop = Thread.ofPlatform().name("retention").daemon(true).start(this::runLoop);
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        loop.interrupt();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop() {
        while (running) {
            try {
                Thread.sleep(settings.interval());
            } catch (InterruptedException e) {
                return;
            }
            try {
                runOnce().ifPresent(deleted -> LOG.info("Retention pass deleted " + deleted));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Retention pass failed; trying again at the next one", e);
            }
        }
    }

    /**
     * Claims and runs one pass now.
     *
     * @return the rows deleted per kind, or empty when another node ran a pass less than an interval ago
     */
    public Optional<Map<Kind, Long>> runOnce() {
        Instant now = clock.instant();
        if (!claim(now)) {
            return Optional.empty();
        }
        Map<Kind, Long> deleted = new EnumMap<>(Kind.class);
        deleted.put(Kind.EVENTS, deleteBefore(Kind.EVENTS, now.minus(settings.events())));
        deleted.put(Kind.JOB_RUNS, deleteBefore(Kind.JOB_RUNS, now.minus(settings.jobRuns())));
        deleted.put(Kind.SESSIONS, deleteBefore(Kind.SESSIONS, now.minus(settings.sessions())));
        deleted.put(Kind.USAGE_RECORDS, usageCutoff(now.minus(settings.usageRecords()))
                .map(cutoff -> deleteBefore(Kind.USAGE_RECORDS, cutoff)).orElse(0L));
        return Optional.of(deleted);
    }

    /** Whether this node won the pass: the last one is at least an interval old (or there was none). */
    private boolean claim(Instant now) {
        return database.inPlatform(tx -> tx.dml(
                "INSERT INTO kernel.retention_runs (job, last_run_at) VALUES (?, ?) ON CONFLICT (job) DO UPDATE "
                + "SET last_run_at = excluded.last_run_at WHERE kernel.retention_runs.last_run_at <= ?",
                JOB, Database.timestamp(now), Database.timestamp(now.minus(settings.interval())))) == 1;
    }

    /** The usage cut-off: the age limit, or the earliest instant a hold still needs; empty when a hold cannot say. */
    private Optional<Instant> usageCutoff(Instant byAge) {
        Instant cutoff = byAge;
        for (UsageHold hold : usageHolds) {
            try {
                Optional<Instant> needed = hold.neededSince();
                if (needed.isPresent() && needed.get().isBefore(cutoff)) {
                    cutoff = needed.get();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A usage hold could not say what it needs; no usage record is deleted in this pass", e);
                return Optional.empty();
            }
        }
        return Optional.of(cutoff);
    }

    /** Deletes one kind's rows before the cut-off, a batch a transaction, until a batch comes back short. */
    private long deleteBefore(Kind kind, Instant cutoff) {
        long total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            int deleted = database.inPlatform(tx -> tx.get("SELECT " + kind.function + "(?, ?) AS deleted",
                            Database.timestamp(cutoff), settings.batchSize())
                    .map(row -> row.column("deleted").get(Integer.class)).orElse(0));
            total += deleted;
            if (deleted < settings.batchSize()) {
                break;
            }
        }
        return total;
    }
}
