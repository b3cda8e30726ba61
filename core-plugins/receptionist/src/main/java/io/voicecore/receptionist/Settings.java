package io.voicecore.receptionist;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.voicecore.receptionist.engine.Personality;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;

/** Reads the tenant's configuration into the receptionist's {@link Personality}, its departments and the retention period. */
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

    /**
     * The departments a call flow may route callers to, from {@code departments} ("sales=+34910000001,
     * support=sip:support@example.sip.twilio.com"; the manifest's pattern has checked the form), by lower-case name.
     */
    static Map<String, String> departments(PluginContext context) {
        Map<String, String> departments = new LinkedHashMap<>();
        for (String entry : list(context.config().string("departments").orElse(""))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                departments.putIfAbsent(entry.substring(0, equals).strip().toLowerCase(Locale.ROOT), entry.substring(equals + 1).strip());
            }
        }
        return departments;
    }

    static long retentionDays(PluginContext context) {
        return context.config().number("retentionDays").orElse(90L);
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
