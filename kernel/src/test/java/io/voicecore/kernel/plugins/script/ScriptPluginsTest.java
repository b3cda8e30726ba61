package io.voicecore.kernel.plugins.script;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;

/**
 * Script plugins (sandbox layer 6) installed as real jars into a running kernel, served over real HTTP. Every hostile
 * script runs next to a well-behaved neighbour (the same plugin for another tenant, and another script plugin) that
 * must keep answering; each hostile one is refused or contained with a clear problem.
 */
class ScriptPluginsTest {
    static TestKernel kernel;

    /** The well-behaved script plugin: notes in its own table, an event it publishes and receives, its configuration. */
    static final String NOTES = """
            function route(request, ctx) {
              if (request.method === 'POST' && request.path === '/notes') {
                ctx.storage.update('INSERT INTO notes (tenant_id, body) VALUES (?, ?)', ctx.storage.TENANT, request.body.text);
                ctx.events.publish('notes.note.added', {text: request.body.text});
                ctx.usage.record('notes.added', 1, 'note');
                return {status: 201, body: {ok: true}};
              }
              if (request.path === '/notes') {
                return {notes: ctx.storage.query('SELECT body FROM notes ORDER BY body').map(row => row.body)};
              }
              if (request.path === '/seen') {
                return {seen: ctx.storage.query('SELECT body FROM seen ORDER BY body').map(row => row.body)};
              }
              if (request.path === '/secret') {
                return {secret: ctx.secrets.get('token')};
              }
              if (request.path === '/settings') {
                return {greeting: ctx.config.get('greeting'), tenant: ctx.tenantId, plugin: ctx.plugin.id};
              }
              return {status: 404, body: {error: 'no such path ' + request.path}};
            }
            function event(event, ctx) {
              ctx.storage.update('INSERT INTO seen (tenant_id, body) VALUES (?, ?)', ctx.storage.TENANT, event.payload.text);
            }
            """;

    /** Each hostile case is a path; {@code /probe} shows what a neighbour's realm looks like. */
    static final String HOSTILE = """
            function route(request, ctx) {
              switch (request.params.kind) {
                case 'loop': while (true) {} 
                case 'busy': { let n = 0; for (;;) { n = (n * 31 + 7) % 1000003; } }
                case 'recursion': { const f = n => f(n + 1) + 1; return f(0); }
                case 'allocation': { const keep = []; for (;;) keep.push('x'.repeat(1 << 20) + keep.length); }
                case 'buffer': return new ArrayBuffer(2 ** 30).byteLength;
                case 'java-type': return Java.type('java.lang.System').getenv();
                case 'polyglot-eval': return Polyglot.eval('python', 'import os');
                case 'load': return load('/etc/passwd');
                case 'require': return require('fs');
                case 'prototypes': {
                  Object.prototype.polluted = 'by ' + ctx.tenantId;
                  Array.prototype.map = () => ['hijacked'];
                  JSON.stringify = () => '"hijacked"';
                  try { ctx.storage.query = () => [{n: 'hijacked'}]; } catch (e) { }
                  try { delete ctx.storage.query; } catch (e) { }
                  try { Object.getPrototypeOf(ctx.storage).query = () => [{n: 'hijacked'}]; } catch (e) { }
                  try { Object.setPrototypeOf(ctx.storage, {query: () => [{n: 'hijacked'}]}); } catch (e) { }
                  return {n: ctx.storage.query('SELECT 7 AS n')[0].n};
                }
                case 'probe': return {polluted: ({}).polluted === undefined ? 'no' : 'yes', mapped: [1, 2].map(x => x * 2)};
                case 'keep': globalThis.kept = ctx; return {kept: true};
                case 'use-kept': return {rows: globalThis.kept.storage.query('SELECT 1 AS one')};
              }
              return {status: 404, body: {}};
            }
            """;

