package io.voicecore.bench;

import java.io.PrintStream;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.marketplace.licence.Licence;
import io.voicecore.marketplace.licence.LicenceKeys;
import io.voicecore.marketplace.licence.LicenceSigner;
import io.voicecore.marketplace.licence.LicenceVerifier;
import io.voicecore.marketplace.licence.MarketplaceLicenceGate;

/**
 * {@code licensed-route}: what the licence check costs a plugin route. One kernel serves the hello example's
 * {@code GET /api/v1/tenants/{tenant}/hello/greeting} (as {@code plugin-route-vs-bare} calls it: {@value #CONNECTIONS}
 * connections over {@value #TENANTS} tenants, tenant API keys) in alternating phases:
 * <ul>
 *   <li><em>open</em>: the kernel's own {@link LicenceGate#OPEN}, what it runs without the marketplace;</li>
 *   <li><em>licensed</em>: a {@link MarketplaceLicenceGate} for which the hello plugin is sold in the marketplace, each
 *   tenant's enablement carrying a valid Ed25519 licence token; its verifier has seen every token, so as in steady state
 *   a call finds its token among the verified ones and only judges the dates.</li>
 * </ul>
 * Only the gate differs: the tokens stay attached in both phases (the open gate does not read them), and switching is
 * {@link TenantEnablement#useLicenceGate}, which the next call uses. Each repetition runs both closed loops (which first
 * alternates), then both open loops at half of the open phase's sustained throughput; ratios are licensed / open per
 * repetition, then the median.
 *
 * <p>Also timed outside HTTP: nanoseconds per {@link LicenceGate#standing} call of each gate in a loop after a warm-up
 * (the marketplace gate with cached tokens), and of the marketplace gate for tokens it has not seen (the Ed25519 check
 * the cache saves).
 */
final class LicensedRouteScenario implements Scenario {
    static final String NAME = "licensed-route";
    private static final String KEY = "licensed_route.";
    static final int TENANTS = PluginRouteScenario.TENANTS;
    static final int CONNECTIONS = PluginRouteScenario.CONNECTIONS;
    static final String PLUGIN = "hello";
    /** The key id of the benchmark's signing key, as the marketplace names its keys. */
    static final String KEY_ID = "bench-1";
    /** The marketplace's default grace period ({@code MarketplaceSettings}). */
    static final Duration GRACE = Duration.ofDays(7);
    private static final Principal ADMIN = new Principal("platform-admin", Role.PLATFORM_ADMIN, Optional.empty(), "bench", false);

    /** What keeps timed loops from being optimised away. */
    private static volatile long sink;

    /** One phase of one repetition: closed-loop throughput and open-loop latency at the repetition's common rate. */
    private record Run(double throughput, double p50, double p99, double p999) {
    }

    /**
     * The licence side as the marketplace sets it up: a signing key, a verifier of its public key (system clock, the
     * default grace period) and the gate; the hello plugin is one the marketplace sells, so it needs a licence.
     */
    record Licensing(LicenceSigner signer, LicenceVerifier verifier, MarketplaceLicenceGate gate) {
        static Licensing create() {
            KeyPair keys = LicenceKeys.generate();
            LicenceVerifier verifier = new LicenceVerifier(Map.of(KEY_ID, keys.getPublic()), Clock.systemUTC(), GRACE);
            return new Licensing(new LicenceSigner(KEY_ID, keys.getPrivate()), verifier,
                                 new MarketplaceLicenceGate(verifier, PLUGIN::equals));
        }

