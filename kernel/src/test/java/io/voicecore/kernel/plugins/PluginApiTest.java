package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin management API over real HTTP: the catalogue, installation with its refusals, per-tenant
 * enablement with consent to the declared permissions, plugin routes per tenant, the audit trail, and
 * uninstallation.
 */
class PluginApiTest {
    static TestKernel kernel;
    static String admin;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        admin = kernel.adminToken();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** A plugin declaring {@code usage} and {@code secrets} with one route answering its version. */
    private static PluginJar catalogued(String id, String version) {
        return plugin(id, version, List.of("usage", "secrets"), List.of("GET /ping"), "",
                "setup.route(HttpMethod.GET, \"/ping\", (request, context) -> Response.ok(Json.object()"
                + ".put(\"version\", context.plugin().version()).put(\"tenant\", context.tenantId()).build()));", "");
    }

    private static void assertProblem(HttpResult result, int status, String type) {
        assertEquals(status, result.status(), result.body());
        assertEquals("application/problem+json", result.contentType(), result.body());
        assertEquals("urn:voicecore:problem:" + type, result.json().get("type").asText(), result.body());
        assertFalse(result.json().get("detail").asText().isBlank(), result.body());
    }

    private static HttpResult upload(String token, String contentType, byte[] body) {
        return kernel.send(kernel.request("/api/v1/plugins", token).header("Content-Type", contentType)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static JsonNode itemWithId(JsonNode items, String id) {
        for (JsonNode item : items) {
            if (item.get("id").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError("no item " + id + " in " + items);
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    @Test
    void installedPluginsAreListedWithVersionAndPermissions() {
        HttpResult installed = install(kernel, catalogued("listed", "1.2.3").build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals("/api/v1/plugins/listed", installed.header("Location"));
        assertEquals("1.2.3", installed.json().get("version").asText());

        HttpResult list = kernel.get("/api/v1/plugins", admin);
        assertEquals(200, list.status(), list.body());
        JsonNode listed = itemWithId(list.json().get("items"), "listed");
        assertEquals("1.2.3", listed.get("version").asText());
        assertEquals(2, listed.get("permissions").size(), listed.toString());
        List<String> names = new ArrayList<>();
        for (JsonNode permission : listed.get("permissions")) {
            names.add(permission.get("name").asText());
            assertEquals("needed by the test", permission.get("reason").asText(), permission.toString());
        }
        assertEquals(List.of("secrets", "usage"), names.stream().sorted().toList());
        assertEquals("[\"GET /ping\"]", listed.get("routes").toString());

        HttpResult one = kernel.get("/api/v1/plugins/listed", admin);
        assertEquals(200, one.status(), one.body());
        assertEquals("listed", one.json().get("id").asText());
        assertEquals("1.2.3", one.json().get("version").asText());
        assertEquals(listed, one.json(), "the single view equals the list item");

        assertProblem(kernel.get("/api/v1/plugins/never-installed", admin), 404, "plugin-not-installed");
    }

    @Test
    void onlyAPlatformAdminInstalls() throws Exception {
        kernel.createTenant("api-installer");
        String tenantAdmin = kernel.createApiKey("api-installer", "tenant-admin");
        byte[] jar = java.nio.file.Files.readAllBytes(catalogued("by-tenant-admin", "1.0.0").build());
        assertProblem(upload(tenantAdmin, "application/java-archive", jar), 403, "role-required");
        assertEquals(401, upload(null, "application/java-archive", jar).status());
        assertProblem(kernel.get("/api/v1/plugins/by-tenant-admin", admin), 404, "plugin-not-installed");
    }

    @Test
    void uploadsThatAreNotAJarAreRefusedBeforeInspection() throws Exception {
        byte[] jar = java.nio.file.Files.readAllBytes(catalogued("badly-sent", "1.0.0").build());
        assertProblem(upload(admin, "application/json", jar), 415, "unsupported-media-type");
        assertProblem(upload(admin, "text/plain", jar), 415, "unsupported-media-type");
        assertProblem(upload(admin, "application/java-archive", new byte[0]), 400, "bad-request");
        HttpResult garbage = upload(admin, "application/java-archive", "not a zip at all".getBytes());
        assertEquals(422, garbage.status(), garbage.body());
        assertProblem(kernel.get("/api/v1/plugins/badly-sent", admin), 404, "plugin-not-installed");
    }

    @Test
    void theVeryBytesOfALoadedVersionAreAConflictWithoutAnotherInspection() {
        java.nio.file.Path first = catalogued("same-bytes", "1.0.0").build();
        java.nio.file.Path second = catalogued("same-bytes", "2.0.0").build();
        assertEquals(201, install(kernel, first).status());
        HttpResult again = install(kernel, first);
        assertProblem(again, 409, "plugin-version-not-newer");
        assertTrue(again.json().get("detail").asText().contains("installed at version 1.0.0"), again.body());
        assertEquals(201, install(kernel, second).status());
        // The older version's bytes, offered again after the upgrade, name the version now installed.
        HttpResult older = install(kernel, first);
        assertProblem(older, 409, "plugin-version-not-newer");
        assertTrue(older.json().get("detail").asText().contains("installed at version 2.0.0"), older.body());
        assertProblem(install(kernel, second), 409, "plugin-version-not-newer");
        assertEquals("2.0.0", kernel.get("/api/v1/plugins/same-bytes", admin).json().get("version").asText());
    }

    @Test
    void theSameOrALowerVersionIsAConflict() {
        assertEquals(201, install(kernel, catalogued("versioned", "1.1.0").build()).status());
        HttpResult same = install(kernel, catalogued("versioned", "1.1.0").build());
        assertProblem(same, 409, "plugin-version-not-newer");
        assertTrue(same.json().get("detail").asText().contains("1.1.0"), same.body());
        assertProblem(install(kernel, catalogued("versioned", "1.0.9").build()), 409, "plugin-version-not-newer");
        assertProblem(install(kernel, catalogued("versioned", "0.9.0").build()), 409, "plugin-version-not-newer");
        assertEquals("1.1.0", kernel.get("/api/v1/plugins/versioned", admin).json().get("version").asText());
        assertEquals(201, install(kernel, catalogued("versioned", "1.2.0").build()).status(), "a higher version is accepted");
        assertEquals("1.2.0", kernel.get("/api/v1/plugins/versioned", admin).json().get("version").asText());
    }

    @Test
    void anInvalidManifestIsRefusedWithEveryFieldNamed() {
        String yaml = """
                id: Not_A_Valid_Id
                name: broken
                version: one-point-oh
                vendor: VoiceCore tests
                description: a broken manifest
                main: testplugin.broken.Main
                kernel: ">=0.1.0 <1.0.0"
                permissions:
                  - name: telepathy
                    reason: reads minds
                """;
        Path jar = PluginJar.named("broken").manifest(yaml).source("testplugin.broken.Main", """
                package testplugin.broken;
                public class Main implements io.voicecore.sdk.Plugin {
                    @Override public void setup(io.voicecore.sdk.PluginSetup setup) { }
                }
                """).build();
        HttpResult refused = install(kernel, jar);
        assertEquals(422, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:voicecore:problem:plugin-rejected", refused.json().get("type").asText());
        assertEquals("manifest", refused.json().get("reason").asText());
        List<String> fields = new ArrayList<>();
        for (JsonNode error : refused.json().get("errors")) {
            fields.add(error.get("field").asText());
            assertFalse(error.get("reason").asText().isBlank(), error.toString());
        }
        assertTrue(fields.contains("id"), fields.toString());
        assertTrue(fields.contains("version"), fields.toString());
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("permissions")), fields.toString());
    }

    @Test
    void enablementRequiresConsentToExactlyTheDeclaredPermissions() {
        String tenantId = kernel.createTenant("api-consent");
        kernel.createTenant("api-bystander");
        assertEquals(201, install(kernel, catalogued("consented", "1.0.0").build()).status());
        String base = "/api/v1/tenants/api-consent/plugins/consented";

        HttpResult partial = enable(kernel, "api-consent", "consented", List.of("usage"));
        assertProblem(partial, 422, "validation");
        JsonNode error = partial.json().get("errors").get(0);
        assertEquals("grantedPermissions", error.get("field").asText());
        assertTrue(error.get("message").asText().contains("secrets"), partial.body());

        HttpResult undeclared = enable(kernel, "api-consent", "consented", List.of("usage", "secrets", "storage"));
        assertProblem(undeclared, 422, "validation");
        assertTrue(undeclared.json().get("errors").toString().contains("storage"), undeclared.body());

        HttpResult notAList = kernel.put(base, admin, Map.of("grantedPermissions", "usage"));
        assertProblem(notAList, 422, "validation");

        String tenantUser = kernel.createApiKey("api-consent", "tenant-user");
        assertProblem(kernel.put(base, tenantUser, Map.of("grantedPermissions", List.of("usage", "secrets"))), 403, "role-required");
        assertEquals("disabled", kernel.get(base, admin).json().get("state").asText(), "no refused attempt enabled it");

        String tenantAdmin = kernel.createApiKey("api-consent", "tenant-admin");
        HttpResult enabled = kernel.put(base, tenantAdmin, Map.of("grantedPermissions", List.of("usage", "secrets")));
        assertEquals(200, enabled.status(), enabled.body());
        assertEquals("enabled", enabled.json().get("state").asText());
        assertEquals("1.0.0", enabled.json().get("activeVersion").asText());
        assertEquals("[\"secrets\",\"usage\"]", enabled.json().get("grantedPermissions").toString());

        HttpResult ping = kernel.get("/api/v1/tenants/api-consent/consented/ping", tenantUser);
        assertEquals(200, ping.status(), ping.body());
        assertEquals(tenantId, ping.json().get("tenant").asText());

        JsonNode mine = itemWithId(kernel.get("/api/v1/tenants/api-consent/plugins", tenantUser).json().get("items"), "consented");
        assertEquals("enabled", mine.get("state").asText());
        JsonNode theirs = itemWithId(kernel.get("/api/v1/tenants/api-bystander/plugins", admin).json().get("items"), "consented");
        assertEquals("disabled", theirs.get("state").asText());
        assertEquals("[]", theirs.get("grantedPermissions").toString());
        assertProblem(kernel.get("/api/v1/tenants/api-bystander/consented/ping", admin), 404, "plugin-not-enabled");
    }

    @Test
    void routesAnswerOnlyWhileEnabledAndOnlyWhereDeclared() {
        kernel.createTenant("api-routes");
        assertEquals(201, install(kernel, catalogued("routed", "1.0.0").build()).status());
        String route = "/api/v1/tenants/api-routes/routed/ping";
        assertProblem(kernel.get(route, admin), 404, "plugin-not-enabled");

        assertEquals(200, enable(kernel, "api-routes", "routed", List.of("usage", "secrets")).status());
        assertEquals(200, kernel.get(route, admin).status());
        HttpResult undeclared = kernel.get("/api/v1/tenants/api-routes/routed/admin/secrets", admin);
        assertProblem(undeclared, 404, "route-not-found");
        assertProblem(kernel.post(route, admin, Map.of()), 404, "route-not-found");

        HttpResult disabled = kernel.delete("/api/v1/tenants/api-routes/plugins/routed", admin);
        assertEquals(200, disabled.status(), disabled.body());
        assertEquals("disabled", disabled.json().get("state").asText());
        assertProblem(kernel.get(route, admin), 404, "plugin-not-enabled");
        assertProblem(kernel.delete("/api/v1/tenants/api-routes/plugins/routed", admin), 404, "plugin-not-enabled");

        assertEquals(200, enable(kernel, "api-routes", "routed", List.of("usage", "secrets")).status());
        assertEquals(200, kernel.get(route, admin).status(), "re-enabled, it serves again");
    }

    @Test
    void everyChangeIsAuditedAndUninstallRemovesThePlugin() {
        kernel.createTenant("api-audited");
        assertEquals(201, install(kernel, catalogued("audited", "1.0.0").build()).status());
        assertEquals(200, enable(kernel, "api-audited", "audited", List.of("usage", "secrets")).status());
        assertEquals(200, enable(kernel, "api-audited", "audited", List.of("secrets", "usage")).status(), "re-grant");
        assertEquals(200, kernel.delete("/api/v1/tenants/api-audited/plugins/audited", admin).status());
        assertEquals(200, enable(kernel, "api-audited", "audited", List.of("usage", "secrets")).status());

        JsonNode installs = kernel.get("/api/v1/audit?action=plugin.install", admin).json().get("items");
        assertTrue(auditFor(installs, "plugin:audited") == 1, installs.toString());
        for (Map.Entry<String, Integer> expected : Map.of("plugin.enable", 2, "plugin.grant", 1, "plugin.disable", 1).entrySet()) {
            HttpResult audit = kernel.get("/api/v1/tenants/api-audited/audit?action=" + expected.getKey(), admin);
            assertEquals(200, audit.status(), audit.body());
            assertEquals(expected.getValue(), auditFor(audit.json().get("items"), "plugin:audited"),
                         expected.getKey() + ": " + audit.body());
        }

        String route = "/api/v1/tenants/api-audited/audited/ping";
        assertEquals(200, kernel.get(route, admin).status());
        kernel.createTenant("api-uninstaller");
        String tenantAdmin = kernel.createApiKey("api-uninstaller", "tenant-admin");
        assertProblem(kernel.delete("/api/v1/plugins/audited", tenantAdmin), 403, "role-required");

        assertEquals(204, kernel.delete("/api/v1/plugins/audited", admin).status());
        assertProblem(kernel.get(route, admin), 404, "plugin-not-enabled");
        assertFalse(ids(kernel.get("/api/v1/plugins", admin).json().get("items")).contains("audited"));
        assertProblem(kernel.get("/api/v1/plugins/audited", admin), 404, "plugin-not-installed");
        assertFalse(ids(kernel.get("/api/v1/tenants/api-audited/plugins", admin).json().get("items")).contains("audited"));
        assertProblem(kernel.delete("/api/v1/plugins/audited", admin), 404, "plugin-not-installed");
        JsonNode uninstalls = kernel.get("/api/v1/audit?action=plugin.uninstall", admin).json().get("items");
        assertEquals(1, auditFor(uninstalls, "plugin:audited"), uninstalls.toString());
    }

    /** A plugin with its own table: {@code POST /notes} adds a row, {@code GET /notes} answers the count and {@code label}. */
    private static PluginJar notebook(String label) {
        return plugin("notebook", "1.0.0", List.of("storage"), List.of("GET /notes", "POST /notes"), "", """
                setup.route(HttpMethod.POST, "/notes", (request, context) -> {
                    context.storage().update("INSERT INTO notes (tenant_id) VALUES (?)", Storage.TENANT);
                    return Response.created(Json.object().put("ok", true).build());
                });
                setup.route(HttpMethod.GET, "/notes", (request, context) -> Response.ok(Json.object()
                        .put("count", context.storage().query("SELECT tenant_id FROM notes").size()).put("label", "%s").build()));
                """.formatted(label), "").resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL);");
    }

    @Test
    void anUninstalledVersionCanBeInstalledAgainWithItsDataKept() {
        kernel.createTenant("api-reinstaller");
        String route = "/api/v1/tenants/api-reinstaller/notebook/notes";
        assertEquals(201, install(kernel, notebook("first").build()).status());
        assertEquals(200, enable(kernel, "api-reinstaller", "notebook", List.of("storage")).status());
        assertEquals(201, kernel.post(route, admin, Map.of()).status());
        assertEquals(204, kernel.delete("/api/v1/plugins/notebook", admin).status());

        HttpResult again = install(kernel, notebook("first").build());
        assertEquals(201, again.status(), again.body());
        assertEquals(200, enable(kernel, "api-reinstaller", "notebook", List.of("storage")).status());
        HttpResult notes = kernel.get(route, admin);
        assertEquals(200, notes.status(), notes.body());
        assertEquals(1, notes.json().get("count").asInt(), "the plugin's data outlives the uninstall: " + notes.body());
        assertProblem(install(kernel, notebook("first").build()), 409, "plugin-version-not-newer");

        // Removed again, the same version may come back with other bytes; they are what runs.
        assertEquals(204, kernel.delete("/api/v1/plugins/notebook", admin).status());
        assertEquals(201, install(kernel, notebook("second").build()).status());
        assertEquals(200, enable(kernel, "api-reinstaller", "notebook", List.of("storage")).status());
        assertEquals("second", kernel.get(route, admin).json().get("label").asText());
        JsonNode installs = kernel.get("/api/v1/audit?action=plugin.install", admin).json().get("items");
        assertEquals(3, auditFor(installs, "plugin:notebook"), installs.toString());
    }

    private static int auditFor(JsonNode items, String target) {
        assertNotNull(items);
        int count = 0;
        for (JsonNode item : items) {
            if (item.get("target").asText().equals(target)) {
                count++;
            }
        }
        return count;
    }
}