    @BeforeAll
    static void start() {
        // statements without end: so an endless loop meets the deadline here (ScriptSandboxTest meets the statement limit)
        kernel = TestKernel.builder().set("scripts.statement-limit", Integer.toString(Integer.MAX_VALUE)).start();
        for (String tenant : List.of("script-a", "script-b")) {
            kernel.createTenant(tenant);
        }
        HttpResult notes = install(kernel, TestPlugins.script("notes", "1.0.0",
                List.of("storage", "events:publish", "events:subscribe", "usage"),
                List.of("GET /notes", "POST /notes", "GET /seen", "GET /settings", "GET /secret"), """
                        events:
                          publishes: [notes.note.added]
                          subscribes: [notes.note.added]
                        config:
                          greeting: {type: string, default: hello}
                        """, NOTES)
                .resource("db/migration/V1__notes.sql", """
                        CREATE TABLE notes (tenant_id uuid NOT NULL, body text NOT NULL);
                        CREATE TABLE seen (tenant_id uuid NOT NULL, body text NOT NULL);
                        """).build());
        assertEquals(201, notes.status(), notes.body());
        HttpResult hostile = install(kernel, TestPlugins.script("hostile", "1.0.0", List.of("storage"),
                List.of("POST /hostile/{kind}"), "", HOSTILE).build());
        assertEquals(201, hostile.status(), hostile.body());
        HttpResult rules = install(kernel, TestPlugins.plugin("rules", "1.0.0", List.of("scripts"), List.of("POST /run"), "", """
                setup.route(HttpMethod.POST, "/run", (request, context) -> {
                    Json body = request.json();
                    try {
                        return Response.ok(context.scripts().call(body.get("source").asString(), "main", body.get("input")));
                    } catch (ScriptException e) {
                        throw new PluginProblem(422, "script-" + e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
                    }
                });
                """, "").build());
        assertEquals(201, rules.status(), rules.body());
        for (String tenant : List.of("script-a", "script-b")) {
            assertEquals(200, enable(kernel, tenant, "rules", List.of("scripts")).status());
            assertEquals(200, enable(kernel, tenant, "notes", List.of("storage", "events:publish", "events:subscribe", "usage"))
                    .status());
            assertEquals(200, enable(kernel, tenant, "hostile", List.of("storage")).status());
        }
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    static HttpResult hostile(String tenant, String kind) {
        return kernel.post("/api/v1/tenants/" + tenant + "/hostile/hostile/" + kind, kernel.adminToken(), Map.of());
    }

    /** The neighbours: the notes plugin for both tenants, and the hostile plugin's harmless probe for the other tenant. */
    static void neighboursStillAnswer() {
        for (String tenant : List.of("script-a", "script-b")) {
            HttpResult settings = kernel.get("/api/v1/tenants/" + tenant + "/notes/settings", kernel.adminToken());
            assertEquals(200, settings.status(), settings.body());
            assertEquals("notes", settings.json().get("plugin").asText());
        }
        HttpResult probe = hostile("script-b", "probe");
        assertEquals(200, probe.status(), probe.body());
        assertEquals("no", probe.json().get("polluted").asText());
        assertEquals("[2,4]", probe.json().get("mapped").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "loop,        503, script-limit,  ran longer than 2000 ms",
            "busy,        503, script-limit,  and was stopped",
            "recursion,   503, script-limit,  recursed too deeply",
            "allocation,  503, script-limit,  and was stopped",
            "buffer,      500, script-failed, larger than a script may allocate",
            "java-type,   500, script-failed, Java is not defined",
            "polyglot-eval, 500, script-failed, Polyglot is not defined",
            "load,        500, script-failed, load is not defined",
            "require,     500, script-failed, require is not defined"})
    void hostileScriptsAreContainedWhileNeighboursKeepAnswering(String kind, int status, String type, String detail) {
        HttpResult refused = hostile("script-a", kind);
        assertEquals(status, refused.status(), refused.body());
        assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        assertTrue(refused.json().get("type").asText().endsWith(":" + type), refused.body());
        assertTrue(refused.json().get("detail").asText().contains(detail), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("plugin.js"), refused.body());
        neighboursStillAnswer();
    }

    @Test
    void changingPrototypesAffectsNoOtherTenantNorTheCapabilities() {
        HttpResult poisoned = hostile("script-a", "prototypes");
        assertEquals(200, poisoned.status(), poisoned.body());
        assertEquals(7, poisoned.json().get("n").asInt(), "the capability objects cannot be replaced: " + poisoned.body());
        neighboursStillAnswer();
        assertEquals(201, kernel.post("/api/v1/tenants/script-b/notes/notes", kernel.adminToken(), Map.of("text", "b-note")).status());
        HttpResult notes = kernel.get("/api/v1/tenants/script-b/notes/notes", kernel.adminToken());
        assertTrue(notes.json().get("notes").toString().contains("b-note"), notes.body());
    }

    @Test
    void aCapabilityKeptAfterItsCallFailsInALaterCall() {
        HttpResult kept = hostile("script-a", "keep");
        assertEquals(200, kept.status(), kept.body());
        HttpResult used = hostile("script-a", "use-kept");
        assertEquals(500, used.status(), used.body());
        assertTrue(used.json().get("detail").asText().contains("ctx.storage.query handed to an earlier call"), used.body());
        neighboursStillAnswer();
    }

    @Test
    void routesEventsAndConfigurationWorkEndToEnd() throws InterruptedException {
        HttpResult created = kernel.post("/api/v1/tenants/script-a/notes/notes", kernel.adminToken(), Map.of("text", "first"));
        assertEquals(201, created.status(), created.body());
        assertTrue(created.json().get("ok").asBoolean());
        HttpResult listed = kernel.get("/api/v1/tenants/script-a/notes/notes", kernel.adminToken());
        assertEquals(200, listed.status(), listed.body());
        assertTrue(listed.json().get("notes").toString().contains("first"), listed.body());
        assertTrue(!kernel.get("/api/v1/tenants/script-b/notes/notes", kernel.adminToken()).body().contains("first"),
                   "tenant B never sees tenant A's rows");

        String seen = "";
        for (int i = 0; i < 100 && !seen.contains("first"); i++) {
            Thread.sleep(100);
            seen = kernel.get("/api/v1/tenants/script-a/notes/seen", kernel.adminToken()).body();
        }
        assertTrue(seen.contains("first"), "the script received its event: " + seen);

        assertEquals("hello", kernel.get("/api/v1/tenants/script-a/notes/settings", kernel.adminToken()).json()
                .get("greeting").asText());
        HttpResult saved = kernel.put("/api/v1/tenants/script-a/plugins/notes/config", kernel.adminToken(),
                                      Map.of("greeting", "bonjour"));
        assertEquals(200, saved.status(), saved.body());
        assertEquals("bonjour", kernel.get("/api/v1/tenants/script-a/notes/settings", kernel.adminToken()).json()
                .get("greeting").asText());
        assertEquals("hello", kernel.get("/api/v1/tenants/script-b/notes/settings", kernel.adminToken()).json()
                .get("greeting").asText());
    }

    @Test
    void aCapabilityWhosePermissionIsNotDeclaredIsRefusedAsForAJavaPlugin() {
        HttpResult refused = kernel.get("/api/v1/tenants/script-a/notes/secret", kernel.adminToken());
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("does not declare the permission 'secrets'"), refused.body());
        neighboursStillAnswer();
    }

