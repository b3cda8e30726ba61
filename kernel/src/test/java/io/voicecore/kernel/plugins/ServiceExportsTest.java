package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consumer sees of a provider only the public types of its exported service package: the interface and the types
 * it takes and returns, shared with the provider. A class of that package the provider keeps non-public, and any class
 * of its other packages, does not exist for the consumer, even when the consumer was compiled against a copy that
 * makes it look public.
 */
class ServiceExportsTest {
    static final String SERVICE = "testplugin.greeter_api.Greetings";
    static final String GREETINGS = """
            package testplugin.greeter_api;
            public interface Greetings {
                Greeting greet(String name);
            }
            """;
    static final String GREETING = """
            package testplugin.greeter_api;
            public record Greeting(String text) {
            }
            """;
    /** In the provider: package-private. In the copy the consumer compiles against: public. */
    static final String SECRET = """
            package testplugin.greeter_api;
            %sfinal class Secret {
                %sstatic String reveal() {
                    return "the provider's secret";
                }
            }
            """;
    static final String IMPLEMENTATION = """
            package testplugin.greeter_impl;
            public final class Implementation {
                public static String reveal() {
                    return "the provider's implementation";
                }
            }
            """;
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        kernel.createTenant("exports");
        HttpResult provider = install(kernel, plugin("greetprov", "1.0.0", List.of(), List.of(),
                "services:\n  exports: [" + SERVICE + "]\n",
                "setup.exportService(testplugin.greeter_api.Greetings.class, context -> name -> "
                + "new testplugin.greeter_api.Greeting(\"Hello, \" + name + testplugin.greeter_impl.Implementation.reveal().length()));", "")
                .source(SERVICE, GREETINGS).source("testplugin.greeter_api.Greeting", GREETING)
                .source("testplugin.greeter_api.Secret", SECRET.formatted("", ""))
                .source("testplugin.greeter_impl.Implementation", IMPLEMENTATION)
                .build());
        assertEquals(201, provider.status(), provider.body());
        String requires = "services:\n  requires:\n    - {plugin: greetprov, version: \">=1.0.0\", service: " + SERVICE + "}\n";
        String routes = """
                setup.route(HttpMethod.GET, "/greet", (request, context) -> Response.json(200, Json.object().put("text",
                        context.services().require(testplugin.greeter_api.Greetings.class).greet("Ada").text()).build()));
                setup.route(HttpMethod.GET, "/secret", (request, context) -> Response.json(200, Json.object()
                        .put("text", reach(true)).build()));
                """;
        String reach = """
                static String reach(boolean secret) {
                    try {
                        return testplugin.greeter_api.Secret.reveal();
                    } catch (NoClassDefFoundError hidden) {
                        return "hidden: " + hidden.getMessage() + " (" + (hidden.getCause() == null ? "" : hidden.getCause().getMessage()) + ")";
                    }
                }
                """;
        HttpResult consumer = install(kernel, plugin("greetuse", "1.0.0", List.of("services"),
                List.of("GET /greet", "GET /secret"), requires, routes, reach)
                .compileOnly(SERVICE, GREETINGS).compileOnly("testplugin.greeter_api.Greeting", GREETING)
                .compileOnly("testplugin.greeter_api.Secret", SECRET.formatted("public ", "public "))
                .build());
        assertEquals(201, consumer.status(), consumer.body());
        assertEquals(200, enable(kernel, "exports", "greetprov", List.of()).status());
        assertEquals(200, enable(kernel, "exports", "greetuse", List.of("services")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static HttpResult get(String path) {
        return kernel.get("/api/v1/tenants/exports/greetuse" + path, kernel.adminToken());
    }

    @Test
    void theServiceAndThePublicTypesItUsesAreShared() {
        HttpResult greeted = get("/greet");
        assertEquals(200, greeted.status(), greeted.body());
        assertEquals("Hello, Ada29", greeted.json().get("text").asText());
    }

    @Test
    void aNonPublicClassOfTheExportedPackageIsNotExported() {
        HttpResult secret = get("/secret");
        assertEquals(200, secret.status(), secret.body());
        String text = secret.json().get("text").asText();
        assertTrue(text.startsWith("hidden: ") && text.contains("testplugin.greeter_api.Secret")
                   && text.contains("is not exported by plugin 'greetprov'"), text);
    }

    @Test
    void aConsumerOfTheProvidersOtherPackagesIsRefusedAtInstall() {
        String requires = "services:\n  requires:\n    - {plugin: greetprov, version: \">=1.0.0\", service: " + SERVICE + "}\n";
        HttpResult refused = install(kernel, plugin("greetpeek", "1.0.0", List.of("services"), List.of("GET /peek"), requires,
                "setup.route(HttpMethod.GET, \"/peek\", (request, context) -> Response.json(200, Json.object().put(\"text\", "
                + "testplugin.greeter_impl.Implementation.reveal()).build()));", "")
                .compileOnly(SERVICE, GREETINGS).compileOnly("testplugin.greeter_api.Greeting", GREETING)
                .compileOnly("testplugin.greeter_impl.Implementation", IMPLEMENTATION).build());
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("testplugin.greeter_impl.Implementation"), refused.body());
    }
}
