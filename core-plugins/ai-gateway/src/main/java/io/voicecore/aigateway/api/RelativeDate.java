package io.voicecore.aigateway.api;

import java.util.Objects;

/**
 * A day the caller named relative to today: today, tomorrow, the day after tomorrow or a weekday (the next one).
 *
 * @param keyword the day in English: {@code today}, {@code tomorrow}, {@code day after tomorrow} or a weekday name in
 *                lower case ({@code friday})
 * @param spoken  the caller's own words for it, e.g. {@code mañana}
 */
public record RelativeDate(String keyword, String spoken) {

    /** Checks the values. */
    public RelativeDate {
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(spoken, "spoken");
    }
}