    static HttpResult tenantScript(String tenant, String source, Object input) {
        return kernel.post("/api/v1/tenants/" + tenant + "/rules/run", kernel.adminToken(), Map.of("source", source, "input", input));
    }

    /** A Java plugin runs tenants' own scripts through PluginContext.scripts(): each tenant's in its own context. */
    @Test
    void tenantScriptsSeeOnlyTheirInputAndTheirOwnContext() {
        String remember = "function main(x) { const before = globalThis.last || null; globalThis.last = x.who;"
                          + " return {before, seesCtx: typeof ctx !== 'undefined', seesJava: typeof Java !== 'undefined'}; }";
        assertEquals("{\"before\":null,\"seesCtx\":false,\"seesJava\":false}",
                     tenantScript("script-a", remember, Map.of("who", "a")).json().toString());
        assertEquals("a", tenantScript("script-a", remember, Map.of("who", "a")).json().get("before").asText(),
                     "the tenant's pooled context kept its global");
        HttpResult other = tenantScript("script-b", remember, Map.of("who", "b"));
        assertTrue(other.json().get("before").isNull(), "tenant B's context is its own: " + other.body());

        HttpResult endless = tenantScript("script-a", "function main(x) { for (;;) {} }", Map.of());
        assertEquals(422, endless.status(), endless.body());
        assertTrue(endless.json().get("type").asText().endsWith(":script-limit"), endless.body());
        HttpResult invalid = tenantScript("script-a", "function main(x) {", Map.of());
        assertEquals(422, invalid.status(), invalid.body());
        assertTrue(invalid.json().get("type").asText().endsWith(":script-invalid"), invalid.body());
        assertEquals(200, tenantScript("script-b", "function main(x) { return x.n + 1; }", Map.of("n", 1)).status());
        neighboursStillAnswer();
    }

