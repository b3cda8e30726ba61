package io.voicecore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A licence set on the kit's tenant reaches plugin code, and an expired one is refused as the platform refuses it. */
class PluginTestKitLicenceTest {
    static final String MANIFEST = """
            id: metered
            name: Metered
            version: 1.0.0
            vendor: VoiceCore tests
            description: Gates a feature on its licence's plan.
            main: testkit.metered.Metered
            kernel: ">=0.1.0 <1.0.0"
            permissions:
              - {name: events:subscribe, reason: receives pings}
              - {name: scheduler, reason: a nightly job}
            routes: [GET /plan, GET /export]
            events:
              subscribes: [metered.ping]
            """;
    static final String SOURCE = """
            package testkit.metered;
            import io.voicecore.sdk.*;
            import io.voicecore.sdk.json.Json;
            public class Metered implements Plugin {
                @Override
                public void setup(PluginSetup setup) {
                    setup.route(HttpMethod.GET, "/plan", (request, context) -> Response.ok(context.licence()
                            .map(licence -> Json.object().put("plan", licence.plan()).put("inGrace", licence.inGrace())
                                    .put("exports", licence.usageLimit("metered.exports").orElse(-1)).build())
                            .orElse(Json.object().put("plan", "unlicensed").build())));
                    setup.route(HttpMethod.GET, "/export", (request, context) -> {
                        if (!context.licence().map(licence -> licence.plan().equals("pro")).orElse(false)) {
                            throw new PluginProblem(403, "plan-required", "Exports are part of the pro plan.");
                        }
                        return Response.ok(Json.object().put("exported", true).build());
                    });
                    setup.onEvent("metered.ping", (event, context) -> { });
                    setup.job("nightly", "0 3 1 1 *", context -> { });
                }
            }
            """;

    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.start(PluginJar.named("metered").manifest(MANIFEST).source("testkit.metered.Metered", SOURCE).build());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    private static Licence licence(String plan, Instant expiry, boolean inGrace) {
        return new Licence(plan, OptionalInt.of(5), Map.of("metered.exports", 10L), expiry.minus(Duration.ofDays(365)),
                           Optional.of(expiry), false, inGrace);
    }

    @Test
    void theContextCarriesTheLicenceAndAnExpiredOneIsRefusedWith402() {
        kit.clearLicence();
        assertEquals("unlicensed", kit.get("/plan").json().get("plan").asString());
        assertEquals(403, kit.get("/export").status(), "no licence, no pro feature");

        Instant later = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        kit.setLicence(licence("team", later, false));
        Json team = kit.get("/plan").json();
        assertEquals("team", team.get("plan").asString());
        assertEquals(10L, team.get("exports").asLong());
        assertEquals(403, kit.get("/export").status());
        kit.setLicence(licence("pro", later, false));
        assertEquals(200, kit.get("/export").status(), "the pro plan unlocks the feature");

        Instant past = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        kit.setLicence(licence("pro", past, true));
        TestResponse grace = kit.get("/plan");
        assertEquals(200, grace.status(), grace.toString());
        assertTrue(grace.json().get("inGrace").asBoolean(), grace.toString());

        kit.setLicence(licence("pro", past, false));
        TestResponse expired = kit.get("/plan");
        assertEquals(402, expired.status(), expired.toString());
        assertEquals("urn:voicecore:problem:license-expired", expired.json().get("type").asString());
        assertTrue(expired.json().get("detail").asString().contains("renew"), expired.toString());
        PluginCallException event = assertThrows(PluginCallException.class, () -> kit.deliver("metered.ping", Json.NULL));
        assertEquals(402, event.response().status(), event.getMessage());
        PluginCallException job = assertThrows(PluginCallException.class, () -> kit.runJob("nightly"));
        assertEquals(402, job.response().status(), job.getMessage());

        kit.clearLicence();
        assertEquals(200, kit.get("/plan").status(), "unlicensed again");
    }
}
