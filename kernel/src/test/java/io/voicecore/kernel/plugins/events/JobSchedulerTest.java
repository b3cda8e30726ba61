package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scheduled plugin jobs run once per tenant per due time, even with two kernel nodes ticking on one database,
 * whether their clocks agree or one node reaches the due time after the other has already finished the run.
 */
class JobSchedulerTest {
    /** A minute boundary in the future: the schedulers' clocks are set to reach it shortly after they start. */
    static final Instant DUE = Instant.parse("2030-01-01T10:00:00Z");

    record Run(String plugin, String job, UUID tenant, String claimedBy, String outcome, String error) {
    }

    @ParameterizedTest(name = "second node''s clock behind by {0} ms")
    @ValueSource(ints = {0, 1500})
    void dueJobRunsOncePerTenantAcrossTwoSchedulers(int skewMillis) {
        String url = TestPostgres.newDatabase();
        RecordingPlugins plugins = new RecordingPlugins();
        try (InProcessSharedState state = new InProcessSharedState();
             EventNode one = new EventNode(url, state);
             EventNode two = new EventNode(url, state)) {
            UUID tenantA = one.createTenant("jobs-a");
            UUID tenantB = one.createTenant("jobs-b");
            one.createTenant("jobs-not-enabled");
            plugins.addJob("reports", "digest", "* * * * *", tenantA, tenantB);
            // Tenants are per plugin (those that enabled it and granted 'scheduler'), so the failing job has its own.
            plugins.addJob("alerts", "broken", "0 10 * * *", tenantA);
            plugins.addJob("reports", "invalid", "61 * * * *", tenantA);
            plugins.addJob("reports", "tomorrow", "0 10 2 1 *", tenantA, tenantB);
            plugins.behave("alerts/broken", (tenant, plugin, event) -> {
                throw new IllegalStateException("report store unreachable; token=abc");
            });

            Duration offset = Duration.between(Instant.now(), DUE.minusMillis(1500));
            Clock first = Clock.offset(Clock.systemUTC(), offset);
            Clock second = Clock.offset(Clock.systemUTC(), offset.minusMillis(skewMillis));
            JobScheduler schedulerOne = one.startScheduler(plugins.forNode("one"), first);
            JobScheduler schedulerTwo = two.startScheduler(plugins.forNode("two"), second);

            EventNode.await(Duration.ofSeconds(20), () -> one.count(
                    "SELECT count(*) AS n FROM kernel.job_runs WHERE finished_at IS NOT NULL") == 3, () -> "three finished runs");
            // Both schedulers tick well past the due time before anything is counted.
            EventNode.await(Duration.ofSeconds(20), () -> second.instant().isAfter(DUE.plusMillis(800)), () -> "the later clock past due");

            Map<String, Long> calls = plugins.jobRuns().stream().collect(Collectors.groupingBy(
                    r -> r.jobName() + "@" + r.tenantId(), Collectors.counting()));
            assertEquals(Map.of("digest@" + tenantA, 1L, "digest@" + tenantB, 1L, "broken@" + tenantA, 1L), calls,
                         "each due job ran once for each enabled tenant; the broken one was not retried");

            List<Run> runs = one.database().inPlatform(tx -> Database.list(tx, row -> new Run(
                    Database.text(row, "plugin_id"), Database.text(row, "job_name"), Database.uuid(row, "tenant_id"),
                    Database.text(row, "claimed_by"), Database.text(row, "outcome"), Database.text(row, "error")),
                    "SELECT * FROM kernel.job_runs WHERE due_at = ? ORDER BY job_name, tenant_id", Database.timestamp(DUE)));
            assertEquals(3, runs.size(), runs.toString());
            Set<String> nodes = Set.of(schedulerOne.node(), schedulerTwo.node());
            for (Run run : runs) {
                assertTrue(nodes.contains(run.claimedBy()), run.toString());
                if (run.job().equals("broken")) {
                    assertEquals("failed", run.outcome());
                    assertEquals("IllegalStateException: report store unreachable; token=***", run.error());
                } else {
                    assertEquals("succeeded", run.outcome());
                }
            }
            assertEquals(3, one.count("SELECT count(*) AS n FROM kernel.job_runs"), "nothing else ran");
            System.out.println("[jobs] skew " + skewMillis + " ms: runs by node "
                               + plugins.jobRuns().stream().collect(Collectors.groupingBy(RecordingPlugins.JobRun::node, Collectors.counting())));
        }
    }

    @Test
    void aRunTheTenantsLicenceRefusesIsSkippedNotFailed() {
        String url = TestPostgres.newDatabase();
        RecordingPlugins plugins = new RecordingPlugins();
        try (InProcessSharedState state = new InProcessSharedState(); EventNode node = new EventNode(url, state)) {
            UUID tenant = node.createTenant("jobs-unlicensed");
            plugins.addJob("reports", "digest", "* * * * *", tenant);
            plugins.behave("reports/digest", (t, plugin, event) -> {
                throw PluginRefusal.licence(PluginRefusal.Reason.LICENCE_EXPIRED, "reports",
                                            "The licence of plugin 'reports' for this tenant has expired.");
            });
            node.startScheduler(plugins, Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), DUE.minusMillis(500))));

            EventNode.await(Duration.ofSeconds(20), () -> node.count(
                    "SELECT count(*) AS n FROM kernel.job_runs WHERE finished_at IS NOT NULL") == 1, () -> "the run recorded");
            Run run = node.database().inPlatform(tx -> Database.list(tx, row -> new Run(
                    Database.text(row, "plugin_id"), Database.text(row, "job_name"), Database.uuid(row, "tenant_id"),
                    Database.text(row, "claimed_by"), Database.text(row, "outcome"), Database.text(row, "error")),
                    "SELECT * FROM kernel.job_runs")).getFirst();
            assertEquals("skipped", run.outcome(), run.toString());
            assertEquals("The licence of plugin 'reports' for this tenant has expired.", run.error());
        }
    }
}
