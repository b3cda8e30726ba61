package io.voicecore.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.audit.AuditChainVerifier;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditGroupCommit;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.storage.Database;

/**
 * {@code egress-audit}: what the kernel writes after each outbound HTTP call of a plugin (two usage records and one
 * audit record of the tenant's chain), for {@link #CALLERS} calls of one tenant finishing at once, written two ways in
 * the same run on the same database:
 * <ul>
 *   <li><em>one transaction a call</em>, as egress wrote them before: each takes the tenant's audit chain lock for its
 *   own transaction, so the calls pass one at a time;</li>
 *   <li><em>group commit</em> ({@link AuditGroupCommit}), as egress writes them now: callers that arrive while a batch
 *   is written share the next transaction and one acquisition of the lock; each still returns only once committed.</li>
 * </ul>
 * Both are closed loops (each caller writes its next record when the last one committed); a lone caller is measured
 * too, since group commit must not make a single call slower. The chain is verified afterwards.
 */
final class EgressAuditScenario implements Scenario {
    static final String NAME = "egress-audit";
    private static final String KEY = "egress_audit.";
    static final int CALLERS = 64;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "usage and audit records of " + CALLERS + " concurrent egress calls of one tenant: one transaction a call vs group "
               + "commit, records/s and p99";
    }

    /** One closed-loop run: records written per second and the 99th percentile of one write, in ms. */
    private record Run(double perSecond, double p99Millis) {
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        double seconds = options.quick() ? 3 : 10;
        int repetitions = options.quick() ? 1 : 3;
        List<Double> serial = new ArrayList<>();
        List<Double> grouped = new ArrayList<>();
        List<Double> serialP99 = new ArrayList<>();
        List<Double> groupedP99 = new ArrayList<>();
        List<Double> loneRatio = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(List.of())) {
            KernelServices services = kernel.services();
            Database database = services.database();
            AuditLog audit = services.audit();
            UsageMeter usage = services.usage();
            UUID tenant = UUID.fromString(kernel.json("GET", "/api/v1/tenants/" + kernel.tenant(), null, 200).get("id").asText());
            try (AuditGroupCommit<UUID> groupCommit = new AuditGroupCommit<>(database, audit, (tx, tenants) -> usage.recordAll(tx,
                    tenants.stream().flatMap(id -> metered(id).stream()).toList()))) {
                Consumer<AuditEvent> oneTransaction = event -> database.inTenant(tenant, tx -> {
                    metered(tenant).forEach(entry -> usage.record(tx, entry.tenantId(), entry.pluginId(), entry.meter(), entry.quantity(),
                                                                  entry.unit(), entry.requestId()));
                    audit.append(tx, event);
                    return null;
                });
                Consumer<AuditEvent> batched = event -> groupCommit.append(event, tenant);
                run(oneTransaction, tenant, CALLERS, 1);
                run(batched, tenant, CALLERS, 1);
                progress.println("warm-up done (not measured)");
                for (int i = 0; i < repetitions; i++) {
                    Run before = run(oneTransaction, tenant, CALLERS, seconds);
                    Run after = run(batched, tenant, CALLERS, seconds);
                    Run loneBefore = run(oneTransaction, tenant, 1, seconds / 2);
                    Run loneAfter = run(batched, tenant, 1, seconds / 2);
                    serial.add(before.perSecond());
                    grouped.add(after.perSecond());
                    serialP99.add(before.p99Millis());
                    groupedP99.add(after.p99Millis());
                    loneRatio.add(loneAfter.perSecond() / loneBefore.perSecond());
                    progress.printf(Locale.ROOT, "run %d: %d callers: one transaction a call %,.0f records/s (p99 %.1f ms), group commit "
                                    + "%,.0f records/s (p99 %.1f ms); one caller: %,.0f vs %,.0f records/s%n", i + 1, CALLERS,
                                    before.perSecond(), before.p99Millis(), after.perSecond(), after.p99Millis(), loneBefore.perSecond(),
                                    loneAfter.perSecond());
                }
            }
            AuditChainVerifier.ChainReport chain = new AuditChainVerifier(database).verifyTenant(tenant);
            if (!chain.valid()) {
                throw new IllegalStateException("the tenant's audit chain does not verify after the run: " + chain);
            }
            progress.printf(Locale.ROOT, "the tenant's chain of %,d records verifies%n", chain.records());
        }
        double before = Stats.median(serial);
        double after = Stats.median(grouped);
        return List.of(
                new Measurement(KEY + "one_transaction_per_second", before, "records/s",
                                CALLERS + " callers of one tenant, each call's usage and audit records in a transaction of its own"),
                new Measurement(KEY + "group_commit_per_second", after, "records/s",
                                CALLERS + " callers of one tenant, group commit (each caller waits for its batch to commit)"),
                new Measurement(KEY + "speedup", after / before, "ratio", "group commit / one transaction a call, same run"),
                new Measurement(KEY + "one_transaction_p99_ms", Stats.median(serialP99), "ms", "one call's write, one transaction a call"),
                new Measurement(KEY + "group_commit_p99_ms", Stats.median(groupedP99), "ms", "one call's write until committed, group commit"),
                new Measurement(KEY + "lone_caller_ratio", Stats.median(loneRatio), "ratio",
                                "one caller alone: group commit / one transaction a call (1 = no cost when there is nothing to share)"));
    }

    /** What egress meters for a call: one request and its bytes. */
    private static List<UsageMeter.Entry> metered(UUID tenant) {
        return List.of(new UsageMeter.Entry(tenant, "bench-egress", "egress.requests", 1, "request", "bench"),
                       new UsageMeter.Entry(tenant, "bench-egress", "egress.bytes", 1200, "byte", "bench"));
    }

    private static Run run(Consumer<AuditEvent> write, UUID tenant, int callers, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger sequence = new AtomicInteger();
        List<Future<long[]>> results = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < callers; c++) {
                results.add(threads.submit(() -> {
                    long[] latencies = new long[1024];
                    int count = 0;
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        write.accept(new AuditEvent(tenant, "plugin:bench-egress", "plugin.egress", "127.0.0.1", "success",
                                                    Map.of("method", "GET", "path", "/ok", "n", sequence.incrementAndGet())));
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = System.nanoTime() - sent;
                    }
                    return Arrays.copyOf(latencies, count);
                }));
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] all = new long[0];
        for (Future<long[]> result : results) {
            long[] one = result.get();
            long[] merged = Arrays.copyOf(all, all.length + one.length);
            System.arraycopy(one, 0, merged, all.length, one.length);
            all = merged;
        }
        Arrays.sort(all);
        double p99 = all.length == 0 ? Double.NaN : all[Math.max(0, (int) Math.ceil(all.length * 0.99) - 1)] / 1e6;
        return new Run(all.length / elapsed, p99);
    }
}
