package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.testing.HttpResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For random resellers, sub-tenants, direct tenants and support grants: a reseller's principal reaches exactly its own
 * sub-tenants' management data and never a tenant's business data except through a session under an active grant, both
 * through the API and through SQL that forgets its reseller filter.
 */
class ResellerAccessProperties {
    private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);
    private static final AtomicInteger NAMES = new AtomicInteger();

    enum Grant { NONE, ACTIVE, REVOKED }

    /** Each reseller with the grant state of each of its sub-tenants, and how many tenants no reseller owns. */
    record World(List<List<Grant>> resellers, int directTenants) {
    }

    private record Placed(String reseller, String resellerKey, String resellerSlug, Set<String> subTenants) {
    }

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<List<Grant>> subTenants = Arbitraries.of(Grant.class).list().ofMaxSize(2);
        return Combinators.combine(subTenants.list().ofMinSize(1).ofMaxSize(3), Arbitraries.integers().between(0, 2)).as(World::new);
    }

    @Property(tries = 15)
    void aResellerReachesExactlyItsOwnSubTenantsAndNoBusinessDataWithoutAGrant(@ForAll("worlds") World world) throws SQLException {
        List<Placed> resellers = new ArrayList<>();
        Map<String, Grant> grantOf = new HashMap<>();
        List<String> everyTenant = new ArrayList<>();
        for (List<Grant> grants : world.resellers()) {
            String slug = "prop-" + RUN + "-" + NAMES.incrementAndGet();
            HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", slug, "slug", slug));
            assertEquals(201, created.status(), created.body());
            Placed reseller = new Placed(created.json().get("id").asText(), created.json().get("apiKey").asText(), slug, new HashSet<>());
            for (Grant grant : grants) {
                String tenantSlug = slug + "-t" + NAMES.incrementAndGet();
                HttpResult tenant = kernel().post("/api/v1/resellers/" + slug + "/tenants", reseller.resellerKey(),
                                                  Map.of("name", tenantSlug, "slug", tenantSlug));
                assertEquals(201, tenant.status(), tenant.body());
                String id = tenant.json().get("id").asText();
                reseller.subTenants().add(id);
                everyTenant.add(id);
                grantOf.put(id, grant);
                give(id, tenant.json().get("apiKey").asText(), grant);
            }
            resellers.add(reseller);
        }
        for (int i = 0; i < world.directTenants(); i++) {
            everyTenant.add(kernel().createTenant("prop-" + RUN + "-d" + NAMES.incrementAndGet()));
        }

        for (Placed reseller : resellers) {
            String base = "/api/v1/resellers/" + reseller.resellerSlug() + "/tenants";
            Set<String> listed = new HashSet<>();
            kernel().get(base + "?limit=500", reseller.resellerKey()).json().get("items").forEach(item -> listed.add(item.get("id").asText()));
            assertEquals(reseller.subTenants(), listed, "the list holds exactly its own sub-tenants");

            for (String tenant : everyTenant) {
                boolean own = reseller.subTenants().contains(tenant);
                assertEquals(own ? 200 : 404, kernel().get(base + "/" + tenant, reseller.resellerKey()).status(), tenant);
                for (String business : List.of("", "/users", "/audit", "/crm/contacts", "/marketplace/installs")) {
                    int status = kernel().get("/api/v1/tenants/" + tenant + business, reseller.resellerKey()).status();
                    assertTrue(status == 403 || status == 404, "the reseller's key got " + status + " on " + tenant + business);
                }
                HttpResult session = kernel().post(base + "/" + tenant + "/support-sessions", reseller.resellerKey(), Map.of());
                if (!own) {
                    assertEquals(404, session.status(), session.body());
                } else if (grantOf.get(tenant) != Grant.ACTIVE) {
                    assertEquals(403, session.status(), session.body());
                } else {
                    assertEquals(201, session.status(), session.body());
                    String token = session.json().get("token").asText();
                    for (String other : everyTenant) {
                        assertEquals(other.equals(tenant) ? 200 : 404, kernel().get("/api/v1/tenants/" + other, token).status(),
                                     "a support session reaches its own tenant only");
                    }
                }
            }
            forgottenFilterSeesOnlyItsRows(reseller);
        }
    }

    /** A grant in the given state, made and (for REVOKED) revoked by the sub-tenant's admin. */
    private static void give(String tenant, String adminKey, Grant grant) {
        if (grant == Grant.NONE) {
            return;
        }
        String path = "/api/v1/tenants/" + tenant + "/marketplace/support-grants";
        HttpResult granted = kernel().post(path, adminKey, Map.of("hours", 24, "reason", "property"));
        assertEquals(201, granted.status(), granted.body());
        if (grant == Grant.REVOKED) {
            assertEquals(200, kernel().delete(path + "/" + granted.json().get("id").asText(), adminKey).status());
        }
    }

    /** In the reseller scope, queries without a reseller filter answer its own rows only, and no kernel tenant at all. */
    private static void forgottenFilterSeesOnlyItsRows(Placed reseller) throws SQLException {
        try (Connection app = kernel().appConnection()) {
            app.setAutoCommit(false);
            try (PreparedStatement scope = app.prepareStatement(
                    "SELECT set_config('voicecore.scope', 'reseller', true), set_config('voicecore.reseller_id', ?, true)")) {
                scope.setString(1, reseller.reseller());
                scope.executeQuery().close();
            }
            Set<String> tenants = new HashSet<>();
            try (ResultSet rows = app.createStatement().executeQuery("SELECT * FROM marketplace.reseller_tenants")) {
                while (rows.next()) {
                    assertEquals(UUID.fromString(reseller.reseller()), rows.getObject("reseller_id"));
                    tenants.add(rows.getString("tenant_id"));
                }
            }
            assertEquals(reseller.subTenants(), tenants);
            try (ResultSet rows = app.createStatement().executeQuery("SELECT reseller_id FROM marketplace.support_grants")) {
                while (rows.next()) {
                    assertEquals(UUID.fromString(reseller.reseller()), rows.getObject("reseller_id"));
                }
            }
            try (ResultSet rows = app.createStatement().executeQuery("SELECT count(*) FROM kernel.tenants")) {
                rows.next();
                assertEquals(0, rows.getLong(1), "the reseller scope sees no kernel tenant");
            }
            app.rollback();
        }
    }
}
