package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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

        JsonNode listed = kernel().get("/api/v1/resellers", kernel().adminToken()).json().get("items");
        assertTrue(listed.toString().contains("\"slug\":\"nordic-acc\"") && listed.toString().contains("\"slug\":\"other-acc\""), listed.toString());
        assertEquals(403, kernel().get("/api/v1/resellers", key).status(), "a reseller does not see the others");
    }

    @Test
    void badInputIsAProblemNamingEachField() {
        HttpResult refused = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "", "slug", "Not A Slug", "extra", 1));
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("slug") && refused.body().contains("name") && refused.body().contains("extra"), refused.body());
        assertEquals(404, kernel().get("/api/v1/resellers/not-a-slug", kernel().adminToken()).status());
        assertEquals(401, kernel().get("/api/v1/resellers/nordic-acc", null).status());
    }

    @Test
    void aResellerRotatesItsKeysButNeverRevokesItsLastOne() {
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", "Rotating", "slug", "rotating-acc"));
        String first = created.json().get("apiKey").asText();
        String firstId = kernel().get("/api/v1/resellers/rotating-acc/api-keys", first).json().at("/items/0/id").asText();

        HttpResult added = kernel().post("/api/v1/resellers/rotating-acc/api-keys", first, Map.of("name", "billing system"));
        assertEquals(201, added.status(), added.body());
        String second = added.json().get("apiKey").asText();
        assertEquals(200, kernel().get("/api/v1/resellers/rotating-acc", second).status(), "a further key acts for the reseller");
        assertEquals(404, kernel().get("/api/v1/resellers/nordic-acc", second).status(), "and for no other");

        assertEquals(204, kernel().delete("/api/v1/resellers/rotating-acc/api-keys/" + firstId, second).status());
        assertEquals(401, kernel().get("/api/v1/resellers/rotating-acc", first).status(), "the revoked key is refused");
        JsonNode keys = kernel().get("/api/v1/resellers/rotating-acc/api-keys", second).json().get("items");
        assertEquals(2, keys.size(), keys.toString());
        assertTrue(keys.get(0).get("primary").asBoolean() && !keys.get(0).get("revokedAt").isNull(), keys.toString());
        assertTrue(keys.get(1).get("revokedAt").isNull(), keys.toString());

        HttpResult last = kernel().delete("/api/v1/resellers/rotating-acc/api-keys/" + added.json().get("id").asText(), second);
        assertEquals(409, last.status(), last.body());
        assertTrue(last.body().contains("reseller-last-key"), last.body());
        assertEquals(200, kernel().get("/api/v1/resellers/rotating-acc", second).status(), "nothing was revoked");
        assertEquals(422, kernel().post("/api/v1/resellers/rotating-acc/api-keys", second, Map.of("name", "")).status());
    }
}
