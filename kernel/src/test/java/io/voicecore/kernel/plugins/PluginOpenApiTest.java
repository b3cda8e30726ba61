package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * A plugin's OpenAPI document ({@code openapi: openapi.yaml} in its manifest): checked at install, served mounted under
 * the plugin's base in {@code /openapi} and on its own at {@code /api/v1/plugins/{pluginId}/openapi}.
 */
class PluginOpenApiTest {
    static TestKernel kernel;

    /** Both test plugins define a schema named {@code Item}; each is kept under its plugin's prefix. */
    private static final String DOCUMENT = """
            openapi: 3.0.3
            info: {title: %1$s, version: '1.0.0'}
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
                  responses:
                    '200':
                      description: The items
                      content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
              /hook:
                post:
                  security: [{signature: []}]
                  responses: {'204': {description: Taken}}
              /live:
                get:
                  description: A WebSocket
                  security: [{signature: []}, {bearer: []}]
                  responses: {'101': {description: Upgraded}}
            components:
              securitySchemes:
                signature: {type: apiKey, in: header, name: X-Signature}
              schemas:
                Item:
                  type: object
                  properties: {%2$s: {type: string}}
            """;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static PluginJar described(String id, String version, String document) {
        return plugin(id, version, List.of(), List.of("GET /items", "{route: POST /hook, public: true}"),
                "streams:\n  - /live\nopenapi: api/openapi.yaml\n", """
                RouteHandler ok = (request, context) -> Response.ok(Json.object().put("ok", true).build());
                setup.route(HttpMethod.GET, "/items", ok);
                setup.route(HttpMethod.POST, "/hook", ok);
                setup.stream("/live", new StreamHandler() {
                    @Override
                    public void onMessage(StreamSession session, String text, PluginContext context) {
                    }
                });
                """, "").resource("api/openapi.yaml", document);
    }

