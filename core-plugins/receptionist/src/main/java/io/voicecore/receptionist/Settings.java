package io.voicecore.receptionist;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import io.voicecore.receptionist.engine.Personality;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;

/** Reads the tenant's configuration into the receptionist's {@link Personality} and the retention period. */
final class Settings {
    private Settings() {
    }

    static Personality personality(PluginContext context) {
        var config = context.config();
        String zoneText = config.string("timeZone").filter(z -> !z.isBlank()).orElse("UTC");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new PluginProblem(409, "invalid-time-zone", "The configured timeZone '" + zoneText
                                                              + "' is not an IANA time zone; set it to e.g. Europe/Madrid.");
        }
        // A name the tenant chose wins; otherwise the assistant's name of the brand the tenant is served under
        // (a reseller's, or the platform's Ava).
        return new Personality(config.string("assistantName").filter(name -> !name.isBlank()).orElse(context.branding().assistantName()),
                               config.string("businessName").map(String::strip).filter(name -> !name.isEmpty()),
                               config.string("greeting").filter(g -> !g.isBlank()), config.string("tone").orElse("friendly"),
                               list(config.string("languages").orElse("en,es,fr,de,it,pt")),
                               config.string("businessHours").filter(h -> !h.isBlank()), zone,
                               list(config.string("escalationKeywords").orElse("")),
                               (int) config.number("frustrationLimit").orElse(2L).longValue());
    }

    static long retentionDays(PluginContext context) {
        return context.config().number("retentionDays").orElse(90L);
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
