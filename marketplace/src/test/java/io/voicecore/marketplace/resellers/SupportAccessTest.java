package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.resellers.SubTenantsTest.reseller;
import static io.voicecore.marketplace.resellers.SubTenantsTest.subTenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.resellers.SubTenantsTest.ResellerAccount;
import org.junit.jupiter.api.Test;

/** Support access: granted by the sub-tenant's admin for some hours, audited on both sides, ended by revocation or expiry. */
class SupportAccessTest {

    private static String grants(String tenant) {
        return "/api/v1/tenants/" + tenant + "/marketplace/support-grants";
    }

    @Test
    void aGrantLetsTheResellerOpenATenantUserSessionThatRevocationEnds() {
        ResellerAccount reseller = reseller("support-a");
        JsonNode tenant = subTenant(reseller, "support-a-t");
        String admin = tenant.get("apiKey").asText();
        String sessions = reseller.tenants() + "/support-a-t/support-sessions";

        HttpResult withoutGrant = kernel().post(sessions, reseller.key(), Map.of());
        assertEquals(403, withoutGrant.status(), withoutGrant.body());
        assertTrue(withoutGrant.body().contains("support-access-required"), withoutGrant.body());

        HttpResult granted = kernel().post(grants("support-a-t"), admin, Map.of("hours", 2, "reason", "calls are not answered"));
        assertEquals(201, granted.status(), granted.body());
        String grant = granted.json().get("id").asText();
        assertEquals(true, granted.json().get("active").asBoolean());

        HttpResult opened = kernel().post(sessions, reseller.key(), Map.of());
        assertEquals(201, opened.status(), opened.body());
        assertEquals("tenant-user", opened.json().get("role").asText());
        String token = opened.json().get("token").asText();
        String user = opened.json().get("userId").asText();
        assertEquals(200, kernel().get("/api/v1/tenants/support-a-t", token).status(), "the session reaches the tenant");
        assertEquals(403, kernel().get("/api/v1/tenants/support-a-t/users", token).status(), "as a tenant user, not its admin");
        assertEquals(403, kernel().post(grants("support-a-t"), token, Map.of("hours", 72, "reason", "more")).status(),
                     "support cannot extend its own access");

        // Audited in the tenant's log (the reseller's action) and shown to the reseller.
        String log = kernel().get("/api/v1/tenants/support-a-t/audit?limit=200", admin).body();
        assertTrue(log.contains("marketplace.support-grant.create") && log.contains("marketplace.support-session.open")
                   && log.contains("user:" + user) && log.contains(reseller.id()), log);
        JsonNode view = kernel().get(reseller.tenants() + "/support-a-t", reseller.key()).json().get("support");
        assertEquals(grant, view.get("grants").get(0).get("id").asText(), view.toString());
        assertEquals(user, view.get("sessions").get(0).get("user").asText(), view.toString());

        HttpResult revoked = kernel().delete(grants("support-a-t") + "/" + grant, admin);
        assertEquals(200, revoked.status(), revoked.body());
        assertEquals(false, revoked.json().get("active").asBoolean());
        assertEquals(401, kernel().get("/api/v1/tenants/support-a-t", token).status(), "revoking ends the session at once");
        assertEquals(403, kernel().post(sessions, reseller.key(), Map.of()).status());
        assertTrue(kernel().get("/api/v1/tenants/support-a-t/audit?limit=200", admin).body().contains("marketplace.support-grant.revoke"));
        HttpResult listed = kernel().get(grants("support-a-t"), admin);
        assertEquals(1, listed.json().get("items").size(), listed.body());
    }

    @Test
    void aSessionEndsWhenItsGrantExpires() {
        ResellerAccount reseller = reseller("support-b");
        String admin = subTenant(reseller, "support-b-t").get("apiKey").asText();
        assertEquals(201, kernel().post(grants("support-b-t"), admin, Map.of("hours", 1, "reason", "set-up help")).status());
        String sessions = reseller.tenants() + "/support-b-t/support-sessions";
        String token = kernel().post(sessions, reseller.key(), Map.of()).json().get("token").asText();
        assertEquals(200, kernel().get("/api/v1/tenants/support-b-t", token).status());

        CLOCK.advance(Duration.ofMinutes(61));
        assertEquals(401, kernel().get("/api/v1/tenants/support-b-t", token).status(), "the session ended with the grant");
        HttpResult again = kernel().post(sessions, reseller.key(), Map.of());
        assertEquals(403, again.status(), again.body());
    }

    @Test
    void onlyASubTenantsAdminGrantsAndOnlyFromOneToSeventyTwoHours() {
        ResellerAccount reseller = reseller("support-c");
        String admin = subTenant(reseller, "support-c-t").get("apiKey").asText();
        for (Object hours : new Object[] {0, 73, "two", 1.5}) {
            HttpResult refused = kernel().post(grants("support-c-t"), admin, Map.of("hours", hours, "reason", "x"));
            assertEquals(422, refused.status(), hours + ": " + refused.body());
            assertTrue(refused.body().contains("hours"), refused.body());
        }
        HttpResult noReason = kernel().post(grants("support-c-t"), admin, Map.of("hours", 3));
        assertEquals(422, noReason.status(), noReason.body());
        assertTrue(noReason.body().contains("reason"), noReason.body());

        kernel().createTenant("support-direct");
        HttpResult direct = kernel().post(grants("support-direct"), kernel().adminToken(), Map.of("hours", 3, "reason", "x"));
        assertEquals(422, direct.status(), direct.body());
        assertTrue(direct.body().contains("tenant-has-no-reseller"), direct.body());
        assertEquals(404, kernel().post(grants("support-c-t"), reseller.key(), Map.of("hours", 3, "reason", "x")).status(),
                     "the reseller cannot grant itself access");
    }
}
