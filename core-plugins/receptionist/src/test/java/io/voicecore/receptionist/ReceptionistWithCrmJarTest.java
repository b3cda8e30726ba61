package io.voicecore.receptionist;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.Test;

/**
 * The packaged core plugins in one real kernel: the receptionist answers through the AI gateway (offline), and a
 * conversation that ends in the receptionist is recorded by the CRM (through the kernel's event bus) on the caller's
 * contact, with the phone in E.164 and the summary on a chat interaction. Runs after {@code package} (failsafe); the CRM
 * and gateway jars are built first by the reactor.
 */
class ReceptionistWithCrmJarTest {
    static final Path RECEPTIONIST = Path.of(System.getProperty("plugin.jar", "target/receptionist-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path CRM = Path.of(System.getProperty("crm.plugin.jar", "../crm/target/crm-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path GATEWAY = Path.of(System.getProperty("ai-gateway.plugin.jar", "../ai-gateway/target/ai-gateway-plugin-0.1.0-SNAPSHOT.jar"));
    static final String TENANT = "clinica-sol";

    @Test
    void aFinishedConversationIsRecordedOnTheCallersContactInTheCrm() throws InterruptedException {
        assertTrue(Files.isRegularFile(CRM), "the CRM jar is built by core-plugins/crm before this module: " + CRM);
        assertTrue(Files.isRegularFile(GATEWAY), "the gateway's jar is built by core-plugins/ai-gateway before this module: " + GATEWAY);
        try (TestKernel kernel = TestKernel.start()) {
            String admin = kernel.adminToken();
            HttpResult crm = install(kernel, CRM);
            assertEquals(201, crm.status(), crm.body());
            HttpResult early = install(kernel, RECEPTIONIST);
            assertEquals(422, early.status(), "without the gateway the receptionist cannot be installed: " + early.body());
            assertTrue(early.body().contains("ai-gateway"), early.body());
            HttpResult gateway = install(kernel, GATEWAY);
            assertEquals(201, gateway.status(), gateway.body());
            HttpResult receptionist = install(kernel, RECEPTIONIST);
            assertEquals(201, receptionist.status(), receptionist.body());
            kernel.createTenant(TENANT);
            assertEquals(200, enable(kernel, TENANT, "crm", List.of("storage", "events:publish", "events:subscribe")).status());
            assertEquals(200, enable(kernel, TENANT, "receptionist", List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts")).status());
            HttpResult withoutGateway = kernel.post("/api/v1/tenants/" + TENANT + "/receptionist/conversations", admin, Map.of());
            assertEquals(409, withoutGateway.status(), withoutGateway.body());
            assertEquals(200, enable(kernel, TENANT, "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
            HttpResult configured = kernel.put("/api/v1/tenants/" + TENANT + "/plugins/crm/config", admin, Map.of("defaultCountryCode", "34"));
            assertEquals(200, configured.status(), configured.body());

            String base = "/api/v1/tenants/" + TENANT + "/receptionist/conversations";
            HttpResult started = kernel.post(base, admin, Map.of("channel", "chat"));
            assertEquals(201, started.status(), started.body());
            String id = started.json().get("id").asText();
            for (String text : List.of("Me llamo Lucía García", "mi teléfono es 612 345 678", "lucia@example.es",
                                       "quiero reservar una cita para mañana")) {
                HttpResult reply = kernel.post(base + "/" + id + "/messages", admin, Map.of("text", text));
                assertEquals(200, reply.status(), reply.body());
                assertEquals("es", reply.json().get("language").asText());
                assertEquals("offline", reply.json().get("mode").asText());
            }
            HttpResult ended = kernel.post(base + "/" + id + "/end", admin, Map.of());
            assertEquals(200, ended.status(), ended.body());
            String summary = ended.json().get("summary").get("text").asText();

            JsonNode contact = awaitContact(kernel, "lucia@example.es", Duration.ofSeconds(30));
            assertEquals("Lucía García", contact.get("name").asText());
            assertEquals("+34612345678", contact.get("phones").get(0).asText(), contact.toString());
            HttpResult timeline = kernel.get("/api/v1/tenants/" + TENANT + "/crm/contacts/" + contact.get("id").asText() + "/interactions", admin);
            assertEquals(200, timeline.status(), timeline.body());
            JsonNode interaction = timeline.json().get("items").get(0);
            assertEquals("chat", interaction.get("type").asText());
            assertEquals(summary, interaction.get("summary").asText());
            assertEquals(id, interaction.get("details").get("conversationId").asText());
        }
    }

    @Test
    void anUnconfiguredTenantsSpanishCallerKeepsTheNumberTheyGaveWithoutACountryCode() throws InterruptedException {
        try (TestKernel kernel = TestKernel.start()) {
            String admin = kernel.adminToken();
            for (Path jar : List.of(CRM, GATEWAY, RECEPTIONIST)) {
                HttpResult installed = install(kernel, jar);
                assertEquals(201, installed.status(), installed.body());
            }
            kernel.createTenant(TENANT);
            assertEquals(200, enable(kernel, TENANT, "crm", List.of("storage", "events:publish", "events:subscribe")).status());
            assertEquals(200, enable(kernel, TENANT, "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
            assertEquals(200, enable(kernel, TENANT, "receptionist", List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts")).status());
            // Nothing is configured: no defaultCountryCode in the CRM, no business name in the receptionist.

            String base = "/api/v1/tenants/" + TENANT + "/receptionist/conversations";
            HttpResult started = kernel.post(base, admin, Map.of("channel", "chat"));
            assertEquals(201, started.status(), started.body());
            assertEquals("Hello, thank you for contacting us. I'm Ava, how can I help you?", started.json().get("greeting").asText());
            String id = started.json().get("id").asText();
            for (String text : List.of("Me llamo Lucía García", "mi teléfono es 600 123 456", "lucia@example.es",
                                       "quiero reservar una cita para mañana")) {
                HttpResult reply = kernel.post(base + "/" + id + "/messages", admin, Map.of("text", text));
                assertEquals(200, reply.status(), reply.body());
            }
            HttpResult ended = kernel.post(base + "/" + id + "/end", admin, Map.of());
            assertEquals(200, ended.status(), ended.body());
            assertEquals("Gracias por contactar con nosotros. ¡Hasta pronto!", ended.json().get("reply").asText());

            JsonNode contact = awaitContact(kernel, "lucia@example.es", Duration.ofSeconds(30));
            assertEquals("+34600123456", contact.get("phones").get(0).asText(), "only Spain writes a Spanish 600 number: " + contact);
            assertEquals(false, contact.get("phoneNeedsReview").asBoolean(), contact.toString());
        }
    }

    private static JsonNode awaitContact(TestKernel kernel, String email, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            HttpResult found = kernel.get("/api/v1/tenants/" + TENANT + "/crm/contacts?q=" + email, kernel.adminToken());
            assertEquals(200, found.status(), found.body());
            if (found.json().get("items").size() > 0) {
                return found.json().get("items").get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no CRM contact for " + email + " within " + limit + ": " + found.body());
            }
            Thread.sleep(200);
        }
    }
}
