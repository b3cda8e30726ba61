package io.voicecore.marketplace.resellers;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.MarketplaceFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged receptionist on the shared kernel greets a reseller's tenant with the assistant of the tenant's
 * branding (the reseller's, or its bundle version's), a tenant of the platform with Ava, and a tenant that chose a
 * name with that name: the branding reaches the plugin through the kernel, without any configuration written.
 */
class ResellerGreetingTest {

    @BeforeAll
    static void corePlugins() {
        BundlesTest.installCorePlugins();
    }

    @Test
    void theReceptionistGreetsWithTheAssistantOfTheTenantsBranding() throws Exception {
        String slug = "greet-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Greeting Voice", "slug", slug));
        assertEquals(201, created.status(), created.body());
        UUID reseller = UUID.fromString(created.json().get("id").asText());
        assertEquals(200, kernel().put("/api/v1/resellers/" + slug + "/branding", created.json().get("apiKey").asText(),
                                       Map.of("productName", "Nordic Reception", "assistantName", "Sara")).status());

        UUID bundle = UUID.randomUUID();
        Map<String, UUID> tenants = new java.util.LinkedHashMap<>();
        for (String tenant : List.of("owned", "bundled", "direct", "chose")) {
            String tenantSlug = slug + "-" + tenant;
            MarketplaceFixture.tenantAdmin(tenantSlug);
            tenants.put(tenant, UUID.fromString(kernel().get("/api/v1/tenants/" + tenantSlug, kernel().adminToken()).json().get("id").asText()));
            assertEquals(200, enable(kernel(), tenantSlug, "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
            assertEquals(200, enable(kernel(), tenantSlug, "receptionist",
                                     List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts")).status());
        }
        try (Connection owner = kernel().ownerConnection()) {
            sql(owner, "INSERT INTO marketplace.bundles (id, reseller_id, name) VALUES (?, ?, 'Greeting')", bundle, reseller);
            sql(owner, "INSERT INTO marketplace.bundle_versions (bundle_id, version, plugins, branding, created_by)"
                       + " VALUES (?, 1, '[]', '{\"assistantName\":\"Maja\"}', 'test')", bundle);
            sql(owner, "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id) VALUES (?, ?)", tenants.get("owned"), reseller);
            sql(owner, "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id) VALUES (?, ?)", tenants.get("chose"), reseller);
            sql(owner, "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id, bundle_id, bundle_version) VALUES (?, ?, ?, 1)",
                tenants.get("bundled"), reseller, bundle);
        }
        HttpResult chosen = kernel().put("/api/v1/tenants/" + slug + "-chose/plugins/receptionist/config", kernel().adminToken(),
                                         Map.of("assistantName", "Lotte"));
        assertEquals(200, chosen.status(), chosen.body());

        assertGreetedBy("Sara", slug + "-owned");
        assertGreetedBy("Maja", slug + "-bundled");
        assertGreetedBy("Ava", slug + "-direct");
        assertGreetedBy("Lotte", slug + "-chose");
    }

    static void assertGreetedBy(String assistant, String tenant) {
        HttpResult started = kernel().post("/api/v1/tenants/" + tenant + "/receptionist/conversations", kernel().adminToken(),
                                           Map.of("channel", "chat"));
        assertEquals(201, started.status(), started.body());
        String greeting = started.json().get("greeting").asText();
        assertTrue(greeting.contains("I'm " + assistant + ","), tenant + ": " + greeting);
    }

    private static void sql(Connection connection, String sql, Object... params) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }
}
