package io.voicecore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import io.voicecore.marketplace.commerce.CommerceSettings;
import io.voicecore.marketplace.commerce.StripeSettings;
import io.voicecore.standins.stripe.RecordedRequest;
import io.voicecore.standins.stripe.StripeStandIn;
import io.voicecore.standins.stripe.StripeStandInSettings;

/**
 * {@code purchases}: paid purchases per second through the marketplace and Stripe, end to end over HTTP. A kernel
 * with the marketplace pays through the Stripe stand-in (in this JVM, speaking Stripe's wire protocol to the
 * marketplace's stripe-java client, and sending its signed webhooks back to the kernel). As a user would: a publisher
 * signs up, registers an Ed25519 key made with keytool, submits a plugin jar signed with jarsigner, a reviewer approves
 * it, and the publisher adds a monthly plan of 19.00 EUR. Then tenants buy it, one purchase per tenant (a tenant buys
 * a listing once), each tenant admin with its own key and an {@code Idempotency-Key}.
 *
 * <p>The baseline, in the same run: other tenants install the same listing's free plan, the same flow without money
 * (consent, install, licence). The repetitions run at 1 client, then at {@value #MANY}; each runs both phases with
 * fresh tenants, as closed loops over requests each sent once ({@link HttpLoad#eachOnce}), and which phase goes first
 * alternates. The ratio paid / free is what
 * charging through Stripe and recording the ledger costs. Also measured: a purchase repeated with its
 * {@code Idempotency-Key}, answered from what the first answered, without Stripe.
 *
 * <p>Afterwards the ledger must verify as balanced, and the purchases succeeded, the ledger's transactions, Stripe's
 * successful payment intents and its charges must all be as many as the purchases answered 201: each purchase charged
 * once. Otherwise the scenario fails.
 */
