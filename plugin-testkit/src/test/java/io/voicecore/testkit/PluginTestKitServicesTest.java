package io.voicecore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.Test;

/**
 * A plugin that requires another plugin's service, tested with the provider installed first by the kit
 * ({@code withPlugin}), installed but not enabled ({@code withInstalledPlugin}), or missing; plus the provider's
 * configuration, secrets and usage as the kit sets and reads them.
 */
class PluginTestKitServicesTest {
    static final String GREETINGS = """
            package testkit.greeter.api;
            /** Greets people. */
            public interface Greetings {
                String greet(String name);
            }
            """;

    static Path provider() {
        return PluginJar.named("greeter").manifest("""
                        id: greeter
                        name: Greeter
                        version: 1.2.0
                        vendor: VoiceCore tests
                        description: Offers a greeting service.
                        main: testkit.greeter.GreeterPlugin
                        kernel: ">=0.1.0 <1.0.0"
                        permissions:
                          - {name: secrets, reason: reads the punctuation}
                          - {name: usage, reason: counts greetings}
                        services:
                          exports: [testkit.greeter.api.Greetings]
                        config:
                          salutation: {type: string, default: Hello}
                        """)
                .source("testkit.greeter.api.Greetings", GREETINGS)
                .source("testkit.greeter.GreeterPlugin", """
                        package testkit.greeter;
                        import io.voicecore.sdk.*;
                        import testkit.greeter.api.Greetings;
                        public class GreeterPlugin implements Plugin {
                            @Override
                            public void setup(PluginSetup setup) {
                                setup.exportService(Greetings.class, context -> name -> {
                                    context.usage().record("greetings", 1, "call");
                                    return context.config().string("salutation").orElse("?") + ", " + name
                                           + context.secrets().get("punctuation").orElse("");
                                });
                            }
                        }
                        """)
                .build();
    }

    static Path consumer() {
        return PluginJar.named("consumer").manifest("""
                        id: consumer
                        name: Consumer
                        version: 1.0.0
                        vendor: VoiceCore tests
                        description: Greets through the greeter's service.
                        main: testkit.consumer.ConsumerPlugin
                        kernel: ">=0.1.0 <1.0.0"
                        permissions:
                          - {name: services, reason: greets through the greeter}
                          - {name: secrets, reason: keeps a token}
                        routes:
                          - GET /greet
                          - GET /token
                        services:
                          requires:
                            - {plugin: greeter, version: ">=1.0.0 <2.0.0", service: testkit.greeter.api.Greetings}
                        """)
                .compileOnly("testkit.greeter.api.Greetings", GREETINGS)
                .source("testkit.consumer.ConsumerPlugin", """
                        package testkit.consumer;
                        import io.voicecore.sdk.*;
                        import io.voicecore.sdk.json.Json;
                        import testkit.greeter.api.Greetings;
                        public class ConsumerPlugin implements Plugin {
                            @Override
                            public void setup(PluginSetup setup) {
                                setup.route(HttpMethod.GET, "/greet", (request, context) -> Response.ok(Json.object()
                                        .put("greeting", context.services().require(Greetings.class).greet("Ada")).build()));
                                setup.route(HttpMethod.GET, "/token", (request, context) -> Response.ok(Json.object()
                                        .put("token", context.secrets().get("token").orElse("none")).build()));
                            }
                        }
                        """)
                .build();
    }

    @Test
    void theProviderIsInstalledAndEnabledFirstAndItsConfigurationSecretsAndUsageAreReachable() {
        try (PluginTestKit kit = PluginTestKit.builder(consumer()).withPlugin(provider()).withSecondTenant().start()) {
            assertEquals("consumer", kit.pluginId());
            TestResponse greeting = kit.get("/greet");
            assertEquals(200, greeting.status(), greeting.toString());
            assertEquals("Hello, Ada", greeting.json().get("greeting").asString());

            kit.tenant().setConfig("greeter", Json.object().put("salutation", "Hi").build());
            kit.tenant().putSecret("greeter", "punctuation", "!");
            assertEquals("Hi, Ada!", kit.get("/greet").json().get("greeting").asString());
            assertEquals("Hello, Ada", kit.secondTenant().get("/greet").json().get("greeting").asString(),
                         "the other tenant keeps its own configuration and secrets");

            assertEquals(2, kit.tenant().usage("greeter", "greetings"));
            assertEquals(1, kit.secondTenant().usage("greeter", "greetings"));
            assertEquals(0, kit.usage("greetings"), "the consumer itself recorded nothing");

            assertEquals("none", kit.get("/token").json().get("token").asString());
            kit.putSecret("token", "t-1");
            assertEquals("t-1", kit.get("/token").json().get("token").asString());
            assertTrue(kit.deleteSecret("token"));
            assertEquals("none", kit.get("/token").json().get("token").asString());

            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> kit.tenant().setConfig("nobody", Json.object().build()));
            assertTrue(unknown.getMessage().contains("withPlugin"), unknown.getMessage());
        }
    }

    @Test
    void aProviderThatIsInstalledButNotEnabledIsAPermissionProblem() {
        try (PluginTestKit kit = PluginTestKit.builder(consumer()).withInstalledPlugin(provider()).start()) {
            TestResponse refused = kit.get("/greet");
            assertEquals(403, refused.status(), refused.toString());
            assertEquals("urn:voicecore:problem:plugin-permission-denied", refused.json().get("type").asString());
            assertTrue(refused.json().get("detail").asString().contains("is not enabled for this tenant"), refused.toString());
        }
    }

    @Test
    void withoutTheProviderThePluginIsRefused() {
        PluginRefusedException refused = assertThrows(PluginRefusedException.class, () -> PluginTestKit.start(consumer()));
        assertTrue(refused.getMessage().contains("greeter"), refused.getMessage());
    }
}
