package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static io.voicecore.marketplace.MarketplaceFixture.GRACE;
import static io.voicecore.marketplace.MarketplaceFixture.approve;
import static io.voicecore.marketplace.MarketplaceFixture.install;
import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.pluginJar;
import static io.voicecore.marketplace.MarketplaceFixture.publisher;
import static io.voicecore.marketplace.MarketplaceFixture.signed;
import static io.voicecore.marketplace.MarketplaceFixture.submitAndReview;
import static io.voicecore.marketplace.MarketplaceFixture.tenantAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trial from install to expiry and renewal, on the marketplace's clock: served, then in grace, then 402
 * {@code license-expired} with the events published meanwhile held, and all of them delivered once a licence is
 * granted again.
 */
class LicenceLifecycleTest {
    static final String TOPIC = "pinger.ping";
    static MarketplaceFixture.Publisher publisher;
    static String tenantKey;

    @BeforeAll
    static void publishBoth() {
        publisher = publisher("bell-works", "bell");
        publish(pluginJar("bell-pinger", "1.0.0", List.of("events:publish"), List.of("POST /ping"),
                          "events:\n  publishes: [" + TOPIC + "]\n", """
                setup.route(HttpMethod.POST, "/ping", (request, context) -> {
                    context.events().publish("%s", Json.object().put("at", "now").build());
                    return Response.created(Json.object().put("pinged", true).build());
                });
                """.formatted(TOPIC), null));
        publish(pluginJar("bell-inbox", "1.0.0", List.of("events:subscribe", "storage"), List.of("GET /count", "GET /plan"),
                          "events:\n  subscribes: [" + TOPIC + "]\n", """
                setup.onEvent("%s", (event, context) -> context.storage().update(
                        "INSERT INTO pings (tenant_id, event_id) VALUES (?, ?)", Storage.TENANT, event.id()));
                setup.route(HttpMethod.GET, "/count", (request, context) -> Response.ok(Json.object().put("count",
                        context.storage().query("SELECT event_id FROM pings").size()).build()));
                setup.route(HttpMethod.GET, "/plan", (request, context) -> Response.ok(context.licence()
                        .map(licence -> Json.object().put("plan", licence.plan()).put("trial", licence.trial())
                                .put("inGrace", licence.inGrace()).build())
                        .orElse(Json.object().put("plan", "none").build())));
                """.formatted(TOPIC), "CREATE TABLE pings (tenant_id uuid NOT NULL, event_id text NOT NULL);"));
        HttpResult plans = kernel().put(publisher.path() + "/listings/bell-inbox", publisher.apiKey(), Map.of("category", "communication", "plans", List.of(
                Map.of("id", "free", "kind", "free"), Map.of("id", "trial-7", "kind", "trial", "trialDays", 7))));
        assertEquals(200, plans.status(), plans.body());
        tenantKey = tenantAdmin("bell-tenant");
        assertEquals(201, install("bell-tenant", tenantKey, "bell-pinger", "free", List.of("events:publish")).status());
    }

    static void publish(byte[] jar) {
        JsonNode reviewed = submitAndReview(publisher, signed(publisher, jar));
        assertEquals("in-review", reviewed.get("state").asText(), reviewed.toString());
        assertEquals(200, approve(reviewed.get("id").asText()).status());
    }

    @Test
    void anExpiredTrialAnswers402AndItsEventsWaitUntilTheLicenceIsRenewed() throws Exception {
        HttpResult installed = install("bell-tenant", tenantKey, "bell-inbox", "trial-7", List.of("events:subscribe", "storage"));
        assertEquals(201, installed.status(), installed.body());
        assertTrue(installed.json().get("licence").get("trial").asBoolean());
        JsonNode plan = kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/plan", tenantKey).json();
        assertEquals("trial-7", plan.get("plan").asText(), "the plugin sees its licence through the SDK");
        assertTrue(plan.get("trial").asBoolean());

        ping();
        awaitCount(1);

        CLOCK.advance(Duration.ofDays(7).plusHours(1));
        assertEquals(200, kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/count", tenantKey).status(), "in grace it serves");
        assertTrue(kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/plan", tenantKey).json().get("inGrace").asBoolean());
        assertEquals("in-grace", kernel().get("/api/v1/tenants/bell-tenant/marketplace/installs/bell-inbox", tenantKey).json()
                .get("licence").get("status").asText());

        CLOCK.advance(GRACE);
        HttpResult expired = kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/count", tenantKey);
        assertEquals(402, expired.status(), expired.body());
        assertEquals("urn:voicecore:problem:license-expired", expired.json().get("type").asText());
        assertTrue(expired.json().get("detail").asText().contains("licen"), expired.body());
        assertTrue(expired.body().indexOf("Exception") < 0, "no stack trace");

        ping();
        ping();
        Thread.sleep(1500); // deliveries are attempted meanwhile, and must wait rather than fail
        HttpResult trialAgain = kernel().patch("/api/v1/tenants/bell-tenant/marketplace/installs/bell-inbox", tenantKey,
                                               Map.of("plan", "trial-7"));
        assertEquals(409, trialAgain.status(), "one trial per tenant");
        assertEquals("urn:voicecore:problem:trial-used", trialAgain.json().get("type").asText());

        HttpResult renewed = kernel().post("/api/v1/marketplace/licences", kernel().adminToken(),
                                           Map.of("tenant", "bell-tenant", "listing", "bell-inbox", "days", 30));
        assertEquals(201, renewed.status(), renewed.body());
        assertEquals("valid", renewed.json().get("licence").get("status").asText());
        awaitCount(3);
        assertEquals("granted", kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/plan", tenantKey).json().get("plan").asText());
    }

    static void ping() {
        HttpResult pinged = kernel().post("/api/v1/tenants/bell-tenant/bell-pinger/ping", tenantKey, Map.of());
        assertEquals(201, pinged.status(), pinged.body());
    }

    /** Waits (up to 10 seconds, well under the kernel's hold of held deliveries) for the inbox to count this many. */
    static void awaitCount(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int count = -1;
        while (System.nanoTime() < deadline) {
            HttpResult read = kernel().get("/api/v1/tenants/bell-tenant/bell-inbox/count", tenantKey);
            if (read.status() == 200) {
                count = read.json().get("count").asInt();
                if (count == expected) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the inbox counted " + count + " pings, not " + expected);
    }
}