        /** A token as the marketplace issues one on purchase: a paid plan with seats, from now for a year. */
        String token(UUID tenantId) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            return signer.sign(new Licence(UUID.randomUUID(), tenantId, PLUGIN, "standard", false, OptionalInt.of(10), Map.of(),
                                           now, now, Optional.of(now.plus(Duration.ofDays(365))), KEY_ID));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "hello plugin route with the open licence gate vs the marketplace gate with valid licences: req/s, p50/p99, ns per check";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 3 : 7;
        double saturate = options.quick() ? 1 : 3;
        double open = options.quick() ? 1 : 3;
        List<Run> openRuns = new ArrayList<>();
        List<Run> licensedRuns = new ArrayList<>();
        double latencyRate;
        Licensing licensing = Licensing.create();
        List<UUID> tenantIds = new ArrayList<>();
        List<Optional<String>> tokens = new ArrayList<>();
        try (BenchKernel kernel = BenchKernel.start(List.of(PluginRouteScenario.helloJar(options.root())))) {
            TenantEnablement enablement = kernel.services().plugins().enablement();
            enablement.useLicenceGate(licensing.gate());
            List<HttpLoad.Target> targets = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String tenant = kernel.tenantWith(PLUGIN, Map.of());
                UUID id = kernel.services().tenantResolver().resolve(tenant, ADMIN).id();
                String token = licensing.token(id);
                enablement.attachLicence(id, PLUGIN, token, ADMIN);
                LicenceStanding standing = enablement.licenceStanding(enablement.tenantPlugin(id, PLUGIN).orElseThrow());
                if (standing.kind() != LicenceStanding.Kind.SERVING) {
                    throw new IllegalStateException("the licence of " + tenant + " does not serve: " + standing);
                }
                tenantIds.add(id);
                tokens.add(Optional.of(token));
                String key = kernel.json("POST", "/api/v1/tenants/" + tenant + "/api-keys", Map.of("name", "bench", "role", "tenant-user"), 201)
                        .get("secret").asText();
                targets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant + "/hello/greeting", Map.of("Authorization", "Bearer " + key)));
            }
            checkTheGateIsOnThePath(kernel, enablement, licensing);
            HttpLoad load = new HttpLoad(kernel.uri("/").getPort(), targets);
            progress.println("warm-up (not measured)");
            // Longer than plugin-route-vs-bare's, which warms three targets: with two, the kernel's path was still
            // being compiled during the first quick repetitions (throughput rising from one to the next).
            for (int i = 0; i < 4; i++) {
                enablement.useLicenceGate(LicenceGate.OPEN);
                check("open warm-up", load.closedLoop(CONNECTIONS, saturate));
                enablement.useLicenceGate(licensing.gate());
                check("licensed warm-up", load.closedLoop(CONNECTIONS, saturate));
            }
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < repetitions; i++) {
                // Which phase runs first alternates, so neither always meets the other's leftovers (GC, JIT).
                boolean openFirst = i % 2 == 0;
                HttpLoad.Result[] saturated = new HttpLoad.Result[2];
                for (int phase : openFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                    enablement.useLicenceGate(phase == 0 ? LicenceGate.OPEN : licensing.gate());
                    saturated[phase] = check(phase == 0 ? "open" : "licensed", load.closedLoop(CONNECTIONS, saturate));
                }
                // Latency at half of the open phase's throughput: a rate both serve without queueing, so the
                // percentiles compare the cost of a request.
                double rate = Math.floor(saturated[0].throughput() / 2);
                rates.add(rate);
                HttpLoad.Result[] unsaturated = new HttpLoad.Result[2];
                for (int phase : openFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                    enablement.useLicenceGate(phase == 0 ? LicenceGate.OPEN : licensing.gate());
                    unsaturated[phase] = load.openLoop(CONNECTIONS, rate, open);
                }
                Run openRun = run(saturated[0], unsaturated[0]);
                Run licensedRun = run(saturated[1], unsaturated[1]);
                openRuns.add(openRun);
                licensedRuns.add(licensedRun);
                report(progress, i + 1, "open", openRun, rate, unsaturated[0].errors());
                report(progress, i + 1, "licensed", licensedRun, rate, unsaturated[1].errors());
                progress.printf(Locale.ROOT, "#%d licensed / open: throughput %.2f, p50 %.2f, p99 %.2f%n", i + 1,
                                licensedRun.throughput() / openRun.throughput(), licensedRun.p50() / openRun.p50(),
                                licensedRun.p99() / openRun.p99());
            }
            enablement.useLicenceGate(LicenceGate.OPEN);
            latencyRate = Stats.median(rates);
        }

        progress.println("licence gate alone: ns per standing(...) call (timed loops, after a warm-up)");
        int calls = options.quick() ? 1_000_000 : 2_000_000;
        int rounds = options.quick() ? 5 : 9;
        List<Double> openNanos = new ArrayList<>();
        List<Double> cachedNanos = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nanosPerStanding(LicenceGate.OPEN, tenantIds, tokens, calls);
            nanosPerStanding(licensing.gate(), tenantIds, tokens, calls);
        }
        for (int i = 0; i < rounds; i++) {
            boolean openFirst = i % 2 == 0;
            if (openFirst) {
                openNanos.add(nanosPerStanding(LicenceGate.OPEN, tenantIds, tokens, calls));
            }
            cachedNanos.add(nanosPerStanding(licensing.gate(), tenantIds, tokens, calls));
            if (!openFirst) {
                openNanos.add(nanosPerStanding(LicenceGate.OPEN, tenantIds, tokens, calls));
            }
            progress.printf(Locale.ROOT, "#%d open gate %.1f ns, marketplace gate (cached token) %.1f ns%n", i + 1,
                            openNanos.getLast(), cachedNanos.getLast());
        }
        int fresh = options.quick() ? 500 : 2_000;
        uncachedNanosPerStanding(tenantIds, fresh);
        double uncached = uncachedNanosPerStanding(tenantIds, fresh);
        progress.printf(Locale.ROOT, "marketplace gate, token not yet verified (Ed25519 check): %,.0f ns%n", uncached);

        String reps = " (median of " + repetitions + ")";
        double openThroughput = median(openRuns, Run::throughput);
        return List.of(
                new Measurement(KEY + "throughput_ratio", Stats.median(pairs(licensedRuns, openRuns, Run::throughput)), "ratio",
                                "licensed / open gate sustained throughput" + reps),
                new Measurement(KEY + "open_rps", openThroughput, "req/s",
                                "open gate (no licence), closed loop, " + CONNECTIONS + " connections over " + TENANTS + " tenants"),
                new Measurement(KEY + "licensed_rps", median(licensedRuns, Run::throughput), "req/s",
                                "marketplace gate, valid cached licence per tenant, closed loop, same connections"),
                new Measurement(KEY + "latency_rate", latencyRate, "req/s", "open-loop rate of the latencies: half of the open gate's throughput"),
                new Measurement(KEY + "open_p50_ms", median(openRuns, Run::p50), "ms", "open gate, open loop"),
                new Measurement(KEY + "open_p99_ms", median(openRuns, Run::p99), "ms", "open gate, open loop"),
                new Measurement(KEY + "open_p999_ms", median(openRuns, Run::p999), "ms", "open gate, open loop"),
                new Measurement(KEY + "licensed_p50_ms", median(licensedRuns, Run::p50), "ms", "marketplace gate, open loop, same rate"),
                new Measurement(KEY + "licensed_p99_ms", median(licensedRuns, Run::p99), "ms", "marketplace gate, open loop, same rate"),
                new Measurement(KEY + "licensed_p999_ms", median(licensedRuns, Run::p999), "ms", "marketplace gate, open loop, same rate"),
                new Measurement(KEY + "p50_ratio", Stats.median(pairs(licensedRuns, openRuns, Run::p50)), "ratio",
                                "licensed / open gate p50, open loop" + reps),
                new Measurement(KEY + "p99_ratio", Stats.median(pairs(licensedRuns, openRuns, Run::p99)), "ratio",
                                "licensed / open gate p99, open loop" + reps),
                new Measurement(KEY + "open_standing_ns", Stats.median(openNanos), "ns",
                                "LicenceGate.OPEN.standing per call (median of " + rounds + " loops of " + calls + ")"),
                new Measurement(KEY + "cached_standing_ns", Stats.median(cachedNanos), "ns",
                                "MarketplaceLicenceGate.standing per call, verified token cached (median of " + rounds + " loops)"),
                new Measurement(KEY + "uncached_standing_ns", uncached, "ns",
                                "MarketplaceLicenceGate.standing of a token not yet verified (Ed25519), " + fresh + " tokens"));
    }

    /**
     * Under the marketplace gate a tenant of the plugin without a licence is refused: the gate the phases switch is the
     * one the route asks. The tenant takes no part in the measured runs.
     */
    private static void checkTheGateIsOnThePath(BenchKernel kernel, TenantEnablement enablement, Licensing licensing) throws Exception {
        String unlicensed = kernel.tenantWith(PLUGIN, Map.of());
        String path = "/api/v1/tenants/" + unlicensed + "/hello/greeting";
        enablement.useLicenceGate(licensing.gate());
        int refused = kernel.send(kernel.request(path).GET().build()).statusCode();
        enablement.useLicenceGate(LicenceGate.OPEN);
        int served = kernel.send(kernel.request(path).GET().build()).statusCode();
        if (refused < 400 || served != 200) {
            throw new IllegalStateException("a tenant without a licence answered " + refused + " under the marketplace gate and "
                                            + served + " under the open one; expected a refusal, then 200");
        }
    }

    /**
     * Nanoseconds per {@code gate.standing} call over {@code calls} calls, the tenants and tokens in turn. Both gates
     * go through this one call site, as they do in the kernel; every standing must serve.
     */
    static double nanosPerStanding(LicenceGate gate, List<UUID> tenantIds, List<Optional<String>> tokens, int calls) {
        int n = tenantIds.size();
        long served = 0;
        long mix = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            int t = i % n;
            LicenceStanding standing = gate.standing(tenantIds.get(t), PLUGIN, tokens.get(t));
            if (standing.serves()) {
                served++;
            }
            mix += standing.licence().isPresent() ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        sink = mix;
        if (served != calls) {
            throw new IllegalStateException((calls - served) + " of " + calls + " standings refused");
        }
        return (double) elapsed / calls;
    }

    /**
     * Nanoseconds per {@code standing} of a fresh marketplace gate for {@code count} tokens it has not seen (signed
     * beforehand, not timed): each call decodes the token and checks its Ed25519 signature.
     */
    static double uncachedNanosPerStanding(List<UUID> tenantIds, int count) {
        Licensing licensing = Licensing.create();
        List<UUID> ids = new ArrayList<>(count);
        List<Optional<String>> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UUID id = tenantIds.get(i % tenantIds.size());
            ids.add(id);
            tokens.add(Optional.of(licensing.token(id)));
        }
        // Each token once: every call misses the cache.
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!licensing.gate().standing(ids.get(i), PLUGIN, tokens.get(i)).serves()) {
                throw new IllegalStateException("a fresh licence token was refused");
            }
        }
        return (double) (System.nanoTime() - start) / count;
    }

    private static Run run(HttpLoad.Result saturated, HttpLoad.Result open) {
        return new Run(saturated.throughput(), open.latencyMillis(0.50), open.latencyMillis(0.99), open.latencyMillis(0.999));
    }

    /** A saturating run only counts without errors: a refused licence or a failing server is not a throughput. */
    private static HttpLoad.Result check(String what, HttpLoad.Result result) {
        if (result.errors() > 0) {
            throw new IllegalStateException(what + ": " + result.errors() + " failed requests of " + (result.errors() + result.completed())
                                            + ", the first: " + result.firstError());
        }
        return result;
    }

    private static void report(PrintStream progress, int repetition, String what, Run run, double rate, long openLoopErrors) {
        progress.printf(Locale.ROOT, "#%d %-8s closed loop %,8.0f req/s; open loop at %,.0f req/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%s%n",
                        repetition, what, run.throughput(), rate, run.p50(), run.p99(), run.p999(),
                        openLoopErrors > 0 ? ", " + openLoopErrors + " ERRORS" : "");
    }

    private static List<Double> pairs(List<Run> licensed, List<Run> open, ToDoubleFunction<Run> value) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < licensed.size(); i++) {
            ratios.add(value.applyAsDouble(licensed.get(i)) / value.applyAsDouble(open.get(i)));
        }
        return ratios;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        return Stats.median(runs.stream().map(run -> value.applyAsDouble(run)).toList());
    }
}
