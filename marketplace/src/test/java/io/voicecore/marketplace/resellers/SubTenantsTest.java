package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.Test;

/** A reseller's sub-tenants: created, listed, suspended and deleted by the reseller, and nothing beyond them. */
class SubTenantsTest {

    record ResellerAccount(String id, String slug, String key) {
        String tenants() {
            return "/api/v1/resellers/" + slug + "/tenants";
        }
    }

    static ResellerAccount reseller(String slug) {
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", slug + " Voice", "slug", slug));
        assertEquals(201, created.status(), created.body());
        return new ResellerAccount(created.json().get("id").asText(), slug, created.json().get("apiKey").asText());
    }

    static JsonNode subTenant(ResellerAccount reseller, String slug) {
        HttpResult created = kernel().post(reseller.tenants(), reseller.key(), Map.of("name", "Tandlæge " + slug, "slug", slug));
        assertEquals(201, created.status(), created.body());
        return created.json();
    }

    @Test
    void aResellerCreatesARealTenantWithATenantAdminKeyAndSeesItsManagementData() {
        ResellerAccount nordic = reseller("nordic-sub");
        JsonNode hansen = subTenant(nordic, "hansen-sub");
        String id = hansen.get("id").asText();
        assertEquals("hansen-sub", hansen.get("slug").asText());
        assertEquals("Tandlæge hansen-sub", hansen.get("name").asText());
        assertEquals("active", hansen.get("state").asText());
        String tenantKey = hansen.get("apiKey").asText();
        assertTrue(tenantKey.startsWith("vck_"), tenantKey);

        HttpResult asTenant = kernel().get("/api/v1/tenants/" + id + "/users", tenantKey);
        assertEquals(200, asTenant.status(), "the key is a tenant-admin key of the new tenant: " + asTenant.body());
        HttpResult audit = kernel().get("/api/v1/tenants/" + id + "/audit", tenantKey);
        assertEquals(200, audit.status(), audit.body());
        assertTrue(audit.body().contains("marketplace.reseller.tenant.create") && audit.body().contains(nordic.id()), audit.body());

        // This month's usage, from the kernel's usage records.
        kernel().kernel().services().usage().record(UUID.fromString(id), "receptionist", "calls", 3, "call");
        JsonNode read = kernel().get(nordic.tenants() + "/hansen-sub", nordic.key()).json();
        assertEquals(id, read.get("id").asText());
        assertTrue(read.get("plugins").isArray());
        JsonNode meters = read.get("usage").get("meters");
        assertEquals(1, meters.size(), read.toString());
        assertEquals("receptionist", meters.get(0).get("plugin").asText());
        assertEquals(3, meters.get(0).get("quantity").asInt());
        assertFalse(read.has("apiKey"), "the key is answered once only");

        assertEquals(409, kernel().post(nordic.tenants(), nordic.key(), Map.of("name", "Again", "slug", "hansen-sub")).status());
        HttpResult bad = kernel().post(nordic.tenants(), nordic.key(), Map.of("name", "", "slug", "Not A Slug", "colour", "red"));
        assertEquals(422, bad.status(), bad.body());
        assertTrue(bad.body().contains("name") && bad.body().contains("slug") && bad.body().contains("colour"), bad.body());
    }

    @Test
    void aSubTenantCreatedFromABundleHasItsPluginsAndTheBundlesAssistantName() {
        BundlesTest.installCorePlugins();
        ResellerAccount nordic = reseller("nordic-bundled");
        HttpResult bundle = kernel().post("/api/v1/resellers/nordic-bundled/bundles", nordic.key(), Map.of("name", "Clinic",
                "plugins", List.of(Map.of("id", "crm"), Map.of("id", "ai-gateway"), Map.of("id", "receptionist")),
                "branding", Map.of("productName", "Nordic Reception", "assistantName", "Sara")));
        assertEquals(201, bundle.status(), bundle.body());

        HttpResult created = kernel().post(nordic.tenants(), nordic.key(),
                                           Map.of("name", "Tandlæge Hansen", "slug", "hansen-bundled", "bundle", "Clinic"));
        assertEquals(201, created.status(), created.body());
        assertEquals(bundle.json().get("id").asText(), created.json().at("/bundle/id").asText());
        assertEquals(1, created.json().at("/bundle/version").asInt());
        List<String> plugins = new ArrayList<>();
        created.json().get("plugins").forEach(plugin -> plugins.add(plugin.get("id").asText()));
        assertEquals(List.of("ai-gateway", "crm", "receptionist"), plugins);
        ResellerGreetingTest.assertGreetedBy("Sara", "hansen-bundled");
    }

