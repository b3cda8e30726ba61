package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.install;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.reviewer;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.submit;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.marketplace.signing.SignedJarFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The path of a plugin from a publisher's key to a tenant's call, and every refusal on the way, over HTTP. */
class PublishAndInstallTest {
    static MarketplaceFixture.Publisher acme;

    @BeforeAll
    static void signUp() {
        acme = publisher("acme-plugins", "acme");
    }

    @Test
    void aSignedPluginIsReviewedApprovedFoundInstalledAndCalled() {
        byte[] jar = signed(acme, helloJar("acme-greeter", "1.0.0", List.of()));
        long started = System.nanoTime();
        JsonNode reviewed = submitAndReview(acme, jar);
        assertTrue(System.nanoTime() - started < 30_000_000_000L, "the automated report is ready within 30 seconds");
        assertEquals("in-review", reviewed.get("state").asText(), reviewed.toString());
        assertNotNull(reviewed.get("report"), "the report is there for the publisher");
        assertEquals(acme.key().certificate().fingerprint(), reviewed.get("signer").asText());

        String submission = reviewed.get("id").asText();
        JsonNode queue = kernel().get("/api/v1/marketplace/reviews?state=pending", reviewer()).json();
        assertTrue(ids(queue.get("items")).contains(submission), queue.toString());
        HttpResult approved = approve(submission);
        assertEquals(200, approved.status(), approved.body());
        assertEquals("published", approved.json().get("state").asText());
        assertEquals("published", kernel().get(acme.path() + "/submissions/" + submission, acme.apiKey()).json().get("state").asText(),
                     "the publisher sees the decision");

        String tenantKey = tenantAdmin("greeted-co");
        JsonNode found = kernel().get("/api/v1/marketplace/listings?q=greeter", tenantKey).json();
        JsonNode listing = only(found.get("items"), "acme-greeter");
        assertEquals("1.0.0", listing.get("latestVersion").asText());
        assertEquals("acme-plugins", listing.get("publisher").get("slug").asText());
        assertFalse(listing.get("publisher").get("verified").asBoolean());
        assertTrue(listing.get("permissions").isArray());

        assertEquals(404, kernel().get("/api/v1/tenants/greeted-co/acme-greeter/hello", tenantKey).status(), "not installed yet");
        // Enabling it through the kernel's own plugin API gives no licence: a listed plugin needs one.
        assertEquals(200, kernel().put("/api/v1/tenants/greeted-co/plugins/acme-greeter", kernel().adminToken(),
                                       Map.of("grantedPermissions", List.of())).status());
        HttpResult unlicensed = kernel().get("/api/v1/tenants/greeted-co/acme-greeter/hello", tenantKey);
        assertEquals(402, unlicensed.status(), unlicensed.body());
        assertEquals("urn:voicecore:problem:license-required", unlicensed.json().get("type").asText());
        HttpResult installed = install("greeted-co", tenantKey, "acme-greeter", "free", List.of());
        assertEquals(201, installed.status(), installed.body());
        assertTrue(installed.json().get("license").asText().startsWith("vcl1."));
        assertEquals("valid", installed.json().get("licence").get("status").asText());

        HttpResult hello = kernel().get("/api/v1/tenants/greeted-co/acme-greeter/hello", tenantKey);
        assertEquals(200, hello.status(), hello.body());
        assertEquals("1.0.0", hello.json().get("version").asText());

        assertEquals(1, kernel().get("/api/v1/marketplace/listings/acme-greeter", tenantKey).json().get("installs").asLong());
        assertEquals(204, kernel().delete("/api/v1/tenants/greeted-co/marketplace/installs/acme-greeter", tenantKey).status());
        assertEquals(404, kernel().get("/api/v1/tenants/greeted-co/acme-greeter/hello", tenantKey).status(), "uninstalled");
    }

    @Test
    void signaturesThatAreNotThePublishersAreRefusedWithTheirReason() {
        byte[] unsigned = helloJar("acme-refused", "1.0.0", List.of());
        assertRefused(submit(acme, unsigned), 422, "signature-refused", "unsigned");

        SignedJarFixture.Key stranger = MarketplaceFixture.signing().key("strangr", "Ed25519");
        assertRefused(submit(acme, MarketplaceFixture.signing().signWithJarsigner(unsigned, stranger)), 422, "signature-refused",
                      "unknown-key");

        byte[] signed = signed(acme, unsigned);
        String mainClass = "market/acme_refused/Main.class";
        byte[] replaced = SignedJarFixture.replace(signed, mainClass, helloClassOf("acme-other"));
        assertRefused(submit(acme, replaced), 422, "signature-refused", "tampered");
    }