    private static Map<String, Object> openApi() {
        HttpResult result = kernel.get("/openapi", null);
        assertEquals(200, result.status(), result.body());
        return new Yaml().load(result.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> node, String... keys) {
        Object current = node;
        for (String key : keys) {
            current = ((Map<String, Object>) current).get(key);
            if (current == null) {
                throw new AssertionError("no '" + key + "' in " + String.join(".", keys));
            }
        }
        return (Map<String, Object>) current;
    }

    @Test
    void installedPluginsAppearInOpenApiUnderTheirBaseWithTheirComponentsApart() {
        assertEquals(201, install(kernel, described("shelf", "1.0.0", DOCUMENT.formatted("shelf", "title")).build()).status());
        assertEquals(201, install(kernel, described("crate", "1.0.0", DOCUMENT.formatted("crate", "label")).build()).status());

        Map<String, Object> document = openApi();
        Map<String, Object> paths = at(document, "paths");
        Map<String, Object> list = at(paths, "/api/v1/tenants/{tenant}/shelf/items", "get");
        assertEquals("shelf.listItems", list.get("operationId"));
        assertEquals(List.of("shelf"), list.get("tags"));
        assertEquals("#/components/schemas/shelf.Item", at(list, "responses", "200", "content", "application/json", "schema",
                                                            "items").get("$ref"));
        assertEquals("tenant", ((Map<?, ?>) ((List<?>) at(paths, "/api/v1/tenants/{tenant}/shelf/items").get("parameters"))
                .getFirst()).get("name"));
        // The route declared public needs no credentials; the others keep the document's bearer security.
        assertEquals(List.of(), at(paths, "/api/v1/tenants/{tenant}/crate/hook", "post").get("security"));
        assertFalse(list.containsKey("security"));
        // A scheme of the plugin's own is named with its prefix where operations require it; the kernel's is not.
        assertEquals(List.of(Map.of("crate.signature", List.of()), Map.of("bearer", List.of())),
                     at(paths, "/api/v1/tenants/{tenant}/crate/live", "get").get("security"));
        // Same schema name, two plugins: both kept, each its own; the kernel's own components are untouched.
        Map<String, Object> schemas = at(document, "components", "schemas");
        assertEquals(Map.of("title", Map.of("type", "string")), at(schemas, "shelf.Item", "properties"));
        assertEquals(Map.of("label", Map.of("type", "string")), at(schemas, "crate.Item", "properties"));
        assertTrue(schemas.containsKey("Problem"));
        assertTrue(paths.containsKey("/api/v1/tenants"));

        // The plugin's document on its own: a complete OpenAPI document with the same paths and names.
        HttpResult own = kernel.get("/api/v1/plugins/crate/openapi", kernel.adminToken());
        assertEquals(200, own.status(), own.body());
        JsonNode json = own.json();
        assertEquals("3.0.3", json.path("openapi").asText());
        assertEquals("crate", json.path("info").path("title").asText());
        assertEquals("1.0.0", json.path("info").path("version").asText());
        assertTrue(json.path("paths").has("/api/v1/tenants/{tenant}/crate/items"));
        assertFalse(json.path("paths").has("/api/v1/tenants/{tenant}/shelf/items"));
        assertTrue(json.path("components").path("schemas").has("crate.Item"));
        assertTrue(json.path("components").path("securitySchemes").has("crate.signature"), json.toString());
        assertTrue(json.path("components").path("securitySchemes").has("bearer"), json.toString());
    }

    @Test
    void aPluginWithoutADocumentHasNone() {
        assertEquals(201, install(kernel, plugin("bare", "1.0.0", List.of(), List.of("GET /items"), "",
                "setup.route(HttpMethod.GET, \"/items\", (request, context) -> Response.noContent());", "").build()).status());
        HttpResult own = kernel.get("/api/v1/plugins/bare/openapi", kernel.adminToken());
        assertEquals(404, own.status());
        assertEquals("urn:voicecore:problem:plugin-openapi-missing", own.json().path("type").asText());
        assertFalse(at(openApi(), "paths").containsKey("/api/v1/tenants/{tenant}/bare/items"));
        assertEquals(404, kernel.get("/api/v1/plugins/nowhere/openapi", kernel.adminToken()).status());
    }

    @Test
    void aDocumentTheKernelCannotServeIsRefusedAtInstall() {
        JsonNode notYaml = refused("broken-yaml", "openapi: 3.0.3\npaths: {/items: [unclosed\n");
        assertTrue(notYaml.path("detail").asText().contains("is not valid YAML"), notYaml.toString());
        assertTrue(notYaml.path("detail").asText().contains("(line 3, column 1)"), notYaml.toString());

        JsonNode outside = refused("outside-ref", DOCUMENT.formatted("outside-ref", "title")
                .replace("'#/components/schemas/Item'", "'https://example.com/item.yaml'"));
        assertTrue(outside.path("detail").asText().contains("points outside the document"), outside.toString());
        assertEquals("paths./items.get.responses.200.content.application/json.schema.items.$ref",
                     outside.path("errors").get(0).path("field").asText());

        JsonNode dangling = refused("dangling-ref", DOCUMENT.formatted("dangling-ref", "title").replace("schemas/Item'", "schemas/Thing'"));
        assertTrue(dangling.path("detail").asText().contains("names a component the document does not define"), dangling.toString());

        JsonNode undeclared = refused("undeclared", DOCUMENT.formatted("undeclared", "title").replace("/hook:", "/hooks:"));
        assertTrue(undeclared.path("detail").asText().contains("'POST /hooks' is neither in routes"), undeclared.toString());

        JsonNode missing = refused("missing", null);
        assertTrue(missing.path("detail").asText().contains("the jar has no such file"), missing.toString());
        // Nothing of a refused plugin is installed.
        assertEquals(404, kernel.get("/api/v1/plugins/outside-ref", kernel.adminToken()).status());
    }

    private static JsonNode refused(String id, String document) {
        PluginJar jar = described(id, "1.0.0", document == null ? "" : document);
        if (document == null) {
            jar = plugin(id, "1.0.0", List.of(), List.of("GET /items"), "openapi: openapi.yaml\n",
                         "setup.route(HttpMethod.GET, \"/items\", (request, context) -> Response.noContent());", "");
        }
        HttpResult result = install(kernel, jar.build());
        assertEquals(422, result.status(), result.body());
        JsonNode problem = result.json();
        assertEquals("urn:voicecore:problem:plugin-rejected", problem.path("type").asText());
        assertEquals("openapi", problem.path("reason").asText());
        assertFalse(problem.path("errors").isEmpty());
        return problem;
    }
}