    @Test
    void anUnknownBundleIsRefusedBeforeAnythingIsCreated() {
        ResellerAccount reseller = reseller("bundle-less");
        HttpResult refused = kernel().post(reseller.tenants(), reseller.key(), Map.of("name", "Clinic", "slug", "no-bundle", "bundle", "Clinic"));
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("bundle-unknown"), refused.body());
        assertEquals(404, kernel().get("/api/v1/tenants/no-bundle", kernel().adminToken()).status(), "no tenant was created");
    }

    @Test
    void theListIsPagedAndHoldsOnlyTheResellersOwnTenants() {
        ResellerAccount mine = reseller("pager-a");
        ResellerAccount theirs = reseller("pager-b");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(subTenant(mine, "pager-a-" + i).get("id").asText());
        }
        String foreign = subTenant(theirs, "pager-b-0").get("id").asText();
        kernel().createTenant("pager-direct");

        List<String> listed = new ArrayList<>();
        String next = null;
        do {
            HttpResult page = kernel().get(mine.tenants() + "?limit=2" + (next == null ? "" : "&cursor=" + next), mine.key());
            assertEquals(200, page.status(), page.body());
            page.json().get("items").forEach(item -> listed.add(item.get("id").asText()));
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (next != null);
        // Created within one second of the tests' clock: the order among them is by id, so compare them sorted.
        assertEquals(created.stream().sorted().toList(), listed.stream().sorted().toList());

        for (String path : List.of("/" + foreign, "/pager-direct", "/pager-b-0", "/" + UUID.randomUUID())) {
            HttpResult missing = kernel().get(mine.tenants() + path, mine.key());
            assertEquals(404, missing.status(), path + ": " + missing.body());
            assertTrue(missing.body().contains("tenant-not-found"), missing.body());
            assertEquals(404, kernel().post(mine.tenants() + path + "/suspension", mine.key(), Map.of()).status(), path);
            assertEquals(404, kernel().delete(mine.tenants() + path, mine.key()).status(), path);
        }
        assertEquals(404, kernel().get(theirs.tenants(), mine.key()).status(), "another reseller's list does not exist for it");
        assertEquals(200, kernel().get(theirs.tenants() + "/" + foreign, kernel().adminToken()).status(), "the platform admin sees it");
    }

    @Test
    void aResellersKeyReachesNoTenantsBusinessDataNorTheKernelsTenantAdministration() {
        ResellerAccount reseller = reseller("no-data");
        String id = subTenant(reseller, "no-data-t").get("id").asText();
        for (String path : List.of("/api/v1/tenants/" + id, "/api/v1/tenants/" + id + "/crm/contacts", "/api/v1/tenants/" + id + "/users",
                                   "/api/v1/tenants/" + id + "/audit", "/api/v1/tenants/" + id + "/api-keys",
                                   "/api/v1/tenants/" + id + "/usage", "/api/v1/tenants/" + id + "/marketplace/installs",
                                   "/api/v1/tenants/" + id + "/marketplace/support-grants")) {
            int status = kernel().get(path, reseller.key()).status();
            assertTrue(status == 403 || status == 404, path + " answered " + status);
        }
        assertEquals(403, kernel().post("/api/v1/tenants", reseller.key(), Map.of("name", "Mine", "slug", "via-kernel")).status());
        assertEquals(403, kernel().get("/api/v1/tenants", reseller.key()).status());
        assertEquals(404, kernel().patch("/api/v1/tenants/" + id, reseller.key(), Map.of("status", "suspended")).status());
    }

    @Test
    void suspensionStopsTheTenantsCredentialsAndDeletionRemovesTheTenant() {
        ResellerAccount reseller = reseller("lifecycle");
        JsonNode tenant = subTenant(reseller, "lifecycle-t");
        String key = tenant.get("apiKey").asText();
        String path = reseller.tenants() + "/lifecycle-t";

        HttpResult suspended = kernel().post(path + "/suspension", reseller.key(), Map.of());
        assertEquals(200, suspended.status(), suspended.body());
        assertEquals("suspended", suspended.json().get("state").asText());
        assertEquals(403, kernel().get("/api/v1/tenants/lifecycle-t", key).status(), "a suspended tenant's key is refused");
        HttpResult resumed = kernel().delete(path + "/suspension", reseller.key());
        assertEquals("active", resumed.json().get("state").asText(), resumed.body());
        assertEquals(200, kernel().get("/api/v1/tenants/lifecycle-t", key).status());

        // Rows in several kernel tables: usage, a user and its session; and the marketplace's support records.
        kernel().kernel().services().usage().record(UUID.fromString(tenant.get("id").asText()), "receptionist", "calls", 1, "call");
        assertEquals(201, kernel().post("/api/v1/tenants/lifecycle-t/marketplace/support-grants", key,
                                        Map.of("hours", 1, "reason", "before deletion")).status());
        String support = kernel().post(path + "/support-sessions", reseller.key(), Map.of()).json().get("token").asText();

        assertEquals(204, kernel().delete(path, reseller.key()).status());
        assertEquals(401, kernel().get("/api/v1/tenants/lifecycle-t", support).status(), "its sessions are gone");
        assertEquals(404, kernel().get(path, reseller.key()).status());
        assertEquals(404, kernel().get("/api/v1/tenants/lifecycle-t", kernel().adminToken()).status(), "the kernel tenant is gone");
        int afterDeletion = kernel().get("/api/v1/tenants/lifecycle-t", key).status();
        assertTrue(afterDeletion == 401 || afterDeletion == 403, "the deleted tenant's key answered " + afterDeletion);
        assertEquals(201, kernel().post(reseller.tenants(), reseller.key(), Map.of("name", "Again", "slug", "lifecycle-t")).status(),
                     "the slug is free again");

        // The reseller's portal still counts the deleted tenant as churn in the month it left.
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        HttpResult revenue = kernel().get("/api/v1/resellers/lifecycle/revenue?month=" + month, reseller.key());
        assertEquals(200, revenue.status(), revenue.body());
        assertEquals(tenant.get("id").asText(), revenue.json().at("/departures/0/tenant").asText(), revenue.body());
        assertEquals(1, revenue.json().get("churnedSubTenants").asInt(), revenue.body());
    }

    @Test
    void aBundleThatFailsToProvisionLeavesNoTenantKeyOrOwnership() {
        KernelServices services = kernel().kernel().services();
        ResellerAccount account = reseller("undo");
        UUID bundleId = UUID.randomUUID();
        services.database().inPlatform(tx -> {
            tx.dml("INSERT INTO marketplace.bundles (id, reseller_id, name) VALUES (?, ?, 'Clinic')", bundleId, UUID.fromString(account.id()));
            return tx.dml("INSERT INTO marketplace.bundle_versions (bundle_id, version, plugins, created_by) VALUES (?, 1, '[]', 'test')", bundleId);
        });
        // The provisioning contract's failing side: the bundle resolves, installing it fails.
        BundleProvisioning failing = new BundleProvisioning() {
            @Override
            public BundleRef resolve(Reseller reseller, String reference) {
                return new BundleRef(bundleId, 1);
            }

            @Override
            public void provision(Reseller reseller, UUID tenantId, BundleRef bundle, Principal actor) {
                throw new IllegalStateException("the receptionist plugin is not available");
            }
        };
        SubTenants subTenants = new SubTenants(services.database(), services.tenantService(), services.tenants(), services.apiKeys(),
                                               services.usage(), services.audit(), failing, CLOCK);
        Reseller reseller = new Resellers(services.database(), services.apiKeys(), services.audit()).byId(UUID.fromString(account.id()))
                .orElseThrow();
        Principal admin = new Principal("platform-admin", io.voicecore.kernel.access.Role.PLATFORM_ADMIN, Optional.empty(), "test", false);
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> subTenants.create(reseller, "Undone", "undone-t", Optional.of("Clinic"), admin));
        assertEquals("the receptionist plugin is not available", failure.getMessage());
        assertEquals(404, kernel().get("/api/v1/tenants/undone-t", kernel().adminToken()).status(), "no tenant remains");
        Long keys = services.database().inPlatform(tx -> tx.get(
                "SELECT count(*) AS n FROM kernel.api_keys WHERE name LIKE '%created by reseller undo'").orElseThrow().column("n").get(Long.class));
        assertEquals(0L, keys, "no key remains");
        assertEquals("[]", kernel().get(account.tenants(), account.key()).json().get("items").toString(), "no ownership remains");
    }
}
