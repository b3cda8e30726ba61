package io.voicecore.bench;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.voicecore.kernel.storage.Database;

/**
 * {@code tenants-10k}: one kernel with 5 generated plugins ({@link GeneratedPlugins}), measured first with one tenant
 * and then with 10,000, every tenant with all 5 plugins enabled. Measures the live heap the extra tenants cost (after
 * every tenant was touched once, so the kernel's per-tenant caches are populated), the time to enable a plugin for
 * one more tenant over the API, and a plugin route's p99 latency with requests spread over the tenants, as a ratio
 * to the same with one tenant.
 *
 * <p>The 9,999 extra tenants and their 49,995 enablements are inserted with two set-based SQL statements in platform
 * scope, the same rows {@code POST /tenants} and {@code PUT /tenants/{t}/plugins/{p}} write to {@code kernel.tenants}
 * and {@code kernel.tenant_plugins}, but without the audit entries those calls append (four statements each on the
 * tenant's hash chain: 60,000 of them would take minutes). Audit entries live only in the database and are never
 * held by the kernel, so they change neither the heap figure nor the route's latency.
 */
final class TenantsScenario implements Scenario {
    static final String NAME = "tenants-10k";
    private static final int TENANTS = 10_000;
    private static final int PLUGINS = 5;
    private static final double MIB = 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "10,000 tenants x 5 plugins: live heap of per-tenant state, time to enable one more, route p99 vs 1 tenant";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int requests = options.quick() ? 1_000 : 5_000;
        int passes = options.quick() ? 1 : 3;
        Path jars = Files.createTempDirectory("voicecore-bench-tenants");
        try (BenchKernel kernel = BenchKernel.start(GeneratedPlugins.write(jars, PLUGINS))) {
            List<String> pluginIds = new ArrayList<>();
            for (int i = 0; i < PLUGINS; i++) {
                pluginIds.add(GeneratedPlugins.id(i));
            }
            String first = kernel.tenantWith(pluginIds.getFirst(), Map.of());
            for (String pluginId : pluginIds.subList(1, PLUGINS)) {
                enable(kernel, first, pluginId);
            }
            List<String> one = List.of(first);
            int warmUp = options.quick() ? requests : requests * 3;
            progress.printf("warm-up: %,d route calls (not measured)%n", warmUp);
            latencies(kernel, one, pluginIds, warmUp, 1);
            double p99One = p99(kernel, one, pluginIds, requests, passes, progress, "1 tenant");
            long heapOne = liveHeap();
            progress.printf("live heap with 1 tenant: %.1f MiB%n", heapOne / MIB);

            long insertStart = System.nanoTime();
            List<String> all = insertTenants(kernel.services().database(), pluginIds, TENANTS - 1);
            List<String> slugs = new ArrayList<>(one);
            slugs.addAll(all);
            progress.printf("inserted %,d tenants x %d plugins in %.1f s%n", all.size(), PLUGINS, (System.nanoTime() - insertStart) / 1e9);

            long touchStart = System.nanoTime();
            // Quick mode looks up every enablement (the kernel's per-tenant caches) but skips the route call per tenant.
            touchEveryTenant(kernel, slugs, pluginIds, !options.quick());
            progress.printf("touched every tenant (%s every enablement looked up) in %.1f s%n",
                            options.quick() ? "" : "one route call each,", (System.nanoTime() - touchStart) / 1e9);
            long heapAll = liveHeap();
            double heapMb = (heapAll - heapOne) / MIB;
            progress.printf("live heap with %,d tenants: %.1f MiB (+%.1f MiB)%n", slugs.size(), heapAll / MIB, heapMb);

            double p99All = p99(kernel, slugs, pluginIds, requests, passes, progress, String.format("%,d tenants", slugs.size()));

            List<Double> enableMillis = new ArrayList<>();
            int enables = options.quick() ? 10 : 30;
            for (int i = 0; i < enables; i++) {
                String slug = "bench-extra-" + i;
                kernel.json("POST", "/api/v1/tenants", Map.of("name", "Extra " + i, "slug", slug), 201);
                long start = System.nanoTime();
                enable(kernel, slug, pluginIds.get(i % PLUGINS));
                enableMillis.add((System.nanoTime() - start) / 1e6);
            }
            double enableMedian = Stats.median(enableMillis);
            progress.printf("enable one more plugin for one more tenant: median %.1f ms%n", enableMedian);
            return List.of(
                    new Measurement("tenants_10k.heap_mb", heapMb, "MiB", "live heap with 10,000 tenants x 5 plugins minus with 1 (target <= 200)"),
                    new Measurement("tenants_10k.heap_bytes_per_tenant", (heapAll - heapOne) / (double) (slugs.size() - 1), "bytes",
                                    "live heap per extra tenant (5 plugins enabled, touched once)"),
                    new Measurement("tenants_10k.enable_ms", enableMedian, "ms", "PUT enable for one more tenant over the API, at 10,000 tenants"),
                    new Measurement("tenants_10k.p99_ms_1", p99One, "ms", "plugin route p99 with 1 tenant"),
                    new Measurement("tenants_10k.p99_ms_10k", p99All, "ms", "plugin route p99 spread over 10,000 tenants"),
                    new Measurement("tenants_10k.p99_ratio", p99All / p99One, "ratio", "p99 at 10,000 tenants / p99 at 1 tenant (target <= 1.1)"));
        } finally {
            ChildKernel.deleteTree(jars);
        }
    }

    private static void enable(BenchKernel kernel, String slug, String pluginId) throws Exception {
        kernel.json("PUT", "/api/v1/tenants/" + slug + "/plugins/" + pluginId, Map.of("grantedPermissions", List.of("storage")), 200);
    }

    /** The rows the tenant and enablement API calls write, set-based; see the class comment on audit entries. */
    private static List<String> insertTenants(Database database, List<String> pluginIds, int count) {
        String values = String.join(", ", pluginIds.stream().map(id -> "('" + id + "')").toList());
        database.inPlatform(tx -> {
            tx.dml("INSERT INTO kernel.tenants (id, slug, name, plan_tier, status, mfa_required, created_at) "
                   + "SELECT gen_random_uuid(), 'bench-t' || g, 'Benchmark tenant ' || g, 'standard', 'active', false, "
                   + "date_trunc('milliseconds', now()) FROM generate_series(1, ?) AS g", count);
            tx.dml("INSERT INTO kernel.tenant_plugins (tenant_id, plugin_id, enabled, granted, active_version, quarantined_until, "
                   + "quarantine_reason) SELECT t.id, p.plugin_id, true, 'storage', '1.0.0', NULL, NULL FROM kernel.tenants t "
                   + "CROSS JOIN (VALUES " + values + ") AS p(plugin_id) WHERE t.slug LIKE 'bench-t%'");
            return null;
        });
        List<String> slugs = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            slugs.add("bench-t" + i);
        }
        return slugs;
    }

    /** One route call per tenant (plugins in turn) and every tenant's enablement of every plugin looked up. */
    private static void touchEveryTenant(BenchKernel kernel, List<String> slugs, List<String> pluginIds, boolean routeCalls)
            throws Exception {
        Database database = kernel.services().database();
        List<UUID> ids = database.inPlatform(tx -> Database.list(tx, row -> row.column("id").get(UUID.class),
                                                                 "SELECT id FROM kernel.tenants"));
        for (UUID id : ids) {
            for (String pluginId : pluginIds) {
                kernel.services().plugins().enablement().tenantPlugin(id, pluginId);
            }
        }
        if (!routeCalls) {
            return;
        }
        // Four clients at once: the calls are independent and the machine has idle time between them.
        int clients = 4;
        List<java.util.concurrent.Future<Void>> done = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int i = client; i < slugs.size(); i += clients) {
                        call(kernel, slugs.get(i), pluginIds.get(i % pluginIds.size()));
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get();
            }
        }
    }

    private static double p99(BenchKernel kernel, List<String> slugs, List<String> pluginIds, int requests, int passes,
                              PrintStream progress, String label) throws Exception {
        List<Double> p99s = new ArrayList<>();
        for (int pass = 0; pass < passes; pass++) {
            double[] sorted = latencies(kernel, slugs, pluginIds, requests, 17 + pass);
            Arrays.sort(sorted);
            double p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
            progress.printf("%s: %,d route calls, median %.2f ms, p99 %.2f ms%n", label, requests, sorted[sorted.length / 2], p99);
            p99s.add(p99);
        }
        return Stats.median(p99s);
    }

    /** Sequential calls of {@code GET /ping}, each to a random tenant and plugin, in milliseconds. */
    private static double[] latencies(BenchKernel kernel, List<String> slugs, List<String> pluginIds, int requests, long seed) throws Exception {
        Random random = new Random(seed);
        double[] millis = new double[requests];
        for (int i = 0; i < requests; i++) {
            String slug = slugs.get(random.nextInt(slugs.size()));
            String pluginId = pluginIds.get(random.nextInt(pluginIds.size()));
            long start = System.nanoTime();
            call(kernel, slug, pluginId);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    private static void call(BenchKernel kernel, String slug, String pluginId) throws Exception {
        HttpResponse<String> response = kernel.send(kernel.request("/api/v1/tenants/" + slug + "/" + pluginId + "/ping").GET().build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /" + pluginId + "/ping for " + slug + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static long liveHeap() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            least = Math.min(least, HeapSampler.liveHeapBytes());
        }
        return least;
    }

}
