package io.voicecore.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code events}: events from a publishing plugin through the kernel's transactional outbox
 * ({@code kernel.event_outbox}, leased and delivered by the
 * {@link io.voicecore.kernel.plugins.events.EventDispatcher}) to a subscribing plugin, both plugins generated
 * at bench time with the SDK and installed as jars.
 *
 * <p>The publisher's route {@code POST /publish} publishes many events in one call, inside one
 * {@code Storage.transaction} (the SDK's path for events that commit with the plugin's writes; the kernel writes a
 * transaction's events in one statement just before it commits), so the publishing side is not the bottleneck. The
 * subscriber's batch handler ({@code PluginSetup.onEvents}, several events per plugin call) reports each event's
 * sequence number through its {@code Log} capability, which this JVM captures with a logging handler: that is the
 * moment the handler was invoked.
 *
 * <ul>
 *   <li><b>Backlog:</b> while a trigger of this scenario commits every new outbox row as leased for ever (so no
 *       dispatcher takes it), the publisher commits a backlog; the leases are ended and the time until the subscriber
 *       has seen every event gives the sustained throughput, leasing included.</li>
 *   <li><b>Steady:</b> the publisher publishes at half the backlog throughput in calls every 50 ms; the latency
 *       of an event is from the moment its publishing call answered (after its commit) to its handler's
 *       invocation.</li>
 *   <li><b>Baseline:</b> the same number of rows through a bare outbox on the same PostgreSQL over plain JDBC:
 *       a backlog of rows, claimed in batches of 100 with {@code FOR UPDATE SKIP LOCKED} and marked done, each
 *       step its own transaction, with no plugin and no fan-out: the floor any SKIP LOCKED outbox pays here.</li>
 * </ul>
 */
final class EventsScenario implements Scenario {
    static final String NAME = "events";
    private static final String TOPIC = "bench.tick";
    private static final String PUBLISHER = "bench-herald";
    private static final String SUBSCRIBER = "bench-sink";
    private static final Pattern SEQUENCE = Pattern.compile("seq (\\d+)");
    private static final int MAX_PER_CALL = 2_000;
    private static final long DELIVERY_TIMEOUT_NANOS = 180_000_000_000L;

    /** When the subscriber's handler first saw each sequence number (redeliveries keep the first). */
    private final Map<Long, Long> handled = new ConcurrentHashMap<>();
    private final AtomicLong nextSequence = new AtomicLong();
    /** Kept strongly: java.util.logging holds loggers weakly and would drop the handler with it. */
    private Logger subscriberLog;

    /** One publishing call: its sequence numbers and when its answer (after the commit) arrived. */
    private record Published(long from, int count, long answeredNanos) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "events from a publishing plugin through the outbox to a subscribing plugin: events/s from a backlog, "
               + "p99 under steady publishing, against a bare JDBC outbox";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 1 : 3;
        double backlogSeconds = options.quick() ? 3 : 8;
        double steadySeconds = options.quick() ? 4 : 12;
        Path jars = Files.createTempDirectory("voicecore-bench-events");
        List<Path> plugins = List.of(publisherJar().writeTo(jars), subscriberJar().writeTo(jars));
        captureHandlerInvocations();
        List<Double> throughputs = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> steadyRates = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(plugins); Connection admin = adminConnection(kernel)) {
            String warmTenant = tenant(kernel);
            double rough = backlog(kernel, admin, warmTenant, 2_000);
            progress.printf(Locale.ROOT, "warm-up: 2,000 events from a backlog at %,.0f events/s (not measured)%n", rough);
            int size = (int) Math.max(2_000, Math.min(100_000, Math.round(rough * backlogSeconds / 1000) * 1000));
            for (int i = 0; i < repetitions; i++) {
                String tenant = tenant(kernel);
                double rate = backlog(kernel, admin, tenant, size);
                throughputs.add(rate);
                double bareRate = bareOutbox(admin, size);
                bare.add(bareRate);
                double offered = rate / 2;
                double[] steady = steady(kernel, tenant, offered, steadySeconds);
                steadyRates.add(steady[0]);
                p50s.add(steady[1]);
                p99s.add(steady[2]);
                progress.printf(Locale.ROOT, "run %d: backlog of %,d at %,.0f events/s (bare outbox %,.0f/s); steady at %,.0f offered: "
                                + "%,.0f delivered/s, p50 %.1f ms, p99 %.1f ms%n", i + 1, size, rate, bareRate, offered, steady[0],
                                steady[1], steady[2]);
            }
        } finally {
            subscriberLog.setUseParentHandlers(true);
            for (Path jar : plugins) {
                Files.deleteIfExists(jar);
            }
            Files.deleteIfExists(jars);
        }
        double perSecond = Stats.median(throughputs);
        double barePerSecond = Stats.median(bare);
        return List.of(
                new Measurement("events.per_second", perSecond, "events/s",
                                "publish -> outbox -> subscriber plugin, from a backlog, median of " + repetitions),
                new Measurement("events.bare_outbox_per_second", barePerSecond, "events/s",
                                "bare JDBC outbox on the same PostgreSQL: claim 100 with SKIP LOCKED, mark done"),
                new Measurement("events.ratio_vs_bare_outbox", perSecond / barePerSecond, "ratio", "events.per_second / bare outbox"),
                new Measurement("events.steady_per_second", Stats.median(steadyRates), "events/s",
                                "delivered per second while publishing at half the backlog rate"),
                new Measurement("events.p50_ms", Stats.median(p50s), "ms", "publish commit -> handler invoked, steady, median"),
                new Measurement("events.p99_ms", Stats.median(p99s), "ms", "publish commit -> handler invoked, steady, 99th percentile"));
    }

    private static GeneratedPluginJar publisherJar() {
        return GeneratedPluginJar.withId(PUBLISHER)
                .manifest("""
                        permissions:
                          - name: storage
                            reason: publishes inside a storage transaction, so a call's events commit together
                          - name: events:publish
                            reason: publishes the benchmark's events
                        routes:
                          - POST /publish
                        events:
                          publishes: [%s]
                        limits: {timeoutMillis: 30000, concurrency: 8}
                        """.formatted(TOPIC))
                .setup("""
                        setup.route(HttpMethod.POST, "/publish", (request, context) -> {
                            long from = request.json().get("from").asLong();
                            long count = request.json().get("count").asLong();
                            context.storage().transaction(tx -> {
                                for (long i = 0; i < count; i++) {
                                    context.events().publish("%s", Json.object().put("seq", from + i).build());
                                }
                                return null;
                            });
                            return Response.ok(Json.object().put("published", count).build());
                        });
                        """.formatted(TOPIC))
                .resource("db/migration/V1__marker.sql", "CREATE TABLE marker (tenant_id uuid NOT NULL);");
    }

    private static GeneratedPluginJar subscriberJar() {
        return GeneratedPluginJar.withId(SUBSCRIBER)
                .manifest("""
                        permissions:
                          - name: events:subscribe
                            reason: receives the benchmark's events
                        events:
                          subscribes: [%s]
                        """.formatted(TOPIC))
                .setup("""
                        setup.onEvents("%s", (events, context) -> {
                            for (Event event : events) {
                                context.log().info("seq " + event.payload().get("seq").asLong());
                            }
                        });
                        """.formatted(TOPIC));
    }

    /** Records when the subscriber's handler logs a sequence number; the lines go nowhere else. */
    private void captureHandlerInvocations() {
        subscriberLog = Logger.getLogger("io.voicecore.plugin." + SUBSCRIBER);
        subscriberLog.setLevel(Level.INFO);
        subscriberLog.setUseParentHandlers(false);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                long now = System.nanoTime();
                Matcher matcher = SEQUENCE.matcher(String.valueOf(record.getMessage()));
                if (matcher.find()) {
                    handled.putIfAbsent(Long.parseLong(matcher.group(1)), now);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        subscriberLog.addHandler(handler);
    }

    /** A new tenant with both plugins enabled. */
    private static String tenant(BenchKernel kernel) throws Exception {
        String slug = kernel.tenantWith(PUBLISHER, Map.of());
        kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/" + SUBSCRIBER, Map.of("grantedPermissions", List.of("events:subscribe")), 200);
        return slug;
    }

    /**
     * Publishes {@code count} events while dispatchers are held off, releases them and returns events/s until all were
     * handled. The hold is a trigger that commits each event already leased until 'infinity', so no dispatcher takes it
     * while the backlog is published; the release ends those leases in one statement. One more event, published right
     * after, wakes the dispatchers at once instead of at their next poll.
     */
    private double backlog(BenchKernel kernel, Connection admin, String tenant, int count) throws Exception {
        long first = nextSequence.get();
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE OR REPLACE FUNCTION public.bench_hold_event() RETURNS trigger LANGUAGE plpgsql AS "
                              + "$$BEGIN NEW.leased_until := 'infinity'; RETURN NEW; END$$");
            statement.execute("CREATE TRIGGER bench_hold BEFORE INSERT ON kernel.event_outbox FOR EACH ROW "
                              + "EXECUTE FUNCTION public.bench_hold_event()");
            try {
                for (int published = 0; published < count; published += MAX_PER_CALL) {
                    publish(kernel, tenant, Math.min(MAX_PER_CALL, count - published));
                }
            } finally {
                statement.execute("DROP TRIGGER bench_hold ON kernel.event_outbox");
            }
            statement.execute("UPDATE kernel.event_outbox SET leased_until = NULL WHERE leased_until = 'infinity'");
        }
        long released = System.nanoTime();
        publish(kernel, tenant, 1);
        long last = awaitHandled(first, count + 1);
        return (count + 1) / ((last - released) / 1e9);
    }

    /** Publishes at {@code rate} events/s for {@code seconds}; returns delivered/s, p50 and p99 latency in ms. */
    private double[] steady(BenchKernel kernel, String tenant, double rate, double seconds) throws Exception {
        long period = 50_000_000L;
        int perCall = (int) Math.max(1, Math.min(MAX_PER_CALL, Math.round(rate * period / 1e9)));
        List<Published> calls = new ArrayList<>();
        long first = nextSequence.get();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (long due = start; due < end; due += period) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            calls.add(publish(kernel, tenant, perCall));
        }
        int total = (int) (nextSequence.get() - first);
        long last = awaitHandled(first, total);
        List<Double> latencies = new ArrayList<>(total);
        for (Published call : calls) {
            for (long seq = call.from(); seq < call.from() + call.count(); seq++) {
                // The commit happened before the answer arrived; a handler that ran before it counts as immediate.
                latencies.add(Math.max(0, handled.get(seq) - call.answeredNanos()) / 1e6);
            }
        }
        latencies.sort(null);
        return new double[] {total / ((last - start) / 1e9), percentile(latencies, 0.50), percentile(latencies, 0.99)};
    }

    private Published publish(BenchKernel kernel, String tenant, int count) throws Exception {
        long from = nextSequence.getAndAdd(count);
        JsonNode answer = kernel.json("POST", "/api/v1/tenants/" + tenant + "/" + PUBLISHER + "/publish", Map.of("from", from, "count", count), 200);
        long answered = System.nanoTime();
        if (answer.get("published").asLong() != count) {
            throw new IllegalStateException("the publisher published " + answer + " instead of " + count);
        }
        return new Published(from, count, answered);
    }

    /** Waits until every sequence number in [first, first + count) was handled; returns when the last one was. */
    private long awaitHandled(long first, int count) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT_NANOS;
        while (true) {
            long latest = 0;
            int missing = 0;
            for (long seq = first; seq < first + count; seq++) {
                Long at = handled.get(seq);
                if (at == null) {
                    missing++;
                } else {
                    latest = Math.max(latest, at);
                }
            }
            if (missing == 0) {
                return latest;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " of " + count + " events never reached the subscriber");
            }
            Thread.sleep(5);
        }
    }

    /** The bare outbox: {@code count} rows committed, then claimed 100 at a time with SKIP LOCKED and marked done. */
    private static double bareOutbox(Connection admin, int count) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS public.bench_outbox");
            statement.execute("CREATE TABLE public.bench_outbox (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, topic text NOT NULL, "
                              + "payload text NOT NULL, occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(), "
                              + "status text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0)");
            statement.execute("CREATE INDEX ON public.bench_outbox (occurred_at) WHERE status = 'pending'");
            statement.execute("INSERT INTO public.bench_outbox (id, tenant_id, topic, payload) SELECT gen_random_uuid(), "
                              + "'00000000-0000-0000-0000-000000000001', 'bench.tick', '{\"seq\":' || g || '}' FROM generate_series(1, "
                              + count + ") g");
            statement.execute("ANALYZE public.bench_outbox");
        }
        long started = System.nanoTime();
        int done = 0;
        admin.setAutoCommit(false);
        try (PreparedStatement claim = admin.prepareStatement(
                "UPDATE public.bench_outbox o SET attempts = o.attempts + 1 FROM (SELECT id FROM public.bench_outbox WHERE status = 'pending' "
                + "AND attempts = 0 ORDER BY occurred_at LIMIT 100 FOR UPDATE SKIP LOCKED) due WHERE o.id = due.id RETURNING o.id, o.payload");
             PreparedStatement mark = admin.prepareStatement("UPDATE public.bench_outbox SET status = 'done' WHERE id = ANY (?)")) {
            while (done < count) {
                List<Object> ids = new ArrayList<>(100);
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getObject(1));
                        rows.getString(2);
                    }
                }
                admin.commit();
                if (ids.isEmpty()) {
                    throw new IllegalStateException("the bare outbox ran dry after " + done + " of " + count);
                }
                mark.setArray(1, admin.createArrayOf("uuid", ids.toArray()));
                mark.executeUpdate();
                admin.commit();
                done += ids.size();
            }
        } finally {
            admin.setAutoCommit(true);
        }
        double rate = count / ((System.nanoTime() - started) / 1e9);
        try (Statement statement = admin.createStatement()) {
            statement.execute("DROP TABLE public.bench_outbox");
        }
        return rate;
    }

    /** A superuser connection to the kernel's embedded PostgreSQL, for the lock and the baseline. */
    private static Connection adminConnection(BenchKernel kernel) throws SQLException {
        Matcher port = Pattern.compile("on port (\\d+)").matcher(kernel.storageDescription());
        if (!port.find()) {
            throw new IllegalStateException("the events benchmark needs the embedded database; the kernel uses " + kernel.storageDescription());
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port.group(1) + "/voicecore", "postgres", "");
    }

    private static double percentile(List<Double> sorted, double fraction) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(fraction * sorted.size()) - 1));
    }
}
