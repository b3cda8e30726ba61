package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.Test;

/** The marketplace's credentials: a publisher's key rotated, a reviewer revoked, a signing key revoked, refusals audited. */
class CredentialsTest {

    @Test
    void aRotatedPublisherKeyReplacesTheOldOne() {
        MarketplaceFixture.Publisher publisher = publisher("rotate-co", "rotate");
        HttpResult rotated = kernel().post(publisher.path() + "/api-key", publisher.apiKey(), Map.of());
        assertEquals(201, rotated.status(), rotated.body());
        String fresh = rotated.json().get("apiKey").asText();
        assertEquals(401, kernel().get(publisher.path(), publisher.apiKey()).status(), "the old key is revoked");
        assertEquals(200, kernel().get(publisher.path(), fresh).status());
        assertEquals(1, kernel().get(publisher.path() + "/signing-keys", fresh).json().get("items").size(), "nothing else changes");
    }

    @Test
    void aRevokedReviewerDecidesNothingAndOnlyThePlatformAdminManagesReviewers() {
        HttpResult created = kernel().post("/api/v1/marketplace/reviewers", kernel().adminToken(), Map.of("name", "Temp"));
        String id = created.json().get("id").asText();
        String key = created.json().get("apiKey").asText();
        assertEquals(200, kernel().get("/api/v1/marketplace/reviews", key).status());
        assertEquals(403, kernel().get("/api/v1/marketplace/reviewers", key).status(), "a reviewer does not manage reviewers");
        assertEquals(403, kernel().post("/api/v1/marketplace/reviewers", key, Map.of("name", "Friend")).status());
        assertEquals(204, kernel().delete("/api/v1/marketplace/reviewers/" + id, kernel().adminToken()).status());
        assertEquals(401, kernel().get("/api/v1/marketplace/reviews", key).status());
        JsonNode listed = kernel().get("/api/v1/marketplace/reviewers", kernel().adminToken()).json();
        boolean revoked = false;
        for (JsonNode reviewer : listed.get("items")) {
            revoked |= reviewer.get("id").asText().equals(id) && !reviewer.get("revokedAt").isNull();
        }
        assertTrue(revoked, listed.toString());
    }

    @Test
    void aJarSignedWithARevokedKeyIsRefusedAndTheRefusalIsAudited() {
        MarketplaceFixture.Publisher publisher = publisher("revoke-co", "revoke");
        String keyId = kernel().get(publisher.path() + "/signing-keys", publisher.apiKey()).json().get("items").get(0).get("id").asText();
        HttpResult revoked = kernel().delete(publisher.path() + "/signing-keys/" + keyId, publisher.apiKey());
        assertEquals(200, revoked.status(), revoked.body());
        assertTrue(revoked.json().get("revoked").asBoolean());

        HttpResult refused = submit(publisher, MarketplaceFixture.signed(publisher, helloJar("revoke-plugin", "1.0.0", List.of())));
        PublishAndInstallTest.assertRefused(refused, 422, "signature-refused", "unknown-key");
        JsonNode audit = kernel().get("/api/v1/audit?action=marketplace.submission.refuse", kernel().adminToken()).json();
        assertTrue(audit.toString().contains("revoke-co"), audit.toString());
        assertTrue(audit.toString().contains("denied"), audit.toString());
    }
}
