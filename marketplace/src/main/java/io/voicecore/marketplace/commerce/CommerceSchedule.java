package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.storage.Database;

/**
 * The marketplace's scheduled money jobs, ticked every minute on every node: renewals of subscriptions and completion
 * of purchases a stopped node left pending (each at most once a minute across the nodes), and the daily payout run at
 * its time of day (once a day across the nodes). Which node runs a job is settled by a claim on
 * {@code marketplace.scheduled_runs}, so nodes need no coordinator; each job is safe to repeat anyway.
 */
public final class CommerceSchedule {
    private static final Logger LOG = Logger.getLogger(CommerceSchedule.class.getName());
    private static final Principal SCHEDULER = new Principal("marketplace:scheduler", Role.PLATFORM_ADMIN, Optional.empty(),
                                                             "marketplace:scheduler", false);
    private static final Duration MINUTELY = Duration.ofSeconds(50);

    private final Database database;
    private final Subscriptions subscriptions;
    private final Purchases purchases;
    private final Payouts payouts;
    private final Clock clock;
    private final LocalTime payoutTime;

    /** @param payoutTime the time of day (UTC) of the daily payout run */
    public CommerceSchedule(Database database, Subscriptions subscriptions, Purchases purchases, Payouts payouts, Clock clock,
                            LocalTime payoutTime) {
        this.database = database;
        this.subscriptions = subscriptions;
        this.purchases = purchases;
        this.payouts = payouts;
        this.clock = clock;
        this.payoutTime = payoutTime;
    }

    /** Runs what is due now; answers what each job that ran did. Never throws: a failing job is logged and tried next tick. */
    public Map<String, Object> tick() {
        Map<String, Object> ran = new LinkedHashMap<>();
        Instant now = clock.instant();
        run(ran, "renewals", now.minus(MINUTELY), () -> subscriptions.renewDue());
        run(ran, "pending-purchases", now.minus(MINUTELY), () -> purchases.resumePending(Duration.ofMinutes(1)));
        Instant todaysPayout = now.atOffset(ZoneOffset.UTC).toLocalDate().atTime(payoutTime).toInstant(ZoneOffset.UTC);
        if (!now.isBefore(todaysPayout)) {
            run(ran, "payouts", todaysPayout, () -> payouts.run(SCHEDULER));
        }
        return ran;
    }

    private void run(Map<String, Object> ran, String job, Instant lastRunBefore, java.util.function.Supplier<Object> work) {
        try {
            if (claim(job, lastRunBefore)) {
                ran.put(job, work.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The scheduled " + job + " job failed; it runs again at its next turn", e);
            ran.put(job, "failed: " + e.getMessage());
        }
    }

    /** Claims the job's turn when it last ran before {@code lastRunBefore}: one node wins it. */
    boolean claim(String job, Instant lastRunBefore) {
        Instant now = clock.instant();
        return database.inPlatform(tx -> tx.dml("INSERT INTO marketplace.scheduled_runs (job, last_run_at) VALUES (?, ?) "
                + "ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at WHERE scheduled_runs.last_run_at < ?",
                job, Database.timestamp(now), Database.timestamp(lastRunBefore))) == 1;
    }
}
