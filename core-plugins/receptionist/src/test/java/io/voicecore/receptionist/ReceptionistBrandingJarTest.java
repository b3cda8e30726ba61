package io.voicecore.receptionist;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Branding;
import org.junit.jupiter.api.Test;

/**
 * The receptionist greets with the assistant's name of the brand its tenant is served under (a reseller's, supplied by
 * whatever plugs a branding source into the kernel), unless the tenant chose a name; a tenant of the platform's own
 * brand still meets Ava. Runs after {@code package} (failsafe), with the gateway's jar built first by the reactor.
 */
class ReceptionistBrandingJarTest {
    private static final Path GATEWAY = ReceptionistWithCrmJarTest.GATEWAY;

    /** Brandings by tenant id, as a reseller's extension would supply them. */
    private static final Map<UUID, Branding> BRANDINGS = new ConcurrentHashMap<>();

    /** Plugs the test's brandings into the kernel, the way the marketplace plugs in resellers'. */
    private static final class ResellerBrandings implements KernelExtension {
        @Override
        public String name() {
            return "test-brandings";
        }

        @Override
        public void start(KernelServices kernel) {
            kernel.useBrandingSource(tenant -> BRANDINGS.getOrDefault(tenant, Branding.PLATFORM));
        }

        @Override
        public void registerRoutes(ApiRoutes api) {
        }
    }

    @Test
    void aResellersTenantMeetsTheResellersAssistantUnlessItChoseAName() {
        try (TestKernel kernel = TestKernel.builder().extensions(List.of(new ResellerBrandings())).start()) {
            String admin = kernel.adminToken();
            for (Path jar : List.of(GATEWAY, ReceptionistWithCrmJarTest.RECEPTIONIST)) {
                HttpResult installed = install(kernel, jar);
                assertEquals(201, installed.status(), installed.body());
            }
            Branding nordic = new Branding("Nordic Reception", "Sara", Optional.of("help@nordicvoice.example"), "Nordic Voice");
            for (String tenant : List.of("hansen", "direct", "chose-a-name")) {
                String id = kernel.createTenant(tenant);
                if (!tenant.equals("direct")) {
                    BRANDINGS.put(UUID.fromString(id), nordic);
                }
                assertEquals(200, enable(kernel, tenant, "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
                assertEquals(200, enable(kernel, tenant, "receptionist",
                                         List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts")).status());
            }
            HttpResult chosen = kernel.put("/api/v1/tenants/chose-a-name/plugins/receptionist/config", admin, Map.of("assistantName", "Lotte"));
            assertEquals(200, chosen.status(), chosen.body());

            assertEquals("Hello, thank you for contacting us. I'm Sara, how can I help you?", greeting(kernel, "hansen"));
            assertEquals("Hello, thank you for contacting us. I'm Ava, how can I help you?", greeting(kernel, "direct"));
            assertEquals("Hello, thank you for contacting us. I'm Lotte, how can I help you?", greeting(kernel, "chose-a-name"));
        }
    }

    private static String greeting(TestKernel kernel, String tenant) {
        HttpResult started = kernel.post("/api/v1/tenants/" + tenant + "/receptionist/conversations", kernel.adminToken(),
                                         Map.of("channel", "chat"));
        assertEquals(201, started.status(), started.body());
        return started.json().get("greeting").asText();
    }
}
