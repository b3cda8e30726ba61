package io.voicecore.standins.twilio;

import java.util.Map;

/**
 * The country of an E.164 number by its calling code, as Twilio fills {@code FromCountry}, {@code ToCountry},
 * {@code CallerCountry} and {@code CalledCountry}. A short table: enough for the numbers tests use; an unknown code
 * gives an empty country, as Twilio sends for numbers it cannot place.
 */
final class PhoneCountries {
    private static final Map<String, String> BY_CALLING_CODE = Map.ofEntries(
            Map.entry("1", "US"), Map.entry("34", "ES"), Map.entry("44", "GB"), Map.entry("33", "FR"),
            Map.entry("49", "DE"), Map.entry("39", "IT"), Map.entry("351", "PT"), Map.entry("353", "IE"),
            Map.entry("31", "NL"), Map.entry("32", "BE"), Map.entry("41", "CH"), Map.entry("43", "AT"),
            Map.entry("45", "DK"), Map.entry("46", "SE"), Map.entry("47", "NO"), Map.entry("48", "PL"),
            Map.entry("52", "MX"), Map.entry("54", "AR"), Map.entry("55", "BR"), Map.entry("56", "CL"),
            Map.entry("57", "CO"), Map.entry("51", "PE"), Map.entry("61", "AU"), Map.entry("64", "NZ"),
            Map.entry("81", "JP"), Map.entry("91", "IN"));

    private PhoneCountries() {
    }

    /** @return the ISO country code of {@code number}, or {@code ""} when it is not an E.164 number placed here */
    static String of(String number) {
        if (!number.matches("\\+[0-9]{6,15}")) {
            return "";
        }
        // Calling codes are prefix-free: the first of one, two or three digits that matches is the one.
        for (int length = 1; length <= 3; length++) {
            String country = BY_CALLING_CODE.get(number.substring(1, 1 + length));
            if (country != null) {
                return country;
            }
        }
        return "";
    }
}