    @Test
    void anUpgradeServesTheNewScript() {
        String source = "function route(request, ctx) { return {version: ctx.plugin.version, says: '%s'}; }";
        assertEquals(201, install(kernel, TestPlugins.script("versioned", "1.0.0", List.of(), List.of("GET /version"), "",
                                                            source.formatted("old")).build()).status());
        assertEquals(200, enable(kernel, "script-a", "versioned", List.of()).status());
        HttpResult before = kernel.get("/api/v1/tenants/script-a/versioned/version", kernel.adminToken());
        assertEquals("old", before.json().get("says").asText(), before.body());
        HttpResult upgraded = install(kernel, TestPlugins.script("versioned", "1.1.0", List.of(), List.of("GET /version"), "",
                                                                 source.formatted("new")).build());
        assertEquals(201, upgraded.status(), upgraded.body());
        HttpResult after = kernel.get("/api/v1/tenants/script-a/versioned/version", kernel.adminToken());
        assertEquals("1.1.0", after.json().get("version").asText(), after.body());
        assertEquals("new", after.json().get("says").asText(), after.body());
    }

    @Test
    void aScriptJarCarryingClassesOrAScriptThatDoesNotCompileIsRefused() {
        HttpResult withClasses = install(kernel, TestPlugins.script("mixed", "1.0.0", List.of(), List.of("GET /x"), "",
                                                                    "function route() { return 1; }")
                .source("testplugin.mixed.Extra", "package testplugin.mixed; public class Extra { }").build());
        assertEquals(422, withClasses.status(), withClasses.body());
        assertTrue(withClasses.body().contains("carries no classes"), withClasses.body());

        HttpResult broken = install(kernel, TestPlugins.script("broken", "1.0.0", List.of(), List.of("GET /x"), "",
                                                               "function route( { return 1; }").build());
        assertTrue(broken.status() >= 400 && broken.status() < 500, broken.body());
        assertTrue(broken.body().contains("does not compile"), broken.body());

        HttpResult noRoute = install(kernel, TestPlugins.script("handless", "1.0.0", List.of(), List.of("GET /x"), "",
                                                                "function other() { return 1; }").build());
        assertTrue(noRoute.status() >= 400 && noRoute.status() < 500, noRoute.body());
        assertTrue(noRoute.body().contains("does not define a top-level function 'route'"), noRoute.body());
    }
}
