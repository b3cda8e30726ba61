package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.marketplace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.MarketplaceRefusal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bundles: created and versioned by a reseller, given to a sub-tenant with the reseller's consent on its behalf, rolled
 * out with the kernel's re-consent where permissions grow; invisible to other resellers.
 */
class BundlesTest {
    private static final String VERSION = "0.1.0-SNAPSHOT";

    /** The core plugins on the shared kernel, as the platform runs them. */
    @BeforeAll
    static void installCorePlugins() {
        for (String id : List.of("crm", "ai-gateway", "receptionist")) {
            if (kernel().get("/api/v1/plugins/" + id, kernel().adminToken()).status() != 200) {
                HttpResult installed = upload(corePluginJar(id));
                assertEquals(201, installed.status(), installed.body());
            }
        }
    }

    private static byte[] corePluginJar(String id) {
        Path jar = Path.of(System.getProperty(id + ".plugin.jar", "../core-plugins/" + id + "/target/" + id + "-plugin-" + VERSION + ".jar"));
        try {
            return Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException("package the core plugins first (mvn install): " + jar, e);
        }
    }

    private static HttpResult upload(byte[] jar) {
        return kernel().send(kernel().request("/api/v1/plugins", kernel().adminToken()).header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jar)).build());
    }

    private record Account(String id, String slug, String key) {
        String path() {
            return "/api/v1/resellers/" + slug;
        }
    }

    private static Account reseller(String slug) {
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Reseller " + slug, "slug", slug));
        assertEquals(201, created.status(), created.body());
        return new Account(created.json().get("id").asText(), slug, created.json().get("apiKey").asText());
    }

    private static Reseller record(Account account) {
        UUID keyId = UUID.fromString(query("SELECT api_key_id::text FROM marketplace.resellers WHERE id = ?::uuid", account.id()).get(0));
        return new Reseller(UUID.fromString(account.id()), account.slug(), "Reseller " + account.slug(), keyId, Instant.now());
    }

    /** The reseller's own credential, as the sub-tenant endpoint passes it. */
    private static Principal principal(Reseller reseller) {
        return new Principal("api-key:" + reseller.apiKeyId(), Role.RESELLER, Optional.empty(), reseller.apiKeyId().toString(), false);
    }

    private static Map<String, Object> clinic(String name) {
        return Map.of("name", name,
                      "plugins", List.of(Map.of("id", "crm"), Map.of("id", "ai-gateway"),
                                         Map.of("id", "receptionist", "config", Map.of("assistantName", "Sara", "tone", "formal"))),
                      "branding", Map.of("productName", "Nordic Reception", "assistantName", "Sara",
                                         "colours", Map.of("primary", "#0A7D5C", "accent", "#ffcc00")));
    }

    @Test
    void aBundleGivesASubTenantItsPluginsWithTheResellersConsentAndItsAdminCanWithdrawAGrant() {
        Account nordic = reseller("bundle-nordic");
        HttpResult created = kernel().post(nordic.path() + "/bundles", nordic.key(), clinic("Clinic"));
        assertEquals(201, created.status(), created.body());
        String bundleId = created.json().get("id").asText();
        assertEquals(1, created.json().get("version").asInt());
        assertEquals("#0a7d5c", created.json().at("/branding/colours/primary").asText());
        JsonNode receptionist = pinned(created.json(), "receptionist");
        assertEquals(installedVersion("receptionist"), receptionist.get("version").asText());
        assertTrue(receptionist.get("plan").isNull(), "a first-party plugin the marketplace does not sell has no plan");
        assertEquals("Sara", receptionist.at("/config/assistantName").asText());
        assertEquals(declared("receptionist"), permissionNames(receptionist));
        receptionist.get("permissions").forEach(p -> assertTrue(p.get("reason").asText().length() > 10, p.toString()));

        HttpResult second = kernel().post(nordic.path() + "/bundles/Clinic/versions", nordic.key(), Map.of(
                "plugins", List.of(Map.of("id", "crm", "reasons", Map.of("storage", "Keeps your patients' contact details.")),
                                   Map.of("id", "ai-gateway"),
                                   Map.of("id", "receptionist")),
                "branding", Map.of("productName", "Nordic Reception", "assistantName", "Sara")));
        assertEquals(201, second.status(), second.body());
        assertEquals(2, second.json().get("version").asInt());
        assertEquals("Sara", second.json().at("/branding/assistantName").asText(), second.body());
        assertTrue(pinned(second.json(), "receptionist").get("config").isNull(),
                   "branding is not copied into configuration: plugins read it as the tenant's branding");
        assertEquals("Keeps your patients' contact details.", pinned(second.json(), "crm").get("permissions").findValues("reason").stream()
                .map(JsonNode::asText).filter(r -> r.startsWith("Keeps your")).findFirst().orElseThrow());

        JsonNode bundle = kernel().get(nordic.path() + "/bundles/Clinic", nordic.key()).json();
        assertEquals(bundleId, bundle.get("id").asText());
        assertEquals(2, bundle.at("/latest/version").asInt());
        assertEquals(2, bundle.get("versions").size());
        assertEquals("formal", pinned(kernel().get(nordic.path() + "/bundles/" + bundleId + "/versions/1", kernel().adminToken()).json(),
                                      "receptionist").at("/config/tone").asText(), "the platform admin reads it too");
        assertEquals(1, kernel().get(nordic.path() + "/bundles", nordic.key()).json().get("items").size());
        assertEquals(404, kernel().get(nordic.path() + "/bundles/Clinic/versions/3", nordic.key()).status());

        // The sub-tenant: created by the platform admin here; the sub-tenant endpoint does the same and calls provision.
        String adminKey = MarketplaceFixture.tenantAdmin("bundle-hansen");
        UUID tenant = tenantId("bundle-hansen");
        Reseller reseller = record(nordic);
        BundleProvisioning provisioning = marketplace().bundles();
        BundleProvisioning.BundleRef ref = provisioning.resolve(reseller, "Clinic");
        assertEquals(new BundleProvisioning.BundleRef(UUID.fromString(bundleId), 2), ref);
        provisioning.provision(reseller, tenant, ref, principal(reseller));

        JsonNode plugins = kernel().get("/api/v1/tenants/bundle-hansen/plugins", adminKey).json();
        for (String id : List.of("crm", "ai-gateway", "receptionist")) {
            JsonNode state = item(plugins, id);
            assertEquals("enabled", state.get("state").asText(), state.toString());
            assertEquals(declared(id), names(state.get("grantedPermissions")), "exactly what " + id + " declares");
        }
        ResellerGreetingTest.assertGreetedBy("Sara", "bundle-hansen");
        assertEquals("2", query("SELECT bundle_version::text FROM marketplace.reseller_tenants WHERE tenant_id = ?::uuid", tenant.toString())
                .get(0));
        // The reseller's consent is on the tenant's audit trail, naming the reseller as the contracting party.
        List<String> consents = query("SELECT actor || ' ' || target || ' ' || details FROM kernel.audit_log WHERE tenant_id = ?::uuid"
                                      + " AND action = 'marketplace.bundle.consent' ORDER BY seq", tenant.toString());
        assertEquals(3, consents.size(), consents.toString());
        consents.forEach(c -> assertTrue(c.startsWith("api-key:" + reseller.apiKeyId()) && c.contains("reseller:" + nordic.id())
                                         && c.contains("contracting-party"), c));

        // The tenant's admin withdraws one grant through the kernel's enablement API.
        HttpResult withdrawn = kernel().delete("/api/v1/tenants/bundle-hansen/plugins/crm/grants/events:publish", adminKey);
        assertTrue(withdrawn.status() / 100 == 2, withdrawn.body());
        assertTrue(!names(item(kernel().get("/api/v1/tenants/bundle-hansen/plugins", adminKey).json(), "crm").get("grantedPermissions"))
                .contains("events:publish"));
    }

    @Test
    void badContentIsRefusedNamingEveryFieldAndNothingIsWritten() {
        Account account = reseller("bundle-strict");
        HttpResult refused = kernel().post(account.path() + "/bundles", account.key(), Map.of(
                "name", "Broken",
                "plugins", List.of(Map.of("id", "no-such-plugin"), Map.of("id", "crm", "version", "9.9.9"),
                                   Map.of("id", "receptionist", "config", Map.of("assistantName", "", "mood", "x"),
                                          "reasons", Map.of("scheduler", " ", "secrets", "not declared")),
                                   Map.of("id", "ai-gateway", "plan", "pro")),
                "branding", Map.of("colours", Map.of("primary", "green"), "supportEmail", "nobody", "logoUrl", "http://x.test/l.png",
                                   "slogan", "x")));
        assertEquals(422, refused.status(), refused.body());
        for (String field : List.of("plugins[0].id", "plugins[1].version", "plugins[2].config.assistantName", "plugins[2].config.mood",
                                    "plugins[2].reasons.scheduler", "plugins[2].reasons.secrets", "plugins[3].plan",
                                    "branding.colours.primary", "branding.supportEmail", "branding.logoUrl", "branding.slogan")) {
            assertTrue(refused.body().contains("\"" + field + "\""), field + " in " + refused.body());
        }
        HttpResult longName = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Long",
                "plugins", List.of(Map.of("id", "ai-gateway"), Map.of("id", "receptionist")),
                "branding", Map.of("assistantName", "S".repeat(61))));
        assertTrue(longName.status() == 422 && longName.body().contains("branding.assistantName"), longName.body());
        HttpResult noProvider = kernel().post(account.path() + "/bundles", account.key(),
                                              Map.of("name", "Alone", "plugins", List.of(Map.of("id", "receptionist"))));
        assertEquals(422, noProvider.status(), noProvider.body());
        assertTrue(noProvider.body().contains("ai-gateway"), noProvider.body());
        assertEquals(422, kernel().post(account.path() + "/bundles", account.key(), Map.of("plugins", List.of())).status());
        assertEquals(0, kernel().get(account.path() + "/bundles", account.key()).json().get("items").size(), "no partial write");

        assertEquals(201, kernel().post(account.path() + "/bundles", account.key(), clinic("Twice")).status());
        assertEquals(409, kernel().post(account.path() + "/bundles", account.key(), clinic("Twice")).status());
        assertEquals(422, kernel().post(account.path() + "/bundles/Twice/rollout", account.key(), Map.of("version", "two")).status());
        assertEquals(404, kernel().post(account.path() + "/bundles/Twice/rollout", account.key(), Map.of("version", 5)).status());
    }

    @Test
    void anotherResellerCannotSeeOrUseTheBundle() {
        Account owner = reseller("bundle-owner");
        Account other = reseller("bundle-other");
        String id = kernel().post(owner.path() + "/bundles", owner.key(), clinic("Private")).json().get("id").asText();
        assertEquals(404, kernel().get(owner.path() + "/bundles/" + id, other.key()).status(), "not through the owner's path");
        assertEquals(404, kernel().get(other.path() + "/bundles/" + id, other.key()).status(), "nor as its own");
        assertEquals(404, kernel().get(other.path() + "/bundles/Private", other.key()).status());
        assertEquals(404, kernel().post(other.path() + "/bundles/" + id + "/versions", other.key(),
                                        Map.of("plugins", List.of(Map.of("id", "crm")))).status());
        assertEquals(404, kernel().post(other.path() + "/bundles/" + id + "/rollout", other.key(), Map.of("version", 1)).status());
        assertEquals(0, kernel().get(other.path() + "/bundles", other.key()).json().get("items").size());
        MarketplaceRefusal unknown = assertThrows(MarketplaceRefusal.class, () -> marketplace().bundles().resolve(record(other), id));
        assertEquals("bundle-unknown", unknown.type());
        String tenantKey = MarketplaceFixture.tenantAdmin("bundle-nosy");
        assertEquals(404, kernel().get(owner.path() + "/bundles/" + id, tenantKey).status(), "a tenant key is no reseller");
    }

    @Test
    void aRolloutUpgradesSubTenantsAndWaitsForTheTenantsConsentWherePermissionsGrow() {
        install(MarketplaceFixture.helloJar("bundle-grow", "1.0.0", List.of("storage")));
        install(MarketplaceFixture.helloJar("bundle-same", "1.0.0", List.of("storage")));
        install(MarketplaceFixture.pluginJar("bundle-new", "1.0.0", List.of("storage"), List.of(),
                "config:\n  greeting:\n    type: string\n", "", null));
        Account account = reseller("bundle-rollout");
        Reseller reseller = record(account);
        HttpResult v1 = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Growing",
                "plugins", List.of(Map.of("id", "bundle-grow"), Map.of("id", "bundle-same"))));
        assertEquals(201, v1.status(), v1.body());
        List<String> keys = new ArrayList<>();
        List<UUID> tenants = new ArrayList<>();
        for (String slug : List.of("bundle-roll-a", "bundle-roll-b")) {
            keys.add(MarketplaceFixture.tenantAdmin(slug));
            tenants.add(tenantId(slug));
            BundleProvisioning.BundleRef ref = marketplace().bundles().resolve(reseller, "Growing");
            marketplace().bundles().provision(reseller, tenants.get(tenants.size() - 1), ref, principal(reseller));
        }

        // The platform upgrades both plugins; only one asks for more.
        install(MarketplaceFixture.helloJar("bundle-grow", "1.1.0", List.of("storage", "events:publish")));
        install(MarketplaceFixture.helloJar("bundle-same", "1.1.0", List.of("storage")));
        MarketplaceRefusal outdated = assertThrows(MarketplaceRefusal.class, () -> {
            MarketplaceFixture.tenantAdmin("bundle-roll-late");
            marketplace().bundles().provision(reseller, tenantId("bundle-roll-late"),
                                              marketplace().bundles().resolve(reseller, "Growing"), principal(reseller));
        });
        assertEquals("bundle-outdated", outdated.type(), "the reseller never consented to events:publish");

        HttpResult v2 = kernel().post(account.path() + "/bundles/Growing/versions", account.key(), Map.of(
                "plugins", List.of(Map.of("id", "bundle-grow"), Map.of("id", "bundle-same"),
                                   Map.of("id", "bundle-new", "config", Map.of("greeting", "Hej")))));
        assertEquals(201, v2.status(), v2.body());
        assertEquals("1.1.0", pinned(v2.json(), "bundle-grow").get("version").asText());

        HttpResult rolled = kernel().post(account.path() + "/bundles/Growing/rollout", account.key(), Map.of("version", 2));
        assertEquals(200, rolled.status(), rolled.body());
        assertEquals(2, rolled.json().get("tenants").size(), rolled.body());
        for (JsonNode outcome : rolled.json().get("tenants")) {
            assertEquals("awaiting-consent", outcome.get("outcome").asText(), outcome.toString());
            assertEquals("bundle-grow", outcome.at("/awaitingConsent/0/plugin").asText());
            assertEquals("events:publish", outcome.at("/awaitingConsent/0/permissions/0/permission").asText());
            assertEquals("bundle-new", outcome.at("/enabled/0").asText());
        }
        JsonNode a = kernel().get("/api/v1/tenants/bundle-roll-a/plugins", keys.get(0)).json();
        assertEquals("upgrade-awaiting-consent", item(a, "bundle-grow").get("state").asText(), "not granted silently");
        assertEquals(Set.of("storage"), names(item(a, "bundle-grow").get("grantedPermissions")));
        assertEquals("1.1.0", item(a, "bundle-same").get("activeVersion").asText());
        assertEquals("enabled", item(a, "bundle-new").get("state").asText());
        assertEquals("Hej", kernel().get("/api/v1/tenants/bundle-roll-a/plugins/bundle-new/config", keys.get(0)).json().get("greeting").asText());

        // Tenant a's admin consents in the kernel; a further version rolls out: a is upgraded, b still waits.
        HttpResult consent = kernel().put("/api/v1/tenants/bundle-roll-a/plugins/bundle-grow", keys.get(0),
                                          Map.of("grantedPermissions", List.of("storage", "events:publish")));
        assertEquals(200, consent.status(), consent.body());
        assertEquals(201, kernel().post(account.path() + "/bundles/Growing/versions", account.key(), Map.of(
                "plugins", List.of(Map.of("id", "bundle-grow"), Map.of("id", "bundle-same"), Map.of("id", "bundle-new")))).status());
        JsonNode third = kernel().post(account.path() + "/bundles/Growing/rollout", kernel().adminToken(), Map.of("version", 3)).json();
        assertEquals("upgraded", outcomeOf(third, tenants.get(0)).get("outcome").asText(), third.toString());
        assertEquals(0, outcomeOf(third, tenants.get(0)).get("enabled").size(), "nothing enabled twice");
        assertEquals("awaiting-consent", outcomeOf(third, tenants.get(1)).get("outcome").asText(), third.toString());
        assertEquals(List.of("3", "3"), query("SELECT bundle_version::text FROM marketplace.reseller_tenants WHERE tenant_id IN "
                + "(?::uuid, ?::uuid)", tenants.get(0).toString(), tenants.get(1).toString()));
        assertEquals(0, kernel().post(account.path() + "/bundles/Growing/rollout", account.key(), Map.of("version", 3)).json()
                .get("tenants").size(), "no tenant is on an older version any more");

        // A plugin new in version 4 whose platform version now asks for more than the bundle lists: nothing is given.
        install(MarketplaceFixture.helloJar("bundle-late", "1.0.0", List.of("storage")));
        assertEquals(201, kernel().post(account.path() + "/bundles/Growing/versions", account.key(), Map.of(
                "plugins", List.of(Map.of("id", "bundle-grow"), Map.of("id", "bundle-same"), Map.of("id", "bundle-new"),
                                   Map.of("id", "bundle-late")))).status());
        install(MarketplaceFixture.helloJar("bundle-late", "1.1.0", List.of("storage", "scheduler")));
        JsonNode fourth = kernel().post(account.path() + "/bundles/Growing/rollout", account.key(), Map.of("version", 4)).json();
        for (UUID tenant : tenants) {
            JsonNode outcome = outcomeOf(fourth, tenant);
            assertEquals("failed", outcome.get("outcome").asText(), fourth.toString());
            assertTrue(outcome.get("reason").asText().contains("bundle-late") && outcome.get("reason").asText().contains("scheduler"),
                       outcome.toString());
        }
        assertEquals("disabled", item(kernel().get("/api/v1/tenants/bundle-roll-a/plugins", keys.get(0)).json(), "bundle-late")
                .get("state").asText());
        assertEquals(List.of("3", "3"), query("SELECT bundle_version::text FROM marketplace.reseller_tenants WHERE tenant_id IN "
                + "(?::uuid, ?::uuid)", tenants.get(0).toString(), tenants.get(1).toString()), "a later rollout tries again");
    }

    @Test
    void aListedPluginIsPinnedToAFreePlanAndInstalledWithItsLicence() {
        MarketplaceFixture.Publisher publisher = MarketplaceFixture.publisher("bundle-publisher", "bundlepub");
        JsonNode reviewed = MarketplaceFixture.submitAndReview(publisher, MarketplaceFixture.signed(publisher,
                MarketplaceFixture.helloJar("bundle-listed", "1.0.0", List.of("storage"))));
        assertEquals(200, MarketplaceFixture.approve(reviewed.get("id").asText()).status());
        ownerSql("INSERT INTO marketplace.plans (plugin_id, plan_id, kind, amount, currency) VALUES ('bundle-listed', 'pro', 'one-time', 4900, 'EUR')");
        Account account = reseller("bundle-seller");

        HttpResult noPlan = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Sold",
                "plugins", List.of(Map.of("id", "bundle-listed"))));
        assertEquals(422, noPlan.status(), noPlan.body());
        assertTrue(noPlan.body().contains("plugins[0].plan") && noPlan.body().contains("free"), noPlan.body());
        HttpResult unknown = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Sold",
                "plugins", List.of(Map.of("id", "bundle-listed", "plan", "gold"))));
        assertTrue(unknown.status() == 422 && unknown.body().contains("plugins[0].plan"), unknown.body());
        HttpResult paid = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Sold",
                "plugins", List.of(Map.of("id", "bundle-listed", "plan", "pro"))));
        assertEquals(422, paid.status(), paid.body());
        assertEquals("urn:voicecore:problem:bundle-plan-not-free", paid.json().get("type").asText());

        HttpResult created = kernel().post(account.path() + "/bundles", account.key(), Map.of("name", "Sold",
                "plugins", List.of(Map.of("id", "bundle-listed", "plan", "free"))));
        assertEquals(201, created.status(), created.body());
        String tenantKey = MarketplaceFixture.tenantAdmin("bundle-buyer");
        Reseller reseller = record(account);
        marketplace().bundles().provision(reseller, tenantId("bundle-buyer"), marketplace().bundles().resolve(reseller, "Sold"),
                                          principal(reseller));
        HttpResult install = kernel().get("/api/v1/tenants/bundle-buyer/marketplace/installs/bundle-listed", tenantKey);
        assertEquals(200, install.status(), install.body());
        assertEquals("free", install.json().get("plan").asText(), install.body());
        HttpResult call = kernel().get("/api/v1/tenants/bundle-buyer/bundle-listed/hello", tenantKey);
        assertEquals(200, call.status(), "the licence from the install serves the call: " + call.body());
    }

    private static void ownerSql(String sql) {
        try (Connection connection = kernel().ownerConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode outcomeOf(JsonNode rollout, UUID tenant) {
        for (JsonNode outcome : rollout.get("tenants")) {
            if (outcome.get("tenant").asText().equals(tenant.toString())) {
                return outcome;
            }
        }
        throw new AssertionError("no outcome for " + tenant + " in " + rollout);
    }

    private static void install(byte[] jar) {
        HttpResult installed = upload(jar);
        assertEquals(201, installed.status(), installed.body());
    }

    private static UUID tenantId(String slug) {
        return UUID.fromString(kernel().get("/api/v1/tenants/" + slug, kernel().adminToken()).json().get("id").asText());
    }

    private static String installedVersion(String id) {
        return kernel().get("/api/v1/plugins/" + id, kernel().adminToken()).json().get("version").asText();
    }

    private static Set<String> declared(String id) {
        Set<String> names = new TreeSet<>();
        kernel().get("/api/v1/plugins/" + id, kernel().adminToken()).json().get("permissions").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    private static Set<String> permissionNames(JsonNode pinned) {
        Set<String> names = new TreeSet<>();
        pinned.get("permissions").forEach(p -> names.add(p.get("permission").asText()));
        return names;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static JsonNode pinned(JsonNode version, String id) {
        for (JsonNode plugin : version.get("plugins")) {
            if (plugin.get("id").asText().equals(id)) {
                return plugin;
            }
        }
        throw new AssertionError("no " + id + " in " + version);
    }

    private static JsonNode item(JsonNode plugins, String id) {
        JsonNode items = plugins.has("items") ? plugins.get("items") : plugins;
        for (JsonNode item : items) {
            if (item.get("id").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError("no " + id + " in " + plugins);
    }

    private static List<String> query(String sql, String... params) {
        try (Connection connection = kernel().ownerConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
