package io.voicecore.bench;

import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code crm}: the CRM plugin's contact create ({@code POST /contacts}) and search ({@code GET /contacts?q=...}, the
 * full-text prefix search) at {@link #CONNECTIONS} concurrent clients over HTTP with tenant API keys, against tenants
 * that hold many contacts (loaded through the CSV import route), compared in the same run with:
 * <ul>
 *   <li><em>bare JDBC</em>: the plugin's INSERT and search SELECT on the same PostgreSQL, the same number of threads,
 *   each with its own connection, as the database superuser with the tenant as an explicit condition;</li>
 *   <li><em>RLS JDBC</em>: the plugin's search SELECT exactly as the plugin sends it, as the plugin's runtime role on a
 *   connection bound to the tenant, so row-level security applies as it does for the plugin;</li>
 *   <li><em>trivial route</em>: the example plugin's {@code GET /greeting} through the same kernel, the kernel's own
 *   cost per request without storage.</li>
 * </ul>
 * Throughput and the latencies at 32 clients come from closed-loop runs (each client sends its next request when
 * the answer arrived; latency from sending). Open-loop latencies of the plugin routes are measured at half their own
 * sustained throughput, from each request's due time (see {@link HttpLoad}).
 */
final class CrmContactsScenario implements Scenario {
    static final String NAME = "crm";
    private static final String KEY = "crm.";
    /**
     * Tenants the clients are spread over, each with the CRM enabled, its contacts and its own API key. The CRM runs at
     * most {@code limits.concurrency} (default 8, set in the plugin's manifest, not per tenant) calls at once per
     * tenant and answers 429 beyond that; 8 clients per tenant stay within it.
     */
    static final int TENANTS = 4;
    static final int CONNECTIONS = 8 * TENANTS;
    /** Page size of the searches; the plugin asks for one row more to know whether there is a next page. */
    static final int PAGE = 20;
    private static final String SCHEMA = "plugin_crm";
    private static final String RUNTIME_ROLE = "vcp_crm";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS = "id, name, company, owner, phones, emails, tags, consent_marketing, consent_recording, "
                                          + "custom_fields, created_at, updated_at";
    /**
     * The SQL of {@code Contacts.page} for a {@code q} of one ASCII word that is not a phone number, with the tenant left
     * to RLS: the candidates from the word's prefix range in {@code contact_words}, then the exact full-text condition.
     * Parameters: the range's two bounds, the tsquery, the limit.
     */
    static final String PLUGIN_SEARCH = "SELECT " + COLUMNS + " FROM " + SCHEMA + ".contacts WHERE true AND id IN ((SELECT contact_id FROM "
                                        + SCHEMA + ".contact_words WHERE word >= ? AND word < ?)) AND (search @@ to_tsquery('simple', ?)) "
                                        + "ORDER BY created_at, id LIMIT ?";
    /** The same search with the tenant as an explicit condition (twice, first), for a connection RLS does not limit. */
    static final String BARE_SEARCH = PLUGIN_SEARCH.replace("WHERE true AND", "WHERE tenant_id = ? AND")
            .replace("WHERE word >=", "WHERE tenant_id = ? AND word >=");
    /** The INSERT of {@code Contacts.insert}. */
    static final String INSERT = "INSERT INTO " + SCHEMA + ".contacts (id, tenant_id, name, company, owner, phones, emails, tags, "
                                 + "consent_marketing, consent_recording, custom_fields, created_at, updated_at) "
                                 + "VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?)";

    /** One tenant under load: its slug, id and API key. */
    private record Tenant(String slug, UUID id, String apiKey) {
        Map<String, String> auth() {
            return Map.of("Authorization", "Bearer " + apiKey);
        }
    }

    /** One repetition's results, each the result of one run, and the CPU microseconds per request of the closed loops. */
    private record Repetition(HttpLoad.Result create, HttpLoad.Result search, HttpLoad.Result bareCreate, HttpLoad.Result bareSearch,
                              HttpLoad.Result rlsSearch, HttpLoad.Result route, HttpLoad.Result createOpen, HttpLoad.Result searchOpen,
                              Cpu cpu) {
    }

    /** CPU per request (this JVM and the database) of each closed loop of a repetition. */
    private record Cpu(CpuMeter.Reading create, CpuMeter.Reading bareCreate, CpuMeter.Reading search, CpuMeter.Reading rlsSearch,
                       CpuMeter.Reading route) {
    }

    /** A closed loop's result with the CPU it took per request. */
    private record Metered(HttpLoad.Result result, CpuMeter.Reading cpu) {
    }

    @FunctionalInterface
    private interface Loop {
        HttpLoad.Result run() throws Exception;
    }

    private static Metered metered(CpuMeter meter, Loop loop) throws Exception {
        CpuMeter.Reading before = meter.read();
        HttpLoad.Result result = loop.run();
        return new Metered(result, meter.read().perRequestSince(before, result.completed()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "CRM contact create and full-text search at " + CONNECTIONS + " clients over HTTP vs the same SQL over JDBC: "
               + "throughput, p50/p99";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int contactsPerTenant = options.quick() ? 5_000 : 100_000;
        int repetitions = options.quick() ? 1 : 3;
        double seconds = options.quick() ? 1.5 : 5;
        double open = options.quick() ? 1 : 5;
        List<Repetition> runs = new ArrayList<>();
        long started = System.nanoTime();
        try (BenchKernel kernel = BenchKernel.start(List.of(CrmImportScenario.crmJar(options.root()), PluginRouteScenario.helloJar(options.root())));
             Connection admin = superuser(kernel)) {
            progress.printf(Locale.ROOT, "kernel started with the CRM and hello plugins in %.1f s%n", (System.nanoTime() - started) / 1e9);
            List<Tenant> tenants = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String slug = kernel.tenantWith("crm", Map.of("defaultCountryCode", "34"));
                tenants.add(new Tenant(slug, UUID.fromString(kernel.json("GET", "/api/v1/tenants/" + slug, null, 200).get("id").asText()),
                                       apiKey(kernel, slug)));
            }
            List<HttpLoad.Target> routeTargets = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                String slug = kernel.tenantWith("hello", Map.of());
                routeTargets.add(new HttpLoad.Target("/api/v1/tenants/" + slug + "/hello/greeting", Map.of("Authorization", "Bearer " + apiKey(kernel, slug))));
            }
            progress.printf(Locale.ROOT, "%d tenants with API keys at %.1f s%n", 2 * TENANTS, (System.nanoTime() - started) / 1e9);
            long loadStart = System.nanoTime();
            importContacts(kernel, tenants, contactsPerTenant);
            try (Statement statement = admin.createStatement()) {
                // What autovacuum does within a minute of such a load; without it the plans would be those of an empty table.
                statement.execute("ANALYZE " + SCHEMA + ".contacts");
            }
            progress.printf(Locale.ROOT, "loaded %,d contacts into each of %d tenants through the CSV import in %.1f s%n", contactsPerTenant,
                            TENANTS, (System.nanoTime() - loadStart) / 1e9);
            checkSearchFindsOne(kernel, tenants.get(0), contactsPerTenant);
            explain(admin, tenants.get(0), searchTerm(0, contactsPerTenant), progress);

            List<HttpLoad.Target> createTargets = new ArrayList<>();
            List<HttpLoad.Target> searchTargets = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Tenant tenant = tenants.get(i % TENANTS);
                createTargets.add(HttpLoad.Target.post("/api/v1/tenants/" + tenant.slug() + "/crm/contacts", tenant.auth(), createBody(i)));
                searchTargets.add(new HttpLoad.Target("/api/v1/tenants/" + tenant.slug() + "/crm/contacts?limit=" + PAGE + "&q="
                                                      + searchTerm(i, contactsPerTenant), tenant.auth()));
            }
            int port = kernel.uri("/").getPort();
            HttpLoad create = new HttpLoad(port, createTargets);
            HttpLoad search = new HttpLoad(port, searchTargets);
            HttpLoad route = new HttpLoad(port, routeTargets);
            List<Connection> jdbc = connections(kernel, CONNECTIONS);
            try {
                List<CallLoad.Call> bareCreates = new ArrayList<>();
                List<CallLoad.Call> bareSearches = new ArrayList<>();
                List<CallLoad.Call> rlsSearches = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    Tenant tenant = tenants.get(i % TENANTS);
                    bareCreates.add(insertCall(jdbc.get(i), tenant, i));
                    bareSearches.add(searchCall(jdbc.get(i), BARE_SEARCH, tenant, searchTerm(i, contactsPerTenant)));
                    rlsSearches.add(searchCall(jdbc.get(i), PLUGIN_SEARCH, null, searchTerm(i, contactsPerTenant)));
                }
                progress.printf(Locale.ROOT, "warm-up (not measured) at %.1f s%n", (System.nanoTime() - started) / 1e9);
                double warmUp = options.quick() ? 1 : 3;
                check("create warm-up", create.closedLoop(CONNECTIONS, warmUp));
                check("search warm-up", search.closedLoop(CONNECTIONS, warmUp));
                check("route warm-up", route.closedLoop(CONNECTIONS, warmUp / 2));
                CallLoad.closedLoop(bareCreates, warmUp / 3);
                CallLoad.closedLoop(bareSearches, warmUp / 3);
                rls(jdbc, tenants, rlsSearches, warmUp / 3);
                CpuMeter meter = CpuMeter.of(admin);
                for (int r = 1; r <= repetitions; r++) {
                    Metered created = metered(meter, () -> check("create", create.closedLoop(CONNECTIONS, seconds)));
                    Metered bareCreated = metered(meter, () -> CallLoad.closedLoop(bareCreates, seconds));
                    Metered searched = metered(meter, () -> check("search", search.closedLoop(CONNECTIONS, seconds)));
                    HttpLoad.Result bareSearched = CallLoad.closedLoop(bareSearches, seconds);
                    Metered rlsSearched = metered(meter, () -> rls(jdbc, tenants, rlsSearches, seconds));
                    Metered routed = metered(meter, () -> check("trivial route", route.closedLoop(CONNECTIONS, seconds)));
                    HttpLoad.Result createOpen = create.openLoop(CONNECTIONS, Math.max(1, Math.floor(created.result().throughput() / 2)), open);
                    HttpLoad.Result searchOpen = search.openLoop(CONNECTIONS, Math.max(1, Math.floor(searched.result().throughput() / 2)), open);
                    Repetition repetition = new Repetition(created.result(), searched.result(), bareCreated.result(), bareSearched,
                                                           rlsSearched.result(), routed.result(), createOpen, searchOpen,
                                                           new Cpu(created.cpu(), bareCreated.cpu(), searched.cpu(), rlsSearched.cpu(),
                                                                   routed.cpu()));
                    report(progress, r, repetition);
                    runs.add(repetition);
                }
            } finally {
                for (Connection connection : jdbc) {
                    connection.close();
                }
            }
        }
        return measurements(runs, contactsPerTenant);
    }

    private static List<Measurement> measurements(List<Repetition> runs, int contactsPerTenant) {
        String at = " at " + CONNECTIONS + " clients, closed loop (median of " + runs.size() + ")";
        List<Measurement> m = new ArrayList<>();
        m.add(new Measurement(KEY + "contacts_per_tenant", contactsPerTenant, "contacts", TENANTS + " tenants, loaded through the CSV import"));
        m.add(new Measurement(KEY + "create_per_second", median(runs, r -> r.create().throughput()), "req/s", "POST /contacts" + at));
        m.add(new Measurement(KEY + "create_p50_ms", median(runs, r -> r.create().latencyMillis(0.50)), "ms", "POST /contacts" + at));
        m.add(new Measurement(KEY + "create_p99_ms", median(runs, r -> r.create().latencyMillis(0.99)), "ms", "POST /contacts" + at));
        m.add(new Measurement(KEY + "search_per_second", median(runs, r -> r.search().throughput()), "req/s", "GET /contacts?q=" + at));
        m.add(new Measurement(KEY + "search_p50_ms", median(runs, r -> r.search().latencyMillis(0.50)), "ms", "GET /contacts?q=" + at));
        m.add(new Measurement(KEY + "search_p99_ms", median(runs, r -> r.search().latencyMillis(0.99)), "ms", "GET /contacts?q=" + at));
        m.add(new Measurement(KEY + "create_open_p99_ms", median(runs, r -> r.createOpen().latencyMillis(0.99)), "ms",
                              "POST /contacts, open loop at half its throughput, from the due time"));
        m.add(new Measurement(KEY + "search_open_p99_ms", median(runs, r -> r.searchOpen().latencyMillis(0.99)), "ms",
                              "GET /contacts?q=, open loop at half its throughput, from the due time"));
        m.add(new Measurement(KEY + "bare_create_per_second", median(runs, r -> r.bareCreate().throughput()), "rows/s",
                              "the plugin's INSERT over plain JDBC" + at));
        m.add(new Measurement(KEY + "bare_create_p99_ms", median(runs, r -> r.bareCreate().latencyMillis(0.99)), "ms", "the same INSERT over JDBC"));
        m.add(new Measurement(KEY + "bare_search_per_second", median(runs, r -> r.bareSearch().throughput()), "queries/s",
                              "the plugin's search SELECT over JDBC, tenant as a condition, no RLS" + at));
        m.add(new Measurement(KEY + "bare_search_p99_ms", median(runs, r -> r.bareSearch().latencyMillis(0.99)), "ms", "the same SELECT over JDBC"));
        m.add(new Measurement(KEY + "rls_search_per_second", median(runs, r -> r.rlsSearch().throughput()), "queries/s",
                              "the plugin's search SELECT over JDBC as the plugin's role under RLS" + at));
        m.add(new Measurement(KEY + "rls_search_p99_ms", median(runs, r -> r.rlsSearch().latencyMillis(0.99)), "ms", "the same, under RLS"));
        m.add(new Measurement(KEY + "route_per_second", median(runs, r -> r.route().throughput()), "req/s",
                              "trivial plugin GET (hello) through the same kernel" + at));
        m.add(new Measurement(KEY + "route_p99_ms", median(runs, r -> r.route().latencyMillis(0.99)), "ms", "trivial plugin GET" + at));
        m.add(new Measurement(KEY + "create_throughput_ratio", median(runs, r -> r.create().throughput() / r.bareCreate().throughput()), "ratio",
                              "POST /contacts / JDBC INSERT, per repetition"));
        m.add(new Measurement(KEY + "create_p99_ratio", median(runs, r -> r.create().latencyMillis(0.99) / r.bareCreate().latencyMillis(0.99)),
                              "ratio", "POST /contacts / JDBC INSERT p99"));
        m.add(new Measurement(KEY + "search_throughput_ratio", median(runs, r -> r.search().throughput() / r.bareSearch().throughput()), "ratio",
                              "GET /contacts?q= / bare JDBC SELECT"));
        m.add(new Measurement(KEY + "search_p99_ratio", median(runs, r -> r.search().latencyMillis(0.99) / r.bareSearch().latencyMillis(0.99)),
                              "ratio", "GET /contacts?q= / bare JDBC SELECT p99"));
        m.add(new Measurement(KEY + "search_vs_rls_throughput_ratio", median(runs, r -> r.search().throughput() / r.rlsSearch().throughput()),
                              "ratio", "GET /contacts?q= / the same SELECT under RLS over JDBC"));
        m.add(new Measurement(KEY + "create_vs_route_throughput_ratio", median(runs, r -> r.create().throughput() / r.route().throughput()),
                              "ratio", "POST /contacts / trivial plugin GET"));
        m.add(new Measurement(KEY + "search_vs_route_throughput_ratio", median(runs, r -> r.search().throughput() / r.route().throughput()),
                              "ratio", "GET /contacts?q= / trivial plugin GET"));
        String cpu = "CPU of this JVM (server and load generator) and the database per request, closed loop";
        m.add(new Measurement(KEY + "create_cpu_us", median(runs, r -> r.cpu().create().totalMicros()), "us", "POST /contacts: " + cpu));
        m.add(new Measurement(KEY + "create_db_cpu_us", median(runs, r -> r.cpu().create().databaseMicros()), "us",
                              "POST /contacts: the database's part"));
        m.add(new Measurement(KEY + "bare_create_cpu_us", median(runs, r -> r.cpu().bareCreate().totalMicros()), "us", "JDBC INSERT: " + cpu));
        m.add(new Measurement(KEY + "search_cpu_us", median(runs, r -> r.cpu().search().totalMicros()), "us", "GET /contacts?q=: " + cpu));
        m.add(new Measurement(KEY + "search_db_cpu_us", median(runs, r -> r.cpu().search().databaseMicros()), "us",
                              "GET /contacts?q=: the database's part"));
        m.add(new Measurement(KEY + "rls_search_cpu_us", median(runs, r -> r.cpu().rlsSearch().totalMicros()), "us",
                              "the SELECT under RLS: " + cpu));
        m.add(new Measurement(KEY + "rls_search_db_cpu_us", median(runs, r -> r.cpu().rlsSearch().databaseMicros()), "us",
                              "the SELECT under RLS: the database's part"));
        m.add(new Measurement(KEY + "route_cpu_us", median(runs, r -> r.cpu().route().totalMicros()), "us", "trivial plugin GET: " + cpu));
        m.add(new Measurement(KEY + "create_cpu_ratio", median(runs, r -> r.cpu().bareCreate().totalMicros() / r.cpu().create().totalMicros()),
                              "ratio", "JDBC INSERT CPU / POST /contacts CPU: the throughput ratio of a saturated quiet machine, "
                                       + "steadier on a shared one"));
        m.add(new Measurement(KEY + "search_vs_rls_cpu_ratio", median(runs, r -> r.cpu().rlsSearch().totalMicros() / r.cpu().search().totalMicros()),
                              "ratio", "the SELECT under RLS CPU / GET /contacts?q= CPU, the same way"));
        return m;
    }

    /**
     * The search of client {@code client}: a contact number whose {@code contactN} word (from the generated e-mail
     * address) is the prefix of no other, so the search finds exactly one contact of the tenant's
     * {@code contactsPerTenant}, the way one looks a person up.
     */
    static String searchTerm(int client, int contactsPerTenant) {
        int low = contactsPerTenant / 10;
        return "contact" + (low + (int) ((client * 7919L) % (contactsPerTenant - low)));
    }

    /** The contact client {@code client} creates again and again (the CRM allows duplicates; the import checks them). */
    static String createBody(int client) {
        return String.format(Locale.ROOT, "{\"name\":\"Bench Client %d\",\"phones\":[\"+3471%07d\"],\"emails\":[\"client%d@bench.example\"],"
                                          + "\"company\":\"Bench Co\",\"tags\":[\"bench\"]}", client, client, client);
    }

    private static String apiKey(BenchKernel kernel, String slug) throws Exception {
        return kernel.json("POST", "/api/v1/tenants/" + slug + "/api-keys", Map.of("name", "bench", "role", "tenant-user"), 201).get("secret").asText();
    }

    /** Imports the generated CSV into every tenant at once, one import per tenant. */
    private static void importContacts(BenchKernel kernel, List<Tenant> tenants, int rows) throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(tenants.size())) {
            List<Future<?>> imports = new ArrayList<>();
            for (Tenant tenant : tenants) {
                imports.add(threads.submit(() -> {
                    HttpResponse<String> response = kernel.send(kernel.request("/api/v1/tenants/" + tenant.slug() + "/crm/contacts/import")
                            .header("Content-Type", "text/csv")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContacts(rows))).build());
                    if (response.statusCode() != 200 || JSON.readTree(response.body()).get("imported").asInt() != rows) {
                        throw new IllegalStateException("the import into " + tenant.slug() + " answered " + response.statusCode() + ": "
                                                        + response.body().substring(0, Math.min(1000, response.body().length())));
                    }
                    return null;
                }));
            }
            for (Future<?> future : imports) {
                future.get();
            }
        }
    }

    /** The search must find what it is meant to, or its speed means nothing. */
    private static void checkSearchFindsOne(BenchKernel kernel, Tenant tenant, int contactsPerTenant) throws Exception {
        String term = searchTerm(0, contactsPerTenant);
        HttpResponse<String> response = kernel.send(HttpRequest.newBuilder(kernel.uri("/api/v1/tenants/" + tenant.slug() + "/crm/contacts?q=" + term))
                                                            .header("Authorization", "Bearer " + tenant.apiKey()).build());
        JsonNode items = response.statusCode() == 200 ? JSON.readTree(response.body()).get("items") : null;
        if (items == null || items.size() != 1 || !items.get(0).get("emails").get(0).asText().startsWith(term + "@")) {
            throw new IllegalStateException("the search for " + term + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Prints the search's plan under RLS, as the plugin's role bound to the tenant, and without RLS. */
    private static void explain(Connection admin, Tenant tenant, String term, PrintStream progress) throws SQLException {
        List<Object> parameters = searchParameters(term);
        bind(List.of(admin), List.of(tenant));
        try (Statement statement = admin.createStatement()) {
            progress.println("plan of the plugin's search under RLS (role " + RUNTIME_ROLE + "):");
            print(statement, "EXPLAIN (ANALYZE, BUFFERS) " + inline(PLUGIN_SEARCH, parameters), progress);
        } finally {
            unbind(List.of(admin));
        }
        try (Statement statement = admin.createStatement()) {
            progress.println("plan of the same search without RLS, tenant as a condition:");
            List<Object> bare = new ArrayList<>(List.of(tenant.id(), tenant.id()));
            bare.addAll(parameters);
            print(statement, "EXPLAIN (ANALYZE, BUFFERS) " + inline(BARE_SEARCH, bare), progress);
        }
    }

    /** The statement with its parameters as literals (numbers bare, the rest quoted; only our own values). */
    static String inline(String sql, List<Object> parameters) {
        StringBuilder text = new StringBuilder();
        int from = 0;
        for (Object parameter : parameters) {
            int at = sql.indexOf('?', from);
            text.append(sql, from, at).append(parameter instanceof Number ? parameter.toString() : "'" + parameter.toString().replace("'", "''") + "'");
            from = at + 1;
        }
        if (sql.indexOf('?', from) >= 0) {
            throw new IllegalArgumentException("more parameters in " + sql + " than " + parameters);
        }
        return text.append(sql, from, sql.length()).toString();
    }

    private static void print(Statement statement, String sql, PrintStream progress) throws SQLException {
        try (ResultSet plan = statement.executeQuery(sql)) {
            while (plan.next()) {
                progress.println("  " + plan.getString(1));
            }
        }
    }

    /**
     * Makes superuser connections act as the plugin's runtime role bound to the tenants (round-robin), as the kernel's
     * pool does for the plugin: {@code vc_guard.current_tenant()} reads the binding of the backend for its session user.
     */
    private static void bind(List<Connection> connections, List<Tenant> tenants) throws SQLException {
        for (int i = 0; i < connections.size(); i++) {
            Connection connection = connections.get(i);
            try (PreparedStatement binding = connection.prepareStatement(
                    "INSERT INTO vc_guard.connection_tenant (pid, role, tenant_id) VALUES (pg_backend_pid(), '" + RUNTIME_ROLE + "', ?) "
                    + "ON CONFLICT (pid) DO UPDATE SET role = excluded.role, tenant_id = excluded.tenant_id, all_tenants = false");
                 Statement statement = connection.createStatement()) {
                binding.setObject(1, tenants.get(i % tenants.size()).id());
                binding.executeUpdate();
                statement.execute("SET SESSION AUTHORIZATION " + RUNTIME_ROLE);
            }
        }
    }

    /** Back to the superuser, the bindings removed. */
    private static void unbind(List<Connection> connections) throws SQLException {
        for (Connection connection : connections) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("RESET SESSION AUTHORIZATION");
                statement.execute("DELETE FROM vc_guard.connection_tenant WHERE pid = pg_backend_pid()");
            }
        }
    }

    private static List<Connection> connections(BenchKernel kernel, int count) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            connections.add(superuser(kernel));
        }
        return connections;
    }

    /** The searches under RLS: the connections act as the plugin's role for the run, then as the superuser again. */
    private static HttpLoad.Result rls(List<Connection> jdbc, List<Tenant> tenants, List<CallLoad.Call> searches, double seconds) throws Exception {
        bind(jdbc, tenants);
        try {
            return CallLoad.closedLoop(searches, seconds);
        } finally {
            unbind(jdbc);
        }
    }

    private static CallLoad.Call insertCall(Connection connection, Tenant tenant, int client) throws SQLException {
        PreparedStatement insert = connection.prepareStatement(INSERT);
        return iteration -> {
            java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, tenant.id());
            insert.setString(3, "Bench Client " + client);
            insert.setString(4, "Bench Co");
            insert.setString(5, null);
            insert.setString(6, String.format(Locale.ROOT, "[\"+3471%07d\"]", client));
            insert.setString(7, "[\"client" + client + "@bench.example\"]");
            insert.setString(8, "[\"bench\"]");
            insert.setBoolean(9, false);
            insert.setBoolean(10, false);
            insert.setString(11, "{}");
            insert.setTimestamp(12, now);
            insert.setTimestamp(13, now);
            insert.executeUpdate();
        };
    }

    /** The search; {@code tenant} null when row-level security supplies it. */
    private static CallLoad.Call searchCall(Connection connection, String sql, Tenant tenant, String term) throws SQLException {
        PreparedStatement search = connection.prepareStatement(sql);
        int at = 1;
        if (tenant != null) {
            search.setObject(at++, tenant.id());
            search.setObject(at++, tenant.id());
        }
        for (Object parameter : searchParameters(term)) {
            search.setObject(at++, parameter);
        }
        return iteration -> {
            int rows = 0;
            try (ResultSet found = search.executeQuery()) {
                while (found.next()) {
                    found.getString(2);
                    found.getString(5);
                    rows++;
                }
            }
            if (rows != 1) {
                throw new IllegalStateException("the search for " + term + " found " + rows + " contacts, not 1");
            }
        };
    }

    /** What the plugin binds for a one-word {@code q}: the word's prefix range, the tsquery and the page size plus one. */
    static List<Object> searchParameters(String term) {
        String upper = term.substring(0, term.length() - 1) + (char) (term.charAt(term.length() - 1) + 1);
        return List.of(term, upper, term + ":*", PAGE + 1);
    }

    /** A superuser connection to the kernel's embedded PostgreSQL. */
    private static Connection superuser(BenchKernel kernel) throws SQLException {
        Matcher port = Pattern.compile("on port (\\d+)").matcher(kernel.storageDescription());
        if (!port.find()) {
            throw new IllegalStateException("the crm benchmark needs the embedded database; the kernel uses " + kernel.storageDescription());
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port.group(1) + "/voicecore", "postgres", "");
    }

    /** A closed-loop run only counts without errors: a server that fails requests is not keeping up. */
    private static HttpLoad.Result check(String what, HttpLoad.Result result) {
        if (result.errors() > 0) {
            throw new IllegalStateException(what + ": " + result.errors() + " failed requests of " + (result.errors() + result.completed())
                                            + ", the first: " + result.firstError());
        }
        return result;
    }

    private static void report(PrintStream progress, int repetition, Repetition r) {
        line(progress, repetition, "create (HTTP)", r.create());
        line(progress, repetition, "INSERT (JDBC)", r.bareCreate());
        line(progress, repetition, "search (HTTP)", r.search());
        line(progress, repetition, "SELECT (JDBC)", r.bareSearch());
        line(progress, repetition, "SELECT (RLS)", r.rlsSearch());
        line(progress, repetition, "hello route", r.route());
        progress.printf(Locale.ROOT, "#%d CPU per request (database's part): create %.0f us (%.0f), INSERT %.0f us (%.0f), search %.0f us (%.0f), "
                                     + "SELECT (RLS) %.0f us (%.0f), hello %.0f us%n",
                        repetition, r.cpu().create().totalMicros(), r.cpu().create().databaseMicros(), r.cpu().bareCreate().totalMicros(),
                        r.cpu().bareCreate().databaseMicros(), r.cpu().search().totalMicros(), r.cpu().search().databaseMicros(),
                        r.cpu().rlsSearch().totalMicros(), r.cpu().rlsSearch().databaseMicros(), r.cpu().route().totalMicros());
        progress.printf(Locale.ROOT, "#%d open loop: create at %,.0f/s p50 %.1f p99 %.1f ms%s; search at %,.0f/s p50 %.1f p99 %.1f ms%s%n",
                        repetition, r.createOpen().offeredPerSecond(), r.createOpen().latencyMillis(0.5), r.createOpen().latencyMillis(0.99),
                        errors(r.createOpen()), r.searchOpen().offeredPerSecond(), r.searchOpen().latencyMillis(0.5),
                        r.searchOpen().latencyMillis(0.99), errors(r.searchOpen()));
    }

    private static String errors(HttpLoad.Result result) {
        return result.errors() > 0 ? " (" + result.errors() + " errors, first: " + result.firstError() + ")" : "";
    }

    private static void line(PrintStream progress, int repetition, String what, HttpLoad.Result result) {
        progress.printf(Locale.ROOT, "#%d %-14s %,8.0f /s  p50 %7.2f ms  p99 %7.2f ms%n", repetition, what, result.throughput(),
                        result.latencyMillis(0.50), result.latencyMillis(0.99));
    }

    private static double median(List<Repetition> runs, ToDoubleFunction<Repetition> value) {
        return Stats.median(runs.stream().map(run -> value.applyAsDouble(run)).toList());
    }
}