    @Test
    void mePathsNameThePublisherTheKeyBelongsToAndNoPublisherMayTakeItAsSlug() {
        HttpResult own = kernel().get("/api/v1/marketplace/publishers/me", acme.apiKey());
        assertEquals(200, own.status(), own.body());
        assertEquals(acme.id(), own.json().get("id").asText());
        MarketplaceFixture.Publisher rival = publisher("rival-of-me", "rivme");
        assertEquals(rival.id(), kernel().get("/api/v1/marketplace/publishers/me", rival.apiKey()).json().get("id").asText());
        assertEquals(404, kernel().get("/api/v1/marketplace/publishers/me", tenantAdmin("me-probe-dental")).status(),
                     "a key that is no publisher's has no 'me'");

        HttpResult taken = kernel().post("/api/v1/marketplace/publishers", null,
                                         Map.of("name", "Me", "slug", "me", "email", "me@example.test"));
        assertEquals(409, taken.status(), taken.body());
        assertEquals("urn:voicecore:problem:publisher-slug-taken", taken.json().get("type").asText());
    }

    @Test
    void aPluginIdBelongsToThePublisherThatFirstSubmittedIt() {
        JsonNode first = submitAndReview(acme, signed(acme, helloJar("acme-owned", "1.0.0", List.of())));
        assertEquals("in-review", first.get("state").asText());
        MarketplaceFixture.Publisher rival = publisher("rival-plugins", "rival");
        HttpResult taken = submit(rival, signed(rival, helloJar("acme-owned", "2.0.0", List.of())));
        assertEquals(409, taken.status(), taken.body());
        assertEquals("urn:voicecore:problem:plugin-id-taken", taken.json().get("type").asText());
        assertTrue(taken.json().get("detail").asText().contains("acme-owned"));
    }

    @Test
    void refusalsAreProblemsThatLoseNothing() {
        HttpResult noKey = kernel().send(acme.path() + "/submissions", "POST", null, "application/java-archive", "x");
        assertEquals(401, noKey.status());
        HttpResult otherPublisher = kernel().get("/api/v1/marketplace/publishers/rival-nobody", acme.apiKey());
        assertEquals(404, otherPublisher.status());
        HttpResult wrongType = kernel().send(acme.path() + "/signing-keys", "POST", acme.apiKey(), "application/json", "{}");
        assertEquals(415, wrongType.status());
        HttpResult notPem = kernel().send(acme.path() + "/signing-keys", "POST", acme.apiKey(), "application/x-pem-file", "hello");
        assertEquals(422, notPem.status());
        assertEquals("not-pem", notPem.json().get("reason").asText());
        HttpResult badSlug = kernel().post("/api/v1/marketplace/publishers", null, Map.of("name", "X", "slug", "Bad Slug!", "email", "x@y.test"));
        assertEquals(422, badSlug.status());
        HttpResult taken = kernel().post("/api/v1/marketplace/publishers", null, Map.of("name", "X", "slug", "acme-plugins", "email", "x@y.test"));
        assertEquals(409, taken.status());
        assertFalse(taken.body().contains("Exception"), "no stack trace: " + taken.body());
    }

    static void assertRefused(HttpResult result, int status, String type, String reason) {
        assertEquals(status, result.status(), result.body());
        assertEquals("application/problem+json", result.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("urn:voicecore:problem:" + type, result.json().get("type").asText(), result.body());
        assertEquals(reason, result.json().get("reason").asText(), result.body());
        assertFalse(result.json().get("detail").asText().isBlank());
    }

    static byte[] helloClassOf(String id) {
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(helloJar(id, "1.0.0", List.of())))) {
            java.util.zip.ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().endsWith("Main.class")) {
                    return zip.readAllBytes();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no class");
    }

    static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    static JsonNode only(JsonNode items, String id) {
        for (JsonNode item : items) {
            if (item.get("id").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError(id + " is not among " + items);
    }
}
