package io.voicecore.voice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.capability.PluginConfig;

/**
 * The tenant's configuration of the voice plugin, defaults applied (validated by the kernel against {@code plugin.yaml}).
 *
 * @param publicBaseUrl          the scheme and host Twilio calls, without a trailing {@code /}
 * @param transferTo             where a caller is put through: E.164 or a SIP address
 * @param transferTimeoutSeconds how long a transfer rings
 * @param languageCodes          Twilio's language for each of the receptionist's (ISO 639-1)
 * @param voices                 the Say voice for each language
 * @param minConfidence          the least recogniser confidence, 0 to 1, for speech to count as understood
 * @param maxConcurrentCalls     calls answered at once; 0 for no limit
 * @param callbackDelayMinutes   how long after being asked a call-back is placed
 * @param streamMode             whether calls are answered over Media Streams (our speech recognition and synthesis)
 *                               rather than Twilio's ({@code mode: stream})
 * @param endOfSpeechMillis      in stream mode, the silence after which a caller's utterance is taken to be over
 * @param recordCalls            whether callers are told calls may be recorded, and transfers are recorded
 * @param voicemailMaxSeconds    the longest voicemail
 * @param twilioApiBaseUrl       Twilio's REST API, without a trailing {@code /}
 * @param languageFromCountry    whether callers are greeted in their number's country's language, when offered
 * @param streamMode             whether calls are answered over Media Streams (the platform's speech recognition and
 *                               synthesis through the AI gateway) rather than Twilio's ({@code mode: stream})
 * @param endOfSpeechMillis      in stream mode, the silence after which a caller's utterance is taken to be over
 */
record VoiceSettings(Optional<String> publicBaseUrl, Optional<String> transferTo, int transferTimeoutSeconds,
                     Map<String, String> languageCodes, Map<String, String> voices, double minConfidence, int maxConcurrentCalls,
                     int callbackDelayMinutes, boolean recordCalls, int voicemailMaxSeconds, String twilioApiBaseUrl,
                     boolean languageFromCountry, boolean streamMode, int endOfSpeechMillis) {
    /** Twilio's languages when the configuration names none for a language. */
    private static final Map<String, String> DEFAULT_CODES = Map.of("en", "en-US", "es", "es-ES", "fr", "fr-FR", "de", "de-DE",
                                                                   "it", "it-IT", "pt", "pt-PT");

    static VoiceSettings of(PluginConfig config) {
        return new VoiceSettings(config.string("publicBaseUrl").filter(url -> !url.isBlank()).map(VoiceSettings::withoutTrailingSlash),
                                 config.string("transferTo").filter(to -> !to.isBlank()).map(String::strip),
                                 (int) config.number("transferTimeoutSeconds").orElse(20L).longValue(),
                                 pairs(config.string("languageCodes").orElse("")), pairs(config.string("voices").orElse("")),
                                 config.number("minConfidence").orElse(40L) / 100.0,
                                 (int) config.number("maxConcurrentCalls").orElse(0L).longValue(),
                                 (int) config.number("callbackDelayMinutes").orElse(10L).longValue(),
                                 config.string("recordCalls").orElse("never").equals("announce"),
                                 (int) config.number("voicemailMaxSeconds").orElse(120L).longValue(),
                                 withoutTrailingSlash(config.string("twilioApiBaseUrl").orElse("https://api.twilio.com")),
                                 config.bool("languageFromCallerCountry").orElse(true),
                                 config.string("mode").orElse("gather").equals("stream"),
                                 (int) config.number("endOfSpeechMillis").orElse(700L).longValue());
    }

    /** @param language ISO 639-1 @return how to speak and listen in it */
    Twiml.Speech speech(String language) {
        String code = languageCodes.getOrDefault(language, DEFAULT_CODES.getOrDefault(language, "en-US"));
        return new Twiml.Speech(code, Optional.ofNullable(voices.get(language)));
    }

    /** {@code en=en-US, es=es-ES} as a map; the kernel has checked the form. */
    private static Map<String, String> pairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                pairs.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
            }
        }
        return pairs;
    }

    private static String withoutTrailingSlash(String url) {
        String stripped = url.strip();
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }
}
