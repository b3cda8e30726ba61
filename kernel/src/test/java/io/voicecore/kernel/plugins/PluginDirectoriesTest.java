package io.voicecore.kernel.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/** Jars in the plugin directories are installed at start-up, in dependency order; a refused one is shown, never fatal. */
class PluginDirectoriesTest {
    private static final String SERVICE = """
            package testplugin.provider.api;
            public interface Greeting {
                String greet(String name);
            }
            """;

    static PluginJar provider() {
        return TestPlugins.plugin("provider", "1.0.0", List.of(), List.of(), """
                services:
                  exports: [testplugin.provider.api.Greeting]
                """, """
                setup.exportService(testplugin.provider.api.Greeting.class,
                        context -> name -> "hello " + name + " from tenant " + context.tenantId());
                """, "").source("testplugin.provider.api.Greeting", SERVICE);
    }

    static PluginJar consumer() {
        return TestPlugins.plugin("consumer", "1.0.0", List.of("services"), List.of("GET /greet"), """
                services:
                  requires:
                    - {plugin: provider, version: ">=1.0.0 <2.0.0", service: testplugin.provider.api.Greeting}
                """, """
                setup.route(HttpMethod.GET, "/greet", (request, context) -> Response.ok(Json.object()
                        .put("text", context.services().require(testplugin.provider.api.Greeting.class).greet("ada")).build()));
                """, "").compileOnly("testplugin.provider.api.Greeting", SERVICE);
    }

    @Test
    void installsShippedAndDroppedJarsAndShowsTheRefusedOne() throws Exception {
        Path shipped = TestKernel.tempDir("voicecore-shipped");
        Path data = TestKernel.tempDir("voicecore-data");
        Files.createDirectories(data.resolve("plugins"));
        // 'a-consumer' sorts before 'provider': installation must wait for the provider.
        Files.write(shipped.resolve("a-consumer.jar"), consumer().bytes());
        Files.write(shipped.resolve("provider.jar"), provider().bytes());
        Files.write(data.resolve("plugins/greeter.jar"), TestPlugins.wellBehaved("1.0.0").bytes());
        Files.write(data.resolve("plugins/exits.jar"), TestPlugins.plugin("exits", "1.0.0", List.of(), List.of(), "",
                "System.exit(1);", "").bytes());
        String database;
        try (TestKernel kernel = TestKernel.builder().set("plugins.dir", shipped.toString()).set("data", data.toString()).start()) {
            database = kernel.jdbcUrl();
            HttpResult list = kernel.get("/api/v1/plugins", kernel.adminToken());
            assertEquals(200, list.status());
            List<String> ids = list.json().get("items").findValuesAsText("id");
            assertEquals(List.of("consumer", "greeter", "provider"), ids.stream().sorted().toList(), list.body());
            JsonNode failed = list.json().get("failed");
            assertEquals(1, failed.size(), list.body());
            assertTrue(failed.get(0).get("file").asText().endsWith("exits.jar"));
            assertTrue(failed.get(0).get("reason").asText().contains("java/lang/System.exit"), failed.toString());

            String tenant = kernel.createTenant("shipped");
            assertEquals(200, TestPlugins.enable(kernel, "shipped", "provider", List.of()).status());
            assertEquals(200, TestPlugins.enable(kernel, "shipped", "consumer", List.of("services")).status());
            HttpResult greeting = kernel.get("/api/v1/tenants/shipped/consumer/greet", kernel.adminToken());
            assertEquals(200, greeting.status(), greeting.body());
            assertEquals("hello ada from tenant " + tenant, greeting.json().get("text").asText());
        }
        // A restart finds everything installed and installs nothing twice.
        try (TestKernel again = TestKernel.builder().database(database).set("plugins.dir", shipped.toString())
                .set("data", data.toString()).start()) {
            HttpResult list = again.get("/api/v1/plugins", again.adminToken());
            assertEquals(3, list.json().get("items").size(), list.body());
            assertEquals(200, again.get("/api/v1/tenants/shipped/consumer/greet", again.adminToken()).status());
        }
    }

    @Test
    void aServiceConsumerIsRefusedWhileItsProviderIsDisabledForTheTenant() {
        try (TestKernel kernel = TestKernel.start()) {
            assertEquals(201, TestPlugins.install(kernel, provider().build()).status());
            assertEquals(201, TestPlugins.install(kernel, consumer().build()).status());
            kernel.createTenant("lonely");
            assertEquals(200, TestPlugins.enable(kernel, "lonely", "consumer", List.of("services")).status());
            HttpResult refused = kernel.get("/api/v1/tenants/lonely/consumer/greet", kernel.adminToken());
            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.json().get("detail").asText().contains("provider"), refused.body());
        }
    }
}
