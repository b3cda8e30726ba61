package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.helloJar;
import static io.voicecore.marketplace.MarketplaceFixture.install;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.pluginJar;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.reviewer;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How submissions come out of review: rejected by a check, fast-tracked, or waiting for a reviewer. */
class ReviewPathsTest {
    static MarketplaceFixture.Publisher publisher;

    @BeforeAll
    static void signUp() {
        publisher = publisher("paths-co", "paths");
    }

    @Test
    void aPatchAskingForNoNewPermissionIsFastTrackedAndOneAskingForMoreWaits() {
        JsonNode first = submitAndReview(publisher, signed(publisher, helloJar("paths-fast", "1.0.0", List.of())));
        assertEquals("in-review", first.get("state").asText(), "a first version always waits for a reviewer");
        assertEquals(200, approve(first.get("id").asText()).status());
        String tenantKey = tenantAdmin("paths-tenant");
        assertEquals(201, install("paths-tenant", tenantKey, "paths-fast", "free", List.of()).status());

        JsonNode patch = submitAndReview(publisher, signed(publisher, helloJar("paths-fast", "1.0.1", List.of())));
        assertEquals("published", patch.get("state").asText(), patch.toString());
        assertTrue(patch.get("fastTracked").asBoolean());
        assertTrue(patch.get("decision").get("reasons").get(0).asText().startsWith("fast track"), patch.toString());
        assertEquals("1.0.1", kernel().get("/api/v1/tenants/paths-tenant/paths-fast/hello", tenantKey).json().get("version").asText(),
                     "the tenant moved to the fast-tracked patch: it asks for nothing new");

        JsonNode more = submitAndReview(publisher, signed(publisher, helloJar("paths-fast", "1.0.2", List.of("usage"))));
        assertEquals("in-review", more.get("state").asText(), more.toString());
        assertFalse(more.get("fastTracked").asBoolean());
        assertTrue(pendingIds().contains(more.get("id").asText()), "it waits in the reviewers' queue");
        assertEquals("1.0.1", kernel().get("/api/v1/tenants/paths-tenant/paths-fast/hello", tenantKey).json().get("version").asText());
    }

    @Test
    void aForbiddenApiIsRejectedWithTheVerifiersClassMethodAndApi() {
        byte[] jar = pluginJar("paths-files", "1.0.0", List.of(), List.of("GET /read"), "", """
                setup.route(HttpMethod.GET, "/read", (request, context) -> Response.ok(Json.object()
                        .put("exists", new java.io.File("/etc/passwd").exists()).build()));
                """, null);
        JsonNode rejected = submitAndReview(publisher, signed(publisher, jar));
        assertEquals("rejected", rejected.get("state").asText(), rejected.toString());
        JsonNode verifier = section(rejected.get("report"), "verifier");
        assertEquals("failed", verifier.get("outcome").asText());
        JsonNode finding = verifier.get("findings").get(0);
        assertTrue(finding.get("class").asText().contains("Main"), finding.toString());
        assertTrue(finding.get("api").asText().contains("java/io/File") || finding.get("api").asText().contains("java.io.File"),
                   finding.toString());
        assertFalse(finding.get("method").asText().isBlank(), finding.toString());
        assertTrue(rejected.get("decision").get("reasons").get(0).asText().startsWith("verifier"), rejected.toString());
    }

