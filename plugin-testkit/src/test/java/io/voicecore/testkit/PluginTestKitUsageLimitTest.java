package io.voicecore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The usage limits of a licence set on the kit's tenant are enforced as the platform enforces them, so a plugin author
 * can test the path where the plan's usage is spent: a record past the limit is refused, records nothing, and answers
 * 402 {@code spend-cap-reached} unless the plugin catches it.
 */
class PluginTestKitUsageLimitTest {
    static final String MANIFEST = """
            id: summariser
            name: Summariser
            version: 1.0.0
            vendor: VoiceCore tests
            description: Spends model tokens per summary, and falls back to a shorter one when the plan's tokens are spent.
            main: testkit.summariser.Summariser
            kernel: ">=0.1.0 <1.0.0"
            permissions:
              - {name: usage, reason: bills model tokens}
              - {name: events:subscribe, reason: summarises finished calls}
            routes: [POST /summaries, POST /strict-summaries]
            events:
              subscribes: [calls.finished]
            """;
    static final String SOURCE = """
            package testkit.summariser;
            import io.voicecore.sdk.*;
            import io.voicecore.sdk.json.Json;
            public class Summariser implements Plugin {
                @Override
                public void setup(PluginSetup setup) {
                    setup.route(HttpMethod.POST, "/summaries", (request, context) -> {
                        try {
                            context.usage().record("ai.tokens", request.json().get("tokens").asLong(), "token");
                            return Response.ok(Json.object().put("summary", "full").build());
                        } catch (UsageLimitReachedException capped) {
                            return Response.ok(Json.object().put("summary", "first sentence only")
                                    .put("tokensLeft", capped.limit() - capped.used()).build());
                        }
                    });
                    setup.route(HttpMethod.POST, "/strict-summaries", (request, context) -> {
                        context.usage().record("ai.tokens", request.json().get("tokens").asLong(), "token");
                        return Response.ok(Json.object().put("summary", "full").build());
                    });
                    setup.onEvent("calls.finished", (event, context) -> context.usage().record("ai.tokens", 50, "token"));
                }
            }
            """;

    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.start(PluginJar.named("summariser").manifest(MANIFEST).source("testkit.summariser.Summariser", SOURCE).build());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    private static Json tokens(long tokens) {
        return Json.object().put("tokens", tokens).build();
    }

    @Test
    void aLicencesUsageLimitIsEnforcedAndThePluginMayDegrade() {
        kit.clearLicence();
        assertEquals(200, kit.post("/strict-summaries", tokens(500)).status(), "unlicensed: no limit");
        assertEquals(500, kit.usage("ai.tokens"));

        // A new billing period: what was used before the licence started does not count.
        Instant now = Instant.now();
        kit.setLicence(new Licence("metered", OptionalInt.empty(), Map.of("ai.tokens", 100L), now,
                                   Optional.of(now.plus(Duration.ofDays(30))), false, false));
        assertEquals("full", kit.post("/summaries", tokens(70)).json().get("summary").asString());

        Json degraded = kit.post("/summaries", tokens(40)).json();
        assertEquals("first sentence only", degraded.get("summary").asString(), degraded.toString());
        assertEquals(30, degraded.get("tokensLeft").asLong());

        TestResponse refused = kit.post("/strict-summaries", tokens(31));
        assertEquals(402, refused.status(), refused.toString());
        assertTrue(refused.contentType().orElseThrow().startsWith("application/problem+json"), refused.toString());
        assertEquals("urn:voicecore:problem:spend-cap-reached", refused.json().get("type").asString());
        assertEquals("ai.tokens", refused.json().get("meter").asString());
        assertEquals(100, refused.json().get("limit").asLong());
        assertEquals(70, refused.json().get("used").asLong());
        assertFalse(refused.json().get("requestId").asString().isBlank(), refused.toString());

        assertEquals(200, kit.post("/strict-summaries", tokens(30)).status(), "exactly the limit is allowed");
        PluginCallException event = assertThrows(PluginCallException.class, () -> kit.deliver("calls.finished", Json.NULL));
        assertEquals(402, event.response().status(), event.getMessage());
        assertEquals("urn:voicecore:problem:spend-cap-reached", event.response().json().get("type").asString());
        assertEquals(600, kit.usage("ai.tokens"), "the refused records recorded nothing");
    }
}
