package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.Test;

/** Reseller accounts: only the platform admin creates one; its key reaches its own account and no other. */
class ResellerAccountsTest {

    @Test
    void thePlatformAdminCreatesAResellerWhoseKeyReachesOnlyItsOwnAccount() {
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Nordic Voice", "slug", "nordic-acc"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        String key = created.json().get("apiKey").asText();
        assertTrue(key.startsWith("vck_"), key);
        assertEquals("nordic-acc", created.json().get("slug").asText());

        HttpResult own = kernel().get("/api/v1/resellers/nordic-acc", key);
        assertEquals(200, own.status(), own.body());
        assertEquals(id, own.json().get("id").asText());
        assertFalse(own.body().contains("apiKey"), "the secret is answered once only");

        String other = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Other", "slug", "other-acc"))
                .json().get("id").asText();
        assertEquals(404, kernel().get("/api/v1/resellers/" + other, key).status(), "another reseller's account does not exist for it");
        assertEquals(403, kernel().post("/api/v1/resellers", key, Map.of("name", "Mine", "slug", "mine-acc")).status(),
                     "a reseller creates no resellers");
        assertEquals(409, kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Again", "slug", "nordic-acc")).status());
    }

    @Test
    void badInputIsAProblemNamingEachField() {
        HttpResult refused = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "", "slug", "Not A Slug", "extra", 1));
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("slug") && refused.body().contains("name") && refused.body().contains("extra"), refused.body());
        assertEquals(404, kernel().get("/api/v1/resellers/not-a-slug", kernel().adminToken()).status());
        assertEquals(401, kernel().get("/api/v1/resellers/nordic-acc", null).status());
    }
}
