package io.voicecore.marketplace.listings.admin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a tenant may choose when it installs a listing. Prices are integers in the minor units of an ISO 4217 currency.
 *
 * @param id        1 to 40 of a-z, 0-9 and '-', unique within the listing
 * @param kind      how it is licensed and paid, see {@link Kind}
 * @param trialDays 1 to 365 for a trial; for a subscription or a per-seat plan, the free days before the first charge
 *                  (optional); null otherwise
 * @param seats     for a free, trial or granted plan, how many seats the licence carries (null for no limit)
 * @param amount    the price in minor units for a paid plan (per purchase, per interval, per seat and interval, or per
 *                  metered unit); null for the others
 * @param currency  the price's ISO 4217 code, upper case; null for plans without a price
 * @param interval  {@code month} or {@code year} for a subscription or a per-seat plan, {@code month} for a usage plan
 * @param meter     the usage meter a usage plan charges for (one the plugin records with the usage capability)
 * @param spendCap  for a usage plan, the most a tenant is charged in a month (minor units), or null for no cap
 */
public record Plan(String id, Kind kind, Integer trialDays, Integer seats, Long amount, String currency, String interval, String meter,
                   Long spendCap) {
    public static final Pattern ID = Pattern.compile("[a-z0-9-]{1,40}");
    public static final int MAX_TRIAL_DAYS = 365;

    /** Free, trial and granted plans as before paid plans existed. */
    public Plan(String id, Kind kind, Integer trialDays, Integer seats) {
        this(id, kind, trialDays, seats, null, null, null, null, null);
    }

    public enum Kind {
        FREE, TRIAL, GRANTED, ONE_TIME, SUBSCRIPTION, PER_SEAT, USAGE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether a tenant pays for it through Stripe. */
        public boolean paid() {
            return this == ONE_TIME || this == SUBSCRIPTION || this == PER_SEAT || this == USAGE;
        }

        public static Optional<Kind> fromWire(String text) {
            return Arrays.stream(values()).filter(k -> k.wireName().equals(text)).findFirst();
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
        if (amount != null) {
            view.put("amount", amount);
            view.put("currency", currency);
        }
        if (interval != null) {
            view.put("interval", interval);
        }
        if (meter != null) {
            view.put("meter", meter);
        }
        if (spendCap != null) {
            view.put("spendCap", spendCap);
        }
        return view;
    }
}
