package io.voicecore.kernel.plugins.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.plugins.PluginDispatcher;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.storage.Database;

/**
 * Runs the plugins' scheduled jobs ({@link PluginDispatcher#jobs()}) for every tenant that enabled them
 * ({@link PluginDispatcher#tenantsForJobs}), on five-field UTC {@link CronExpression cron} schedules.
 *
 * <p><b>At most once per due time, across nodes.</b> Before running a job for a tenant, a node inserts the row
 * {@code (plugin, job, tenant, due time)} into {@code kernel.job_runs}, whose primary key is exactly that; only
 * the node whose insert took effect runs it. A table rather than advisory locks, because a lock only excludes
 * runs that overlap in time: a node whose tick comes after another node's run has finished would take the
 * released lock and run the same due time again. The rows also record when each run started and finished and
 * how it ended.
 *
 * <p>Consequences, by design: a failed job is logged and recorded, never retried; a node that dies after its
 * claim loses that run; due times while no node was running are not caught up, and when one tick finds several
 * due times of a job (a paused node) only the latest runs. A job whose previous run is still going runs again
 * regardless; the plugin runtime's concurrency limit applies to it like to any call. Jobs run on virtual threads
 * so a slow one does not hold the others up. A run the tenant's licence refuses is recorded as {@code skipped}: not
 * a failure, and not a fault of the plugin.
 */
public final class JobScheduler implements AutoCloseable {

    /**
     * @param tickInterval how often due times are checked; runs start at most this late
     * @param closeGrace   how long {@link #close()} waits for running jobs
     */
    public record Settings(Duration tickInterval, Duration closeGrace) {
        public Settings {
            if (tickInterval == null || tickInterval.isNegative() || tickInterval.isZero()) {
                throw new IllegalArgumentException("tickInterval must be a positive duration, not " + tickInterval);
            }
            Objects.requireNonNull(closeGrace, "closeGrace");
        }

        /** Ticks every second; waits up to 10 s for running jobs on close. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(10));
        }
    }

    private record JobKey(String pluginId, String name, String schedule) {
    }

    private static final Logger LOG = Logger.getLogger(JobScheduler.class.getName());

    private final Database database;
    private final PluginDispatcher plugins;
    private final Clock clock;
    private final Settings settings;
    private final String node = "scheduler-" + UUID.randomUUID();
    /** Up to when each job's due times were looked at; touched only by the loop thread. */
    private final Map<JobKey, Instant> checkedUpTo = new HashMap<>();
    private final Map<String, Optional<CronExpression>> schedules = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread loop;
    private ExecutorService runs;

    public JobScheduler(Database database, PluginDispatcher plugins, Clock clock, Settings settings) {
        this.database = database;
        this.plugins = plugins;
        this.clock = clock;
        this.settings = settings;
    }

    /** Starts the background thread; due times after this moment are run. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("the job scheduler is already running");
        }
        running = true;
        runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("plugin-job-", 0).factory());
        loop = Thread.ofPlatform().name("job-scheduler").daemon(true).start(this::runLoop);
    }

    /** Stops ticking and waits up to {@link Settings#closeGrace()} for running jobs, then interrupts them. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        loop.interrupt();
        runs.shutdown();
        try {
            loop.join(settings.closeGrace().toMillis() + 1);
            if (!runs.awaitTermination(Math.max(settings.closeGrace().toMillis(), 1), TimeUnit.MILLISECONDS)) {
                LOG.warning("Plugin jobs still running after " + settings.closeGrace() + " are interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.shutdownNow();
    }

    /** The node name recorded in {@code kernel.job_runs.claimed_by} for runs this scheduler claimed. */
    public String node() {
        return node;
    }