    @Test
    void aPluginThatThrowsOrHangsAtStartFailsItsSmokeInstallAndNothingElseIsDisturbed() {
        String tenantKey = tenantAdmin("paths-bystander");
        JsonNode good = submitAndReview(publisher, signed(publisher, helloJar("paths-steady", "1.0.0", List.of())));
        assertEquals(200, approve(good.get("id").asText()).status());
        assertEquals(201, install("paths-bystander", tenantKey, "paths-steady", "free", List.of()).status());

        JsonNode throwing = submitAndReview(publisher, signed(publisher, pluginJar("paths-throws", "1.0.0", List.of(),
                List.of("GET /x"), "", "throw new IllegalStateException(\"cannot start\");", null)));
        assertEquals("rejected", throwing.get("state").asText(), throwing.toString());
        assertEquals("failed", section(throwing.get("report"), "smoke-install").get("outcome").asText());

        JsonNode hanging = submitAndReview(publisher, signed(publisher, pluginJar("paths-hangs", "1.0.0", List.of(),
                List.of("GET /x"), "", "while (true) { Thread.onSpinWait(); }", null)));
        assertEquals("rejected", hanging.get("state").asText(), hanging.toString());
        assertEquals("failed", section(hanging.get("report"), "smoke-install").get("outcome").asText());

        assertEquals(200, kernel().get("/api/v1/tenants/paths-bystander/paths-steady/hello", tenantKey).status(),
                     "tenants keep being served");
        assertEquals(200, kernel().get("/observe/health/ready", null).status(), "and the kernel is ready");
        assertEquals(404, kernel().get("/api/v1/marketplace/listings/paths-hangs", tenantKey).status(), "never listed");
    }

    @Test
    void theHelloExampleWithAnIdOfItsOwnPassesTheAutomatedReview() throws Exception {
        byte[] hello = Files.readAllBytes(Path.of(System.getProperty("hello.plugin.jar", "../examples/hello-plugin/target/hello-plugin-1.0.0.jar")));
        byte[] renamed = MarketplaceFixture.withPluginYaml(hello, yaml -> yaml.replaceFirst("(?m)^id: hello$", "id: paths-hello"));
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, renamed));
        assertEquals("in-review", reviewed.get("state").asText(), reviewed.toString());
        for (JsonNode section : reviewed.get("report").get("sections")) {
            assertFalse(section.get("outcome").asText().equals("failed"), section.toString());
        }
        assertEquals(200, approve(reviewed.get("id").asText()).status());
        String tenantKey = tenantAdmin("paths-hello-tenant");
        HttpResult installed = install("paths-hello-tenant", tenantKey, "paths-hello", "free", List.of("storage", "events:publish"));
        assertEquals(201, installed.status(), installed.body());
        HttpResult greeting = kernel().get("/api/v1/tenants/paths-hello-tenant/paths-hello/greeting", tenantKey);
        assertEquals(200, greeting.status(), greeting.body());
    }

    @Test
    void aRejectionNeedsAReasonAndOnlyReviewersDecide() {
        JsonNode waiting = submitAndReview(publisher, signed(publisher, helloJar("paths-judged", "1.0.0", List.of())));
        String path = "/api/v1/marketplace/reviews/" + waiting.get("id").asText() + "/decision";
        assertEquals(403, kernel().post(path, publisher.apiKey(), Map.of("decision", "approve")).status(), "not the publisher");
        assertEquals(422, kernel().post(path, reviewer(), Map.of("decision", "reject")).status(), "a rejection without reasons");
        HttpResult rejected = kernel().post(path, reviewer(), Map.of("decision", "reject", "reasons", List.of("The description"
                + " promises call recording, which the plugin does not do."), "checklist", Map.of("description-accurate", false)));
        assertEquals(200, rejected.status(), rejected.body());
        JsonNode seen = kernel().get(publisher.path() + "/submissions/" + waiting.get("id").asText(), publisher.apiKey()).json();
        assertEquals("rejected", seen.get("state").asText());
        assertTrue(seen.get("decision").get("reasons").get(0).asText().contains("call recording"), "the publisher reads why");
        assertFalse(seen.get("decision").get("checklist").get("description-accurate").asBoolean());
        assertEquals(409, kernel().post(path, reviewer(), Map.of("decision", "approve")).status(), "decided once");
    }

    static JsonNode section(JsonNode report, String name) {
        for (JsonNode section : report.get("sections")) {
            if (section.get("name").asText().equals(name)) {
                return section;
            }
        }
        throw new AssertionError("no section " + name + " in " + report);
    }

    static List<String> pendingIds() {
        return PublishAndInstallTest.ids(kernel().get("/api/v1/marketplace/reviews?state=pending", reviewer()).json().get("items"));
    }
}
