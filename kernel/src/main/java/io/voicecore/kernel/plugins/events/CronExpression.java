package io.voicecore.kernel.plugins.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A five-field cron expression, evaluated in UTC: {@code minute hour day-of-month month day-of-week}.
 * Each field is {@code *}, a value, a range {@code a-b}, any of these with a step ({@code *}{@code /15},
 * {@code 10-50/5}, {@code 5/10} meaning {@code 5-max/10}), or a comma-separated list of them. Day of week
 * is 0-7 with both 0 and 7 meaning Sunday. Names (JAN, MON) and the non-standard {@code ? L W #} are not
 * supported.
 *
 * <p>As in classic cron, when both day fields are restricted (neither starts with {@code *}) a day matches
 * if <em>either</em> matches: {@code 0 0 1 * 1} runs on the 1st and on every Monday. Otherwise both must.
 * An expression that can never match (e.g. {@code 0 0 30 2 *}) is rejected by {@link #parse}.
 */
public final class CronExpression {
    private static final String[] FIELD_NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    /**
     * Long enough for the rarest possible match, a given date on a given weekday (the weekdays of a date
     * repeat every 28 years except across a century that is not a leap year).
     */
    private static final int SEARCH_YEARS = 40;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronExpression(String text, BitSet[] fields, boolean dayOfMonthRestricted, boolean dayOfWeekRestricted) {
        this.text = text;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.daysOfWeek = fields[4];
        this.dayOfMonthRestricted = dayOfMonthRestricted;
        this.dayOfWeekRestricted = dayOfWeekRestricted;
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the field and what is wrong with it
     */
    public static CronExpression parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("A cron expression is required: five fields 'minute hour day-of-month month "
                                               + "day-of-week', e.g. '*/15 * * * *'.");
        }
        String trimmed = expression.strip();
        String[] parts = trimmed.split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("Cron expression '" + trimmed + "' has " + parts.length + " fields; it needs five: "
                                               + "'minute hour day-of-month month day-of-week', e.g. '0 3 * * 1-5'.");
        }
        BitSet[] fields = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            fields[i] = parseField(trimmed, i, parts[i]);
        }
        if (fields[4].get(7)) {
            fields[4].clear(7);
            fields[4].set(0);
        }
        CronExpression cron = new CronExpression(String.join(" ", parts), fields, !parts[2].startsWith("*"), !parts[4].startsWith("*"));
        cron.requireSomeDayPossible();
        return cron;
    }

    private static BitSet parseField(String expression, int index, String field) {
        BitSet values = new BitSet(MAX[index] + 1);
        for (String item : field.split(",", -1)) {
            if (item.isEmpty()) {
                throw invalid(expression, index, field, "has an empty list item");
            }
            int slash = item.indexOf('/');
            String range = slash < 0 ? item : item.substring(0, slash);
            int step = 1;
            if (slash >= 0) {
                step = number(expression, index, item.substring(slash + 1), "step");
                if (step < 1) {
                    throw invalid(expression, index, field, "has step " + step + "; a step must be at least 1");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = MIN[index];
                to = MAX[index];
            } else if (range.contains("-")) {
                String[] bounds = range.split("-", -1);
                if (bounds.length != 2 || bounds[0].isEmpty() || bounds[1].isEmpty()) {
                    throw invalid(expression, index, field, "has the malformed range '" + range + "'; write it as 'a-b'");
                }
                from = value(expression, index, bounds[0]);
                to = value(expression, index, bounds[1]);
                if (from > to) {
                    throw invalid(expression, index, field, "has the range " + range + " whose start is after its end");
                }
            } else {
                from = value(expression, index, range);
                // "5/10" steps from 5 to the field's end, as most cron implementations read it.
                to = slash >= 0 ? MAX[index] : from;
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int value(String expression, int index, String text) {
        int value = number(expression, index, text, "value");
        if (value < MIN[index] || value > MAX[index]) {
            throw new IllegalArgumentException("Cron expression '" + expression + "': the " + FIELD_NAMES[index] + " field has the value "
                                               + value + ", outside " + MIN[index] + "-" + MAX[index] + ".");
        }
        return value;
    }

    private static int number(String expression, int index, String text, String what) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("Cron expression '" + expression + "': the " + FIELD_NAMES[index] + " field has the "
                                               + what + " '" + text + "', which is not a number"
                                               + (text.chars().anyMatch(Character::isLetter) ? " (names such as MON or JAN are not supported)" : "")
                                               + ".");
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException invalid(String expression, int index, String field, String problem) {
        return new IllegalArgumentException("Cron expression '" + expression + "': the " + FIELD_NAMES[index] + " field '" + field
                                            + "' " + problem + ".");
    }

    /**
     * Rejects day-of-month/month combinations that no calendar has, unless the day of week alone can match
     * (both day fields restricted). A possible date falls on every weekday within the search horizon.
     */
    private void requireSomeDayPossible() {
        if (dayOfWeekRestricted && dayOfMonthRestricted) {
            return;
        }
        for (int month = months.nextSetBit(1); month >= 0; month = months.nextSetBit(month + 1)) {
            int longest = Month.of(month).maxLength();
            int first = daysOfMonth.nextSetBit(1);
            if (first >= 0 && first <= longest) {
                return;
            }
        }
        throw new IllegalArgumentException("Cron expression '" + text + "' never matches: no selected month has the selected "
                                           + "day of month.");
    }

    /** The expression, normalised to single spaces. */
    @Override
    public String toString() {
        return text;
    }

    /** Whether the minute containing {@code instant} (UTC) is one the expression selects. */
    public boolean matches(Instant instant) {
        LocalDateTime time = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        return minutes.get(time.getMinute()) && hours.get(time.getHour()) && dayMatches(time.toLocalDate());
    }

    private boolean dayMatches(LocalDate date) {
        if (!months.get(date.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(date.getDayOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
        return dayOfMonthRestricted && dayOfWeekRestricted ? dom || dow : dom && dow;
    }

    /**
     * The first matching minute strictly after {@code after}, at second zero.
     *
     * @throws IllegalStateException if none exists within the search horizon (not possible for a parsed expression)
     */
    public Instant next(Instant after) {
        LocalDateTime time = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime limit = time.plusYears(SEARCH_YEARS);
        while (time.isBefore(limit)) {
            if (!dayMatches(time.toLocalDate())) {
                time = time.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            int hour = hours.nextSetBit(time.getHour());
            if (hour < 0) {
                time = time.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            if (hour > time.getHour()) {
                time = time.toLocalDate().atTime(hour, 0);
            }
            int minute = minutes.nextSetBit(time.getMinute());
            if (minute < 0) {
                time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            return time.withMinute(minute).toInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException("cron expression '" + text + "' has no match within " + SEARCH_YEARS + " years after " + after);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronExpression cron && cron.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