final class PurchasesScenario implements Scenario {
    static final String NAME = "purchases";
    private static final String KEY = "purchases.";
    static final String LISTING = "bench-notes";
    static final String PLAN = "monthly";
    static final String FREE_PLAN = "free";
    static final long AMOUNT = 1900;
    static final int MANY = 4;
    private static final List<Integer> CLIENTS = List.of(1, MANY);
    private static final String STRIPE_KEY = "sk_test_bench";
    private static final String WEBHOOK_SECRET = "whsec_bench";
    private static final String WEBHOOK = "/api/v1/marketplace/stripe/webhook";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How many: purchases (and as many free installs) per phase at 1 and at {@value #MANY} clients, repetitions, the
     * warm-up's purchases and installs, and the seconds of each idempotent-repeat loop.
     */
    record Size(int perPhaseOne, int perPhaseMany, int repetitions, int warmUp, double repeatSeconds) {
        static Size of(BenchOptions options) {
            return options.quick() ? new Size(20, 40, 1, 40, 1) : new Size(40, 120, 3, 60, 2);
        }

        int perPhase(int clients) {
            return clients == 1 ? perPhaseOne : perPhaseMany;
        }

        /** Tenants of one kind (buyers, or free installers) the run needs: one per purchase or install. */
        int tenants() {
            return warmUp + repetitions * (perPhaseOne + perPhaseMany);
        }
    }

    /** One phase of one repetition. */
    private record Phase(double throughput, long[] sortedLatencyNanos) {
    }

    /** A tenant, its tenant admin's key, and the request it sends once. */
    private record Customer(String slug, String apiKey, HttpLoad.Target request) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "paid purchases through the marketplace and the Stripe stand-in vs free installs of the same listing: per second, p50/p99";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        Size size = Size.of(options);
        Path folder = Files.createTempDirectory("voicecore-bench-purchases");
        // The stand-in's port is chosen first: the marketplace is configured with it, the stand-in with the kernel's webhook.
        int stripePort = freePort();
        StripeSettings stripeSettings = new StripeSettings("http://127.0.0.1:" + stripePort, Optional.of(STRIPE_KEY), Optional.of(WEBHOOK_SECRET));
        MarketplaceExtension marketplace = new MarketplaceExtension(MarketplaceSettings.defaults()
                .withCommerce(CommerceSettings.defaults().withStripe(stripeSettings)));
        try (BenchKernel kernel = BenchKernel.start(List.of(), List.of(marketplace));
             StripeStandIn stripe = StripeStandIn.start(stripePort, StripeStandInSettings.defaults().withKeys(STRIPE_KEY)
                     .withWebhook(kernel.uri(WEBHOOK), WEBHOOK_SECRET))) {
            long setUp = System.nanoTime();
            publish(kernel, folder, progress);
            List<Customer> buyers = customers(kernel, "buyer", size.tenants(), true);
            List<Customer> installers = customers(kernel, "installer", size.tenants(), false);
            progress.printf(Locale.ROOT, "set up in %.1f s: the listing, %,d buyers and %,d free installers, each a tenant with an admin key%n",
                            (System.nanoTime() - setUp) / 1e9, buyers.size(), installers.size());
            int port = kernel.uri("/").getPort();
            int taken = 0;

            progress.println("warm-up (not measured)");
            check("warm-up purchases", take(buyers, taken, size.warmUp()), port, MANY);
            check("warm-up installs", take(installers, taken, size.warmUp()), port, MANY);
            checkThePluginServes(kernel, buyers.getFirst(), installers.getFirst());
            taken += size.warmUp();

            Map<Integer, List<Phase>> paid = new TreeMap<>();
            Map<Integer, List<Phase>> free = new TreeMap<>();
            Map<Integer, Double> repeats = new TreeMap<>();
            for (int clients : CLIENTS) {
                paid.put(clients, new ArrayList<>());
                free.put(clients, new ArrayList<>());
                int count = size.perPhase(clients);
                for (int i = 0; i < size.repetitions(); i++) {
                    List<Customer> buying = take(buyers, taken, count);
                    List<Customer> installing = take(installers, taken, count);
                    taken += count;
                    // Which phase runs first alternates, so neither always meets the other's leftovers (GC, webhooks).
                    Phase bought;
                    Phase installed;
                    if (i % 2 == 0) {
                        bought = check("purchases", buying, port, clients);
                        installed = check("free installs", installing, port, clients);
                    } else {
                        installed = check("free installs", installing, port, clients);
                        bought = check("purchases", buying, port, clients);
                    }
                    paid.get(clients).add(bought);
                    free.get(clients).add(installed);
                    progress.printf(Locale.ROOT, "#%d %d client%s: %,d purchases %6.1f/s (p50 %.1f ms, p99 %.1f ms); %,d free installs %6.1f/s "
                                                 + "(p50 %.1f ms, p99 %.1f ms); ratio %.2f%n", i + 1, clients, clients == 1 ? "" : "s", count,
                                    bought.throughput(), millis(bought.sortedLatencyNanos(), 0.50), millis(bought.sortedLatencyNanos(), 0.99),
                                    count, installed.throughput(), millis(installed.sortedLatencyNanos(), 0.50),
                                    millis(installed.sortedLatencyNanos(), 0.99), bought.throughput() / installed.throughput());
                }
                // The same purchases again, each with its Idempotency-Key: answered from the first answer, charged never.
                List<HttpLoad.Target> again = buyers.subList(0, clients).stream().map(Customer::request).toList();
                HttpLoad.Result repeated = new HttpLoad(port, again).closedLoop(clients, size.repeatSeconds());
                if (repeated.errors() > 0) {
                    throw new IllegalStateException("idempotent repeats: " + repeated.errors() + " failed, the first: " + repeated.firstError());
                }
                repeats.put(clients, repeated.throughput());
                progress.printf(Locale.ROOT, "   %d client%s: idempotent repeats of a purchase %,.0f/s (p50 %.1f ms)%n", clients,
                                clients == 1 ? "" : "s", repeated.throughput(), repeated.latencyMillis(0.50));
            }
            long purchases = taken;
            proveEachPurchaseChargedOnce(kernel, stripe, purchases, progress);
            return measurements(paid, free, repeats, size, purchases);
        } finally {
            ChildKernel.deleteTree(folder);
        }
    }

