package io.voicecore.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One sandbox on a copy of the hello example, over real HTTP on an embedded PostgreSQL: the plugin answers for the
 * sandbox tenant, its calls show in the inspector with their SQL, a rebuild is reloaded within 3 s, a build the verifier
 * refuses leaves the running version answering, the profile sums the calls, and the generated data is there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxTest {
    private static HelloProject project;
    private static java.nio.file.Path corePlugins;
    private static Sandbox sandbox;
    private static SandboxHttp http;
    private static final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        project = HelloProject.copy();
        project.build(source -> source);
        corePlugins = HelloProject.corePlugins();
        sandbox = Sandbox.start(Sandbox.Options.of(project.dir, corePlugins).withContacts(210).withSeed(7),
                                new PrintStream(console, true, StandardCharsets.UTF_8));
        http = new SandboxHttp(sandbox.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
        HelloProject.delete(project.dir);
        HelloProject.delete(corePlugins);
    }

    private static String hello(String path) {
        return "/api/v1/tenants/" + sandbox.tenantId() + "/hello" + path;
    }

    @Test
    @Order(1)
    void printsWhereEverythingIsAndServesHealth() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        sandbox.describe(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(sandbox.baseUrl()), text);
        assertTrue(text.contains(sandbox.tenantId().toString()), text);
        assertTrue(text.contains(sandbox.tenantKey()), text);
        assertTrue(text.contains("GET " + sandbox.baseUrl() + hello("/greeting")), text);
        assertTrue(text.contains(sandbox.openAiUrl()) && text.contains(sandbox.stripeUrl()), text);
        assertTrue(text.contains(sandbox.baseUrl() + "/api/v1/sandbox/calls"), text);
        assertEquals(200, http.get("/observe/health", sandbox.tenantKey()).status());
        assertEquals("1.0.0-dev.1", sandbox.activeVersion());
    }

    @Test
    @Order(2)
    void aCallShowsInTheInspectorWithItsDurationAndSql() {
        assertEquals("Welcome to our business!", http.get(hello("/greeting"), sandbox.tenantKey()).expect(200).json().get("greeting").asText());
        http.post(hello("/guests"), sandbox.tenantKey(), Map.of("name", "Ada")).expect(201);

        JsonNode calls = http.get("/api/v1/sandbox/calls?plugin=hello&limit=10", sandbox.tenantKey()).expect(200).json().get("items");
        JsonNode signed = calls.get(0);
        assertEquals("POST /guests", signed.get("route").asText(), "newest first");
        assertEquals(201, signed.get("status").asInt());
        assertTrue(signed.get("durationMillis").asDouble() > 0);
        assertTrue(signed.get("allocatedBytes").asLong() > 0);
        JsonNode statement = signed.get("sql").get(0);
        assertTrue(statement.get("sql").asText().startsWith("INSERT INTO guests"), statement.toString());
        assertEquals("Ada", statement.get("parameters").get(2).asText());
        assertEquals(1, statement.get("rows").asInt());
        assertEquals("hello.guest.signed", signed.get("events").get(0).get("topic").asText());
        assertEquals("GET /greeting", calls.get(1).get("route").asText());

        JsonNode filtered = http.get("/api/v1/sandbox/calls?route=GET%20/greeting", sandbox.tenantKey()).expect(200).json().get("items");
        assertEquals(1, filtered.size());
        assertEquals(1, http.get("/api/v1/sandbox/calls?limit=1", sandbox.adminToken()).expect(200).json().get("items").size());
        assertEquals(400, http.get("/api/v1/sandbox/calls?limit=0", sandbox.tenantKey()).status());
        assertEquals(401, http.get("/api/v1/sandbox/calls", "vck_not-a-key").status());
    }

    @Test
    @Order(3)
    void aRebuildIsReloadedWithinThreeSeconds() throws Exception {
        project.build(source -> source.replace("\"Welcome to \"", "\"Hello from \""));
        long written = System.nanoTime();
        String greeting = awaitGreeting(text -> text.startsWith("Hello from"), 3_000);
        assertEquals("Hello from our business!", greeting, "not reloaded within 3 s of the build");
        assertTrue((System.nanoTime() - written) / 1_000_000 <= 3_000);
        // The new version answers as soon as the kernel moved the tenant, a moment before the sandbox hears back.
        long deadline = System.currentTimeMillis() + 5_000;
        while (!"1.0.0-dev.2".equals(sandbox.activeVersion()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("1.0.0-dev.2", sandbox.activeVersion(), sandbox.reloads().toString());
        assertTrue(awaitConsole("reloaded hello 1.0.0-dev.2"), console.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(4)
    void aBuildWithAForbiddenCallIsRefusedAndTheOldVersionKeepsAnswering() throws Exception {
        int before = sandbox.reloads().size();
        project.build(source -> source.replace("\"Welcome to \" + business + \"!\"",
                                               "\"Welcome to \" + business + \"!\" + new java.io.File(\"/etc\").exists()"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (sandbox.reloads().size() == before && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        Sandbox.Reload refused = sandbox.reloads().getLast();
        assertFalse(refused.installed(), sandbox.reloads().toString());
        assertTrue(refused.violations().stream().anyMatch(v -> v.contains("java/io/File")), refused.toString());
        assertEquals("1.0.0-dev.2", sandbox.activeVersion());
        assertEquals("Hello from our business!", http.get(hello("/greeting"), sandbox.tenantKey()).expect(200).json().get("greeting").asText());
        assertTrue(awaitConsole("was refused"), console.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(5)
    void theProfileSumsEachRoute() {
        for (int i = 0; i < 3; i++) {
            http.get(hello("/guests"), sandbox.tenantKey()).expect(200);
        }
        JsonNode items = http.get("/api/v1/sandbox/profile", sandbox.tenantKey()).expect(200).json().get("items");
        Map<String, JsonNode> byRoute = new HashMap<>();
        items.forEach(item -> byRoute.put(item.get("route").asText(), item));
        JsonNode guests = byRoute.get("GET /guests");
        assertNotNull(guests, items.toString());
        assertEquals(3, guests.get("count").asInt());
        assertEquals(3, guests.get("sqlCount").asInt());
        assertTrue(guests.get("p99Millis").asDouble() >= guests.get("p50Millis").asDouble());
        assertEquals(0, guests.get("egressCount").asInt());
        assertEquals(1, byRoute.get("POST /guests").get("count").asInt());
        assertTrue(byRoute.get("GET /greeting").get("count").asInt() >= 2);
    }

    @Test
    @Order(6)
    void theTenantHasGeneratedContactsDealsAndConversations() {
        List<JsonNode> contacts = all("/api/v1/tenants/" + sandbox.tenantId() + "/crm/contacts?limit=200");
        assertTrue(contacts.size() >= 200, "contacts: " + contacts.size());
        Set<String> dialCodes = new TreeSet<>();
        Set<String> names = new HashSet<>();
        for (JsonNode contact : contacts) {
            String phone = contact.get("phones").get(0).asText();
            assertTrue(phone.matches("\\+[1-9][0-9]{7,14}"), phone);
            dialCodes.add(phone.startsWith("+1") ? "+1" : phone.substring(0, 3));
            names.add(contact.get("name").asText());
            assertTrue(contact.get("emails").get(0).asText().contains("@"));
        }
        assertTrue(dialCodes.size() >= 4, dialCodes.toString());
        assertTrue(names.size() >= 50, "names vary: " + names.size());

        Set<String> stages = new TreeSet<>();
        all("/api/v1/tenants/" + sandbox.tenantId() + "/crm/deals?limit=200").forEach(deal -> stages.add(deal.get("stage").asText()));
        List<String> expected = DataGenerator.STAGES.stream().map(stage -> stage[0]).sorted().toList();
        assertTrue(stages.containsAll(expected), stages.toString());

        Set<String> languages = new TreeSet<>();
        List<JsonNode> conversations = all("/api/v1/tenants/" + sandbox.tenantId() + "/receptionist/conversations?limit=100");
        for (JsonNode conversation : conversations) {
            languages.add(conversation.get("language").asText());
            assertFalse(conversation.get("sentiment").isNull(), conversation.toString());
        }
        assertEquals(Set.of("de", "en", "es", "fr", "it", "pt"), languages);
        assertEquals(210, sandbox.generated().orElseThrow().contacts());
    }

    @Test
    @Order(7)
    void aBuildThatDeclaresANewPermissionIsGrantedItAndServes() throws Exception {
        project.build(source -> source.replace("\"Welcome to \"", "\"Greetings from \""),
                      manifest -> manifest.replace("permissions:\n", "permissions:\n  - name: secrets\n    reason: Keeps an API key.\n"));
        assertEquals("Greetings from our business!", awaitGreeting(text -> text.startsWith("Greetings"), 10_000),
                     sandbox.reloads().toString());
        JsonNode state = http.get("/api/v1/tenants/" + sandbox.tenantId() + "/plugins/hello", sandbox.tenantKey()).expect(200).json();
        assertEquals("enabled", state.get("state").asText(), state.toString());
        assertEquals("1.0.0-dev.3", state.get("activeVersion").asText());
        assertTrue(state.get("grantedPermissions").toString().contains("secrets"), state.toString());
    }

    /** Every page of a list that answers {items, next}. */
    private static List<JsonNode> all(String path) {
        List<JsonNode> items = new ArrayList<>();
        String next = null;
        do {
            String page = next == null ? path : path + "&cursor=" + next;
            JsonNode body = http.get(page, sandbox.tenantKey()).expect(200).json();
            body.get("items").forEach(items::add);
            next = body.path("next").isTextual() ? body.get("next").asText() : null;
        } while (next != null);
        return items;
    }

    /** Whether the sandbox printed the text within a few seconds (it prints right after the reload it reports). */
    private static boolean awaitConsole(String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!console.toString(StandardCharsets.UTF_8).contains(text) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return console.toString(StandardCharsets.UTF_8).contains(text);
    }

    private static String awaitGreeting(Predicate<String> wanted, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        String greeting;
        do {
            greeting = http.get(hello("/greeting"), sandbox.tenantKey()).expect(200).json().get("greeting").asText();
            if (wanted.test(greeting)) {
                return greeting;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        return greeting;
    }
}
