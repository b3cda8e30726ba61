package io.voicecore.receptionist.engine;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * A day the caller named relative to today: today, tomorrow, the day after tomorrow or a weekday (the next one).
 *
 * @param keyword the day in English: {@code today}, {@code tomorrow}, {@code day after tomorrow} or a weekday name
 * @param spoken  the caller's own words for it
 */
public record RelativeDate(String keyword, String spoken) {

    /**
     * @param today today's date in the business's time zone
     * @return the calendar date meant
     */
    public LocalDate resolve(LocalDate today) {
        return switch (keyword) {
            case "today" -> today;
            case "tomorrow" -> today.plusDays(1);
            case "day after tomorrow" -> today.plusDays(2);
            default -> today.with(TemporalAdjusters.next(DayOfWeek.valueOf(keyword.toUpperCase(Locale.ROOT))));
        };
    }
}
