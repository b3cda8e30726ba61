package io.voicecore.marketplace.listings.admin;

import java.util.Currency;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.JsonFields;

/** Reads one plan from a request body, naming every field that is wrong. */
final class PlanInput {
    private static final Set<String> FIELDS = Set.of("id", "kind", "trialDays", "seats", "amount", "currency", "interval", "meter",
                                                     "spendCap");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern METER = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    /** The largest price a plan may ask: ten million in major units of a two-digit currency. */
    static final long MAX_AMOUNT = 1_000_000_000L;

    private PlanInput() {
    }

    /** The plan at {@code at} (e.g. {@code plans[0]}), or empty after rejecting what is wrong with it in {@code fields}. */
    static Optional<Plan> read(JsonNode plan, String at, JsonFields fields) {
        if (plan == null || !plan.isObject()) {
            fields.reject(at, "must be an object with id and kind");
            return Optional.empty();
        }
        boolean valid = true;
        for (Iterator<String> names = plan.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                fields.reject(at + "." + name, "unknown field; expected one of " + FIELDS.stream().sorted().toList());
                valid = false;
            }
        }
        String id = text(plan, "id");
        if (id == null || !Plan.ID.matcher(id).matches()) {
            fields.reject(at + ".id", "must be 1-40 of a-z, 0-9 and '-'");
            valid = false;
        }
        Optional<Plan.Kind> kind = Optional.ofNullable(text(plan, "kind")).flatMap(Plan.Kind::fromWire);
        if (kind.isEmpty()) {
            fields.reject(at + ".kind", "must be one of [free, trial, granted, one-time, subscription, per-seat, usage]");
            return Optional.empty();
        }
        Plan.Kind k = kind.get();
        Integer trialDays = wholeNumber(plan.get("trialDays"));
        if (k == Plan.Kind.TRIAL && (trialDays == null || trialDays < 1 || trialDays > Plan.MAX_TRIAL_DAYS)) {
            fields.reject(at + ".trialDays", "a trial needs trialDays, a whole number from 1 to " + Plan.MAX_TRIAL_DAYS);
            valid = false;
        } else if ((k == Plan.Kind.SUBSCRIPTION || k == Plan.Kind.PER_SEAT) && present(plan, "trialDays")
                   && (trialDays == null || trialDays < 1 || trialDays > Plan.MAX_TRIAL_DAYS)) {
            fields.reject(at + ".trialDays", "a subscription's free trial is a whole number of days from 1 to " + Plan.MAX_TRIAL_DAYS);
            valid = false;
        } else if (k != Plan.Kind.TRIAL && k != Plan.Kind.SUBSCRIPTION && k != Plan.Kind.PER_SEAT && present(plan, "trialDays")) {
            fields.reject(at + ".trialDays", "only a trial, a subscription or a per-seat plan has trialDays");
            valid = false;
        }
        Integer seats = wholeNumber(plan.get("seats"));
        if (present(plan, "seats") && (k.paid() || seats == null || seats < 0)) {
            fields.reject(at + ".seats", k.paid() ? "a paid plan's seats are chosen at purchase" : "must be a whole number from 0; leave it out for no limit");
            valid = false;
        }
        Long amount = null;
        String currency = null;
        String interval = null;
        String meter = null;
        Long spendCap = null;
        if (k.paid()) {
            amount = longNumber(plan.get("amount"));
            if (amount == null || amount < 1 || amount > MAX_AMOUNT) {
                fields.reject(at + ".amount", "a paid plan needs amount, a whole number of minor units from 1 to " + MAX_AMOUNT
                        + " (e.g. 1900 for 19.00 EUR)");
                valid = false;
            }
            currency = text(plan, "currency");
            if (currency == null || !CURRENCY.matcher(currency).matches() || !isoCurrencyWithMinorUnits(currency)) {
                fields.reject(at + ".currency", "a paid plan needs currency, an ISO 4217 code such as EUR or USD");
                valid = false;
            } else if (amount != null && k != Plan.Kind.USAGE
                       && amount < io.voicecore.marketplace.commerce.StripePayments.minimumCharge(currency)) {
                fields.reject(at + ".amount", "must be at least Stripe's smallest charge in " + currency + ", "
                        + io.voicecore.marketplace.commerce.StripePayments.minimumCharge(currency) + " minor units");
                valid = false;
            }
            interval = text(plan, "interval");
            boolean recurring = k == Plan.Kind.SUBSCRIPTION || k == Plan.Kind.PER_SEAT;
            if (recurring && !"month".equals(interval) && !"year".equals(interval)) {
                fields.reject(at + ".interval", "a " + k.wireName() + " plan needs interval 'month' or 'year'");
                valid = false;
            } else if (k == Plan.Kind.USAGE && interval != null && !"month".equals(interval)) {
                fields.reject(at + ".interval", "a usage plan is invoiced monthly: leave interval out or give 'month'");
                valid = false;
            } else if (k == Plan.Kind.ONE_TIME && interval != null) {
                fields.reject(at + ".interval", "a one-time plan has no interval");
                valid = false;
            }
            interval = k == Plan.Kind.USAGE ? "month" : interval;
            meter = text(plan, "meter");
            if (k == Plan.Kind.USAGE && (meter == null || !METER.matcher(meter).matches())) {
                fields.reject(at + ".meter", "a usage plan needs meter, the usage meter the plugin records (e.g. 'calls')");
                valid = false;
            } else if (k != Plan.Kind.USAGE && meter != null) {
                fields.reject(at + ".meter", "only a usage plan has a meter");
                valid = false;
            }
            spendCap = longNumber(plan.get("spendCap"));
            if (present(plan, "spendCap") && (k != Plan.Kind.USAGE || spendCap == null || amount == null || spendCap < amount)) {
                fields.reject(at + ".spendCap", "only a usage plan has spendCap, a whole number of minor units at least its amount");
                valid = false;
            }
        } else {
            for (String priced : new String[] {"amount", "currency", "interval", "meter", "spendCap"}) {
                if (present(plan, priced)) {
                    fields.reject(at + "." + priced, "a " + k.wireName() + " plan has no price");
                    valid = false;
                }
            }
        }
        return valid ? Optional.of(new Plan(id, k, trialDays, seats, amount, currency, interval, meter, spendCap)) : Optional.empty();
    }

    private static boolean isoCurrencyWithMinorUnits(String code) {
        try {
            return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException notIso) {
            return false;
        }
    }

    private static boolean present(JsonNode plan, String field) {
        return plan.has(field) && !plan.get(field).isNull();
    }

    private static String text(JsonNode plan, String field) {
        JsonNode node = plan.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static Integer wholeNumber(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : null;
    }

    private static Long longNumber(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
    }
}
