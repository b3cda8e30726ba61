package io.voicecore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** An extension migrates its own schema, serves its routes through the kernel's path, maps its exceptions, documents its routes. */
class KernelExtensionTest {

    /** The extension's own exception, which only its mapper knows. */
    static final class GreetingRefused extends RuntimeException {
        GreetingRefused(String message) {
            super(message);
        }
    }

    static final class Greetings implements KernelExtension {
        final AtomicBoolean closed = new AtomicBoolean();
        Database database;

        @Override
        public String name() {
            return "greetings";
        }

        @Override
        public Optional<Migrations> migrations() {
            return Optional.of(new Migrations("greetings", "db/test-extension"));
        }

        @Override
        public void start(KernelServices kernel) {
            database = kernel.database();
        }

        @Override
        public void registerRoutes(ApiRoutes api) {
            api.post("/api/v1/greetings", Access.AUTHENTICATED, request -> {
                String text = request.jsonObject().requiredString("text");
                if (text.equals("goodbye")) {
                    throw new GreetingRefused("a greeting cannot be a goodbye");
                }
                database.inPlatform(tx -> tx.dml("INSERT INTO greetings.greetings (text) VALUES (?)", text));
                return ApiReply.created(Map.of("text", text));
            });
            api.get("/api/v1/greetings", Access.AUTHENTICATED, request -> ApiReply.ok(Map.of("count",
                    database.inPlatform(tx -> tx.get("SELECT count(*) AS n FROM greetings.greetings").orElseThrow()
                            .column("n").get(Long.class)))));
        }

        @Override
        public ProblemMapper problems() {
            return (failure, requestId) -> failure instanceof GreetingRefused refused
                    ? Optional.of(new ApiException.Custom("urn:voicecore:problem:greeting-refused", 422, "Greeting refused",
                                                          refused.getMessage(), Map.of()))
                    : Optional.empty();
        }

        @Override
        public Optional<String> openApi() {
            return Optional.of("""
                    paths:
                      /api/v1/greetings:
                        get:
                          summary: Counts greetings
                          responses: {'200': {description: the count}}
                        post:
                          summary: Stores a greeting
                          responses: {'201': {description: stored}}
                    """);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void anExtensionPlugsInWithoutTheKernelKnowingIt() {
        Greetings greetings = new Greetings();
        try (TestKernel kernel = TestKernel.builder().extensions(List.of(greetings)).start()) {
            String admin = kernel.adminToken();
            assertEquals(201, kernel.post("/api/v1/greetings", admin, Map.of("text", "hello")).status());
            assertEquals(1, kernel.get("/api/v1/greetings", admin).json().get("count").asLong());

            HttpResult refused = kernel.post("/api/v1/greetings", admin, Map.of("text", "goodbye"));
            assertEquals(422, refused.status());
            assertEquals("urn:voicecore:problem:greeting-refused", refused.json().get("type").asText());
            assertEquals("a greeting cannot be a goodbye", refused.json().get("detail").asText());
            assertEquals(1, kernel.get("/api/v1/greetings", admin).json().get("count").asLong(), "nothing written");

            assertEquals(401, kernel.get("/api/v1/greetings", null).status(), "the kernel's authentication applies");

            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>)
                    new Yaml().<Map<String, Object>>load(kernel.get("/openapi", null).body()).get("paths");
            assertTrue(paths.containsKey("/api/v1/greetings"), "the extension's routes are documented");
            assertTrue(paths.containsKey("/api/v1/tenants"), "next to the kernel's");
            assertFalse(greetings.closed.get());
        }
        assertTrue(greetings.closed.get(), "closed with the kernel");
    }

    @Test
    void anExtensionCannotTakeTheKernelsSchema() {
        assertThrows(IllegalArgumentException.class, () -> new KernelExtension.Migrations("kernel", "db/x"));
        assertThrows(IllegalArgumentException.class, () -> new KernelExtension.Migrations("mine", "db/migration"));
    }
}
