package io.voicecore.marketplace.listings.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a tenant may choose when it installs a listing.
 *
 * @param id        1 to 40 of a-z, 0-9 and '-', unique within the listing
 * @param kind      free (never expires), trial (expires after {@code trialDays}) or granted (by the platform admin)
 * @param trialDays 1 to 365 for a trial, null otherwise
 * @param seats     how many seats the licence carries; null for no limit
 */
public record Plan(String id, Kind kind, Integer trialDays, Integer seats) {
    public static final Pattern ID = Pattern.compile("[a-z0-9-]{1,40}");
    public static final int MAX_TRIAL_DAYS = 365;

    public enum Kind {
        FREE, TRIAL, GRANTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static java.util.Optional<Kind> fromWire(String text) {
            return java.util.Arrays.stream(values()).filter(k -> k.wireName().equals(text)).findFirst();
        }
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("kind", kind.wireName());
        if (trialDays != null) {
            view.put("trialDays", trialDays);
        }
        if (seats != null) {
            view.put("seats", seats);
        }
        return view;
    }
}
