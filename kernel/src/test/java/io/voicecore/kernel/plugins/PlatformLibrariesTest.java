package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plugins that name a platform library (openai-java) in their manifest use it without packing it: the
 * verifier lets them reference its packages but not its dangerous entry points, each plugin version gets
 * its own instrumented copy, and the library's own code is refused what the plugin could not do.
 */
class PlatformLibrariesTest {
    private static final String LIBRARY = "libraries: [openai-java]\n";
    private static final String ROUTES = """
            setup.route(HttpMethod.GET, "/params", (request, context) -> Response.json(200, Json.object().put("body", params()).build()));
            setup.route(HttpMethod.GET, "/identity", (request, context) -> Response.json(200, Json.object().put("typeFactory",
                    System.identityHashCode(com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance())).build()));
            """;
    private static final String MEMBERS = """
            static String params() {
                try {
                    com.openai.models.chat.completions.ChatCompletionCreateParams params =
                            com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                                    .model("gpt-4o-mini").addUserMessage("Hola, quiero una cita").build();
                    return com.openai.core.ObjectMappers.jsonMapper().writeValueAsString(params._body());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            """;

    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        kernel.createTenant("libs");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static void installAndEnable(String id, String extraManifest, String setup, String members) {
        HttpResult installed = install(kernel, plugin(id, "1.0.0", List.of(), List.of("GET /params", "GET /identity", "GET /client"),
                                                      extraManifest, setup, members).build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals(200, enable(kernel, "libs", id, List.of()).status());
    }

    @Test
    void aPluginNamingTheLibraryUsesItsClassesAndReflectionInside() {
        installAndEnable("openai-user", LIBRARY, ROUTES, MEMBERS);
        HttpResult result = kernel.get("/api/v1/tenants/libs/openai-user/params", kernel.adminToken());
        assertEquals(200, result.status(), result.body());
        String body = result.json().get("body").asText();
        assertTrue(body.contains("\"model\":\"gpt-4o-mini\""), body);
        assertTrue(body.contains("Hola, quiero una cita"), body);
    }

    @Test
    void eachPluginHasItsOwnCopyOfTheLibrarysStaticState() {
        installAndEnable("copy-one", LIBRARY, ROUTES, MEMBERS);
        installAndEnable("copy-two", LIBRARY, ROUTES, MEMBERS);
        int one = kernel.get("/api/v1/tenants/libs/copy-one/identity", kernel.adminToken()).json().get("typeFactory").asInt();
        int oneAgain = kernel.get("/api/v1/tenants/libs/copy-one/identity", kernel.adminToken()).json().get("typeFactory").asInt();
        int two = kernel.get("/api/v1/tenants/libs/copy-two/identity", kernel.adminToken()).json().get("typeFactory").asInt();
        assertEquals(one, oneAgain, "one plugin version keeps one copy");
        assertNotEquals(one, two, "two plugins never share the library's static state");
        int kernels = System.identityHashCode(com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance());
        assertNotEquals(kernels, one, "nor share the kernel's own Jackson");
        assertNotEquals(kernels, two);
    }

    @Test
    void withoutNamingTheLibraryItsPackagesAreAnotherPluginsInternals() {
        HttpResult result = install(kernel, plugin("no-library", "1.0.0", List.of(), List.of("GET /params", "GET /identity"), "",
                                                   ROUTES, MEMBERS).build());
        assertEquals(422, result.status(), result.body());
        assertTrue(result.body().contains("com/openai/models/chat/completions/ChatCompletionCreateParams"), result.body());
        assertTrue(result.body().contains("other plugins' internals"), result.body());
    }

    @Test
    void anUnknownLibraryIsRefusedWithTheKnownOnes() {
        HttpResult result = install(kernel, plugin("left-pad-user", "1.0.0", List.of(), List.of("GET /x"), "libraries: [left-pad]\n",
                                                   "", "").build());
        assertEquals(422, result.status(), result.body());
        JsonNode errors = result.json().get("errors");
        assertEquals("libraries", errors.get(0).get("field").asText(), result.body());
        assertTrue(errors.get(0).get("reason").asText().contains("known: openai-java"), result.body());
    }

    @Test
    void theLibrarysDangerousEntryPointsAreRefusedAtInstall() {
        HttpResult result = install(kernel, plugin("deputy", "1.0.0", List.of(), List.of("GET /x"), LIBRARY, "", """
                static Object viaJackson() throws Exception {
                    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(new java.net.URI("http://127.0.0.1:1/").toURL());
                }
                static Object viaKotlin() {
                    return kotlin.io.ConsoleKt.readLine();
                }
                """).build());
        assertEquals(422, result.status(), result.body());
        String violations = result.json().get("violations").toString();
        assertTrue(violations.contains("com/fasterxml/jackson/databind/ObjectMapper.readTree(Ljava/net/URL;)"), violations);
        assertTrue(violations.contains("kotlin/io/ConsoleKt"), violations);
        assertTrue(violations.contains("platform library"), violations);
    }

    @Test
    void theLibrarysOwnCodeIsRefusedThreadsAtRunTime() {
        // ClientOptions starts a timer thread for its default retry sleeper unless the plugin supplies one.
        installAndEnable("timer-starter", LIBRARY, """
                setup.route(HttpMethod.GET, "/client", (request, context) -> {
                    com.openai.core.ClientOptions.builder().httpClient(new NoNetwork()).apiKey("sk-test").build();
                    return Response.noContent();
                });
                """, """
                static final class NoNetwork implements com.openai.core.http.HttpClient {
                    public com.openai.core.http.HttpResponse execute(com.openai.core.http.HttpRequest request,
                                                                     com.openai.core.RequestOptions options) {
                        throw new IllegalStateException("no network in this test");
                    }
                    public java.util.concurrent.CompletableFuture<com.openai.core.http.HttpResponse> executeAsync(
                            com.openai.core.http.HttpRequest request, com.openai.core.RequestOptions options) {
                        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no network"));
                    }
                    public void close() {
                    }
                }
                """);
        int threadsBefore = Thread.activeCount();
        HttpResult result = kernel.get("/api/v1/tenants/libs/timer-starter/client", kernel.adminToken());
        assertEquals(500, result.status(), result.body());
        assertEquals("application/problem+json", result.contentType());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("Timer-")
                                                                               && t.getContextClassLoader() != null
                                                                               && t.getContextClassLoader().getClass()
                                                                                       .getSimpleName().contains("Plugin")),
                   "no timer thread was started for the plugin");
        assertTrue(Thread.activeCount() <= threadsBefore + 2, "no library thread leaked");
    }
}