    private void runLoop() {
        while (running) {
            try {
                tick(clock.instant());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Job scheduler tick failed; trying again at the next one", e);
            }
            try {
                Thread.sleep(settings.tickInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs each job whose latest due time in (last check, now] has not yet been claimed for a tenant. */
    private void tick(Instant now) {
        Set<JobKey> current = new HashSet<>();
        for (PluginDispatcher.Job job : plugins.jobs()) {
            Optional<CronExpression> cron = schedule(job);
            if (cron.isEmpty()) {
                continue;
            }
            JobKey key = new JobKey(job.pluginId(), job.name(), job.schedule());
            current.add(key);
            Instant from = checkedUpTo.getOrDefault(key, now);
            checkedUpTo.put(key, now);
            Instant due = null;
            for (Instant next = cron.get().next(from); !next.isAfter(now); next = cron.get().next(next)) {
                due = next;
            }
            if (due != null) {
                runDue(job, due);
            }
        }
        // Jobs that disappeared (plugin disabled, schedule changed) start afresh if they come back.
        checkedUpTo.keySet().retainAll(current);
    }

    private Optional<CronExpression> schedule(PluginDispatcher.Job job) {
        return schedules.computeIfAbsent(job.schedule(), text -> {
            try {
                return Optional.of(CronExpression.parse(text));
            } catch (IllegalArgumentException e) {
                LOG.warning("Job '" + job.name() + "' of plugin '" + job.pluginId() + "' is never run: " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private void runDue(PluginDispatcher.Job job, Instant due) {
        List<UUID> tenants;
        try {
            tenants = plugins.tenantsForJobs(job.pluginId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not list the tenants of job '" + job.name() + "' of plugin '" + job.pluginId()
                                   + "'; its run due at " + due + " is skipped", e);
            return;
        }
        for (UUID tenant : tenants) {
            if (claim(job, tenant, due)) {
                try {
                    runs.submit(() -> run(job, tenant, due));
                } catch (RejectedExecutionException closing) {
                    record(job, tenant, due, "failed", "The kernel node stopped before the job started.");
                }
            }
        }
    }

    /** Whether this node won the run of the job for the tenant at this due time. */
    private boolean claim(PluginDispatcher.Job job, UUID tenant, Instant due) {
        try {
            return database.inPlatform(tx -> tx.dml(
                    "INSERT INTO kernel.job_runs (plugin_id, job_name, tenant_id, due_at, claimed_by) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", job.pluginId(), job.name(), tenant, Database.timestamp(due), node)) == 1;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not claim job '" + job.name() + "' of plugin '" + job.pluginId() + "' for tenant " + tenant
                                   + " due at " + due + "; it is skipped", e);
            return false;
        }
    }

    private void run(PluginDispatcher.Job job, UUID tenant, Instant due) {
        try {
            plugins.runJob(tenant, job.pluginId(), job.name());
        } catch (PluginRefusal refusal) {
            if (!refusal.reason().licence()) {
                failed(job, tenant, due, refusal);
                return;
            }
            LOG.fine(() -> "Job '" + job.name() + "' of plugin '" + job.pluginId() + "' is skipped for tenant " + tenant + " (due "
                           + due + "): " + refusal.getMessage());
            record(job, tenant, due, "skipped", refusal.getMessage());
            return;
        } catch (Exception e) {
            failed(job, tenant, due, e);
            return;
        }
        record(job, tenant, due, "succeeded", null);
    }

    private void failed(PluginDispatcher.Job job, UUID tenant, Instant due, Exception e) {
        String summary = FailureSummary.of(e);
        LOG.warning("Job '" + job.name() + "' of plugin '" + job.pluginId() + "' failed for tenant " + tenant + " (due " + due
                    + "); it is not retried: " + summary);
        record(job, tenant, due, "failed", summary);
    }

    private void record(PluginDispatcher.Job job, UUID tenant, Instant due, String outcome, String error) {
        try {
            database.inPlatform(tx -> tx.dml("UPDATE kernel.job_runs SET finished_at = now(), outcome = ?, error = ? "
                                             + "WHERE plugin_id = ? AND job_name = ? AND tenant_id = ? AND due_at = ?",
                                             outcome, error, job.pluginId(), job.name(), tenant, Database.timestamp(due)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record the outcome of job '" + job.name() + "' of plugin '" + job.pluginId() + "'", e);
        }
    }
}