    /**
     * A publisher signs up, registers a key, submits a signed plugin, a reviewer approves it (a first version always
     * waits for one), and the publisher prices it: the listing then has its free plan and a monthly one.
     */
    private static void publish(BenchKernel kernel, Path folder, PrintStream progress) throws Exception {
        JsonNode publisher = call(kernel, "POST", "/api/v1/marketplace/publishers", null,
                                  Map.of("name", "Bench Plugins", "slug", "bench-plugins", "email", "dev@bench-plugins.test"), 201);
        String developer = publisher.get("apiKey").asText();
        String path = "/api/v1/marketplace/publishers/bench-plugins";
        PublisherKey key = PublisherKey.create(folder, "bench");
        send(kernel, "POST", path + "/signing-keys", developer, "application/x-pem-file", key.pem().getBytes(StandardCharsets.US_ASCII), 201);
        Path jar = GeneratedPluginJar.withId(LISTING)
                .manifest("""
                        permissions:
                          - name: storage
                            reason: keeps the tenant's notes in the plugin's own table
                        routes:
                          - GET /notes
                        """)
                .resource("db/migration/V1__notes.sql", "CREATE TABLE notes (id uuid NOT NULL PRIMARY KEY, tenant_id uuid NOT NULL, text text NOT NULL);\n")
                .setup("""
                        setup.route(HttpMethod.GET, "/notes", (request, context) -> Response.ok(Json.object().put("notes", 0).build()));
                        """)
                .writeTo(folder);
        key.sign(jar);
        String submission = send(kernel, "POST", path + "/submissions", developer, "application/java-archive", Files.readAllBytes(jar), 202)
                .get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode reviewed = call(kernel, "GET", path + "/submissions/" + submission, developer, null, 200);
        while (reviewed.get("state").asText().equals("automated-review")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the automated review of the benchmark's plugin took more than 60 s");
            }
            Thread.sleep(100);
            reviewed = call(kernel, "GET", path + "/submissions/" + submission, developer, null, 200);
        }
        if (!reviewed.get("state").asText().equals("in-review")) {
            throw new IllegalStateException("the benchmark's plugin was not put in review: " + reviewed);
        }
        String reviewer = kernel.json("POST", "/api/v1/marketplace/reviewers", Map.of("name", "Bench Reviewer"), 201).get("apiKey").asText();
        call(kernel, "POST", "/api/v1/marketplace/reviews/" + submission + "/decision", reviewer, Map.of("decision", "approve"), 200);
        call(kernel, "POST", path + "/listings/" + LISTING + "/plans", developer, Map.of("id", PLAN, "kind", "subscription", "interval", "month",
                                                                                      "amount", AMOUNT, "currency", "EUR"), 201);
        JsonNode listing = kernel.json("GET", "/api/v1/marketplace/listings/" + LISTING, null, 200);
        List<String> plans = new ArrayList<>();
        listing.get("plans").forEach(plan -> plans.add(plan.get("id").asText()));
        if (!plans.containsAll(List.of(FREE_PLAN, PLAN))) {
            throw new IllegalStateException("the listing should have a free and a monthly plan: " + listing.get("plans"));
        }
        progress.printf("published %s %s with plans %s%n", LISTING, listing.get("latestVersion").asText(), plans);
    }

    /**
     * {@code count} tenants, each with a tenant admin's key and its one request: a purchase of the monthly plan
     * ({@code paying}) or an install of the free plan. Made four at a time.
     */
    private static List<Customer> customers(BenchKernel kernel, String prefix, int count, boolean paying) throws Exception {
        List<Future<Customer>> made = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 1; i <= count; i++) {
                String slug = prefix + "-" + i;
                made.add(threads.submit(() -> {
                    kernel.json("POST", "/api/v1/tenants", Map.of("name", "Bench " + slug, "slug", slug), 201);
                    String apiKey = kernel.json("POST", "/api/v1/tenants/" + slug + "/api-keys", Map.of("name", "owner", "role", "tenant-admin"), 201)
                            .get("secret").asText();
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("Authorization", "Bearer " + apiKey);
                    HttpLoad.Target request;
                    if (paying) {
                        headers.put("Idempotency-Key", "bench-" + slug);
                        request = HttpLoad.Target.post("/api/v1/tenants/" + slug + "/marketplace/purchases", headers, JSON.writeValueAsString(
                                Map.of("listing", LISTING, "plan", PLAN, "paymentMethod", "pm_card_visa", "grantedPermissions", List.of("storage"))));
                    } else {
                        request = HttpLoad.Target.post("/api/v1/tenants/" + slug + "/marketplace/installs", headers, JSON.writeValueAsString(
                                Map.of("listing", LISTING, "plan", FREE_PLAN, "grantedPermissions", List.of("storage"))));
                    }
                    return new Customer(slug, apiKey, request);
                }));
            }
        }
        List<Customer> customers = new ArrayList<>();
        for (Future<Customer> customer : made) {
            customers.add(customer.get());
        }
        return customers;
    }

    /** The buyer's and the installer's plugin answers them: what they got is the plugin, licensed. */
    private static void checkThePluginServes(BenchKernel kernel, Customer buyer, Customer installer) throws Exception {
        for (Customer tenant : List.of(buyer, installer)) {
            call(kernel, "GET", "/api/v1/tenants/" + tenant.slug() + "/" + LISTING + "/notes", tenant.apiKey(), null, 200);
        }
    }

    /** Sends each of the buyers' requests once over {@code clients} connections; every one must succeed. */
    private static Phase check(String what, List<Customer> customers, int port, int clients) throws Exception {
        HttpLoad.Result result = new HttpLoad(port, customers.stream().map(Customer::request).toList()).eachOnce(clients);
        if (result.errors() > 0 || result.completed() != customers.size()) {
            throw new IllegalStateException(what + ": " + result.errors() + " of " + customers.size() + " failed, the first: " + result.firstError());
        }
        return new Phase(result.throughput(), result.sortedLatencyNanos());
    }

    /**
     * The ledger balances, and the purchases that succeeded, the ledger's transactions, Stripe's successful payment
     * intents (created, not replayed) and its {@code payment_intent.succeeded} events are each exactly {@code purchases}.
     * Webhook deliveries are awaited first, so none is still being recorded.
     */
    private static void proveEachPurchaseChargedOnce(BenchKernel kernel, StripeStandIn stripe, long purchases, PrintStream progress)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stripe.deliveries().stream().filter(d -> d.delivered()).count() < stripe.events().size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Stripe's webhooks were not all delivered within 60 s: " + stripe.deliveries().stream()
                        .filter(d -> !d.delivered()).limit(3).toList());
            }
            Thread.sleep(100);
        }
        JsonNode verified = kernel.json("GET", "/api/v1/marketplace/ledger/verify", null, 200);
        long succeeded = count(kernel, "SELECT count(*) AS n FROM marketplace.purchases WHERE state = 'succeeded'");
        long other = count(kernel, "SELECT count(*) AS n FROM marketplace.purchases WHERE state <> 'succeeded'");
        long intents = stripe.requests().stream().filter(PurchasesScenario::createdAPaymentIntent).count();
        List<JsonNode> succeededIntents = stripe.events().stream().filter(event -> event.path("type").asText().equals("payment_intent.succeeded"))
                .map(event -> event.path("data").path("object")).toList();
        long charges = succeededIntents.size();
        long otherAmounts = succeededIntents.stream().filter(intent -> intent.path("amount_received").asLong() != AMOUNT
                || !intent.path("currency").asText().equals("eur")).count();
        long transactions = verified.path("transactions").asLong();
        String counts = String.format(Locale.ROOT, "%,d purchases answered 201; in the database %,d succeeded and %,d in another state; %,d ledger "
                                                   + "transactions; Stripe: %,d payment intents created, %,d charges succeeded (%,d not of 19.00 EUR)",
                                      purchases, succeeded, other, transactions, intents, charges, otherAmounts);
        if (!verified.path("balanced").asBoolean(false)) {
            throw new IllegalStateException("the ledger does not balance after the benchmark: " + verified + "; " + counts);
        }
        if (succeeded != purchases || other != 0 || transactions != purchases || intents != purchases || charges != purchases
            || otherAmounts != 0) {
            throw new IllegalStateException("a purchase was not charged exactly once: " + counts);
        }
        progress.println("ledger balanced; each purchase charged once: " + counts);
    }

    private static boolean createdAPaymentIntent(RecordedRequest request) {
        return request.method().equals("POST") && request.path().equals("/v1/payment_intents") && request.status() == 200
               && !request.idempotentReplayed();
    }

    private static long count(BenchKernel kernel, String sql) {
        return kernel.services().database().inPlatform(tx -> Database.first(tx, row -> row.column("n").get(Long.class), sql)).orElseThrow();
    }

    private static List<Measurement> measurements(Map<Integer, List<Phase>> paid, Map<Integer, List<Phase>> free, Map<Integer, Double> repeats,
                                                  Size size, long purchases) {
        List<Measurement> measurements = new ArrayList<>();
        for (int clients : CLIENTS) {
            String suffix = clients == MANY ? "" : "_" + clients;
            String who = clients + (clients == 1 ? " client" : " clients") + ", " + size.perPhase(clients) + " per phase, median of "
                         + size.repetitions();
            List<Phase> bought = paid.get(clients);
            List<Phase> installed = free.get(clients);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < bought.size(); i++) {
                ratios.add(bought.get(i).throughput() / installed.get(i).throughput());
            }
            long[] boughtLatencies = pooled(bought);
            long[] installedLatencies = pooled(installed);
            measurements.add(new Measurement(KEY + "per_second" + suffix, median(bought, Phase::throughput), "purchases/s",
                                             "paid purchases (Stripe and ledger), " + who));
            measurements.add(new Measurement(KEY + "install_per_second" + suffix, median(installed, Phase::throughput), "installs/s",
                                             "baseline: free installs of the same listing, " + who));
            measurements.add(new Measurement(KEY + "throughput_ratio" + suffix, Stats.median(ratios), "ratio",
                                             "paid / free per second, " + clients + (clients == 1 ? " client" : " clients")));
            measurements.add(new Measurement(KEY + "p50_ms" + suffix, millis(boughtLatencies, 0.50), "ms", "purchase, every repetition's"));
            measurements.add(new Measurement(KEY + "p99_ms" + suffix, millis(boughtLatencies, 0.99), "ms", "purchase, every repetition's"));
            measurements.add(new Measurement(KEY + "install_p50_ms" + suffix, millis(installedLatencies, 0.50), "ms", "free install"));
            measurements.add(new Measurement(KEY + "install_p99_ms" + suffix, millis(installedLatencies, 0.99), "ms", "free install"));
            measurements.add(new Measurement(KEY + "repeat_per_second" + suffix, repeats.get(clients), "requests/s",
                                             "a purchase repeated with its Idempotency-Key (the first answer again, no charge)"));
        }
        measurements.add(new Measurement(KEY + "charged", purchases, "purchases",
                                         "purchases made, each charged once by the Stripe stand-in, ledger balanced"));
        return measurements;
    }

    /** Every latency of the phases, sorted: a percentile over all repetitions rather than over few requests each. */
    private static long[] pooled(List<Phase> phases) {
        long[] all = phases.stream().flatMapToLong(phase -> Arrays.stream(phase.sortedLatencyNanos())).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double millis(long[] sortedNanos, double quantile) {
        return new HttpLoad.Result(sortedNanos.length, 0, 1, sortedNanos, Double.NaN, "").latencyMillis(quantile);
    }

    private static double median(List<Phase> phases, ToDoubleFunction<Phase> value) {
        return Stats.median(phases.stream().map(phase -> value.applyAsDouble(phase)).toList());
    }

    private static List<Customer> take(List<Customer> customers, int from, int count) {
        if (from + count > customers.size()) {
            throw new IllegalStateException("the benchmark made " + customers.size() + " tenants, too few for " + (from + count));
        }
        return customers.subList(from, from + count);
    }

    /** A request with {@code bearer}'s key (none if null) and a JSON body; the answer must have the expected status. */
    private static JsonNode call(BenchKernel kernel, String method, String path, String bearer, Object body, int expected) throws Exception {
        return send(kernel, method, path, bearer, "application/json", body == null ? null : JSON.writeValueAsBytes(body), expected);
    }

    private static JsonNode send(BenchKernel kernel, String method, String path, String bearer, String contentType, byte[] body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(kernel.uri(path)).timeout(Duration.ofMinutes(1)).header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = kernel.send(request.build());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
