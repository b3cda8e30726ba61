package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cron parsing and next-time calculation on known dates (UTC). */
class CronExpressionTest {

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            "*/15 * * * *   | 2024-01-01T10:07:30Z | 2024-01-01T10:15:00Z",
            "*/15 * * * *   | 2024-01-01T10:15:00Z | 2024-01-01T10:30:00Z",
            "*/15 * * * *   | 2024-01-01T23:59:59Z | 2024-01-02T00:00:00Z",
            "* * * * *      | 2024-01-01T10:07:00Z | 2024-01-01T10:08:00Z",
            "* * * * *      | 2024-01-01T10:07:59.999Z | 2024-01-01T10:08:00Z",
            "0 3 * * 1-5    | 2024-01-05T03:00:00Z | 2024-01-08T03:00:00Z",
            "0 3 * * 1-5    | 2024-01-05T02:59:00Z | 2024-01-05T03:00:00Z",
            "10-50/5 * * * * | 2024-01-01T10:50:00Z | 2024-01-01T11:10:00Z",
            "10-50/5 * * * * | 2024-01-01T10:11:00Z | 2024-01-01T10:15:00Z",
            "5/10 * * * *   | 2024-01-01T10:55:00Z | 2024-01-01T11:05:00Z",
            "1,2,30-31 * * * * | 2024-01-01T10:02:00Z | 2024-01-01T10:30:00Z",
            "0 0 29 2 *     | 2024-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
            "0 0 29 2 *     | 2096-03-01T00:00:00Z | 2104-02-29T00:00:00Z",
            "59 23 31 12 *  | 2024-12-31T23:59:00Z | 2025-12-31T23:59:00Z",
            "0 12 * * 7     | 2024-01-01T00:00:00Z | 2024-01-07T12:00:00Z",
            "0 12 * * 0     | 2024-01-01T00:00:00Z | 2024-01-07T12:00:00Z",
            "0 0 1 * 1      | 2024-01-01T00:00:00Z | 2024-01-08T00:00:00Z",
            "0 0 13 * 5     | 2024-01-01T00:00:00Z | 2024-01-05T00:00:00Z",
            "0 0 */10 * *   | 2024-01-01T00:00:00Z | 2024-01-11T00:00:00Z",
            "0 0 * * */3    | 2024-01-01T00:00:00Z | 2024-01-03T00:00:00Z",
            "30 8 * 6 *     | 2024-07-01T00:00:00Z | 2025-06-01T08:30:00Z",
            "0 0 31 * *     | 2024-04-01T00:00:00Z | 2024-05-31T00:00:00Z" })
    void nextMatchingMinute(String expression, String after, String expected) {
        assertEquals(Instant.parse(expected), CronExpression.parse(expression).next(Instant.parse(after)));
    }

    @Test
    void bothDayFieldsRestrictedMatchEitherOtherwiseBoth() {
        CronExpression either = CronExpression.parse("0 0 1 * 1");
        assertTrue(either.matches(Instant.parse("2024-02-01T00:00:00Z")), "the 1st, a Thursday");
        assertTrue(either.matches(Instant.parse("2024-02-05T00:00:00Z")), "a Monday, the 5th");
        assertFalse(either.matches(Instant.parse("2024-02-06T00:00:00Z")));
        CronExpression both = CronExpression.parse("0 0 */1 * 1");
        assertFalse(both.matches(Instant.parse("2024-02-01T00:00:00Z")), "a day-of-month starting with * does not widen the match");
        assertTrue(both.matches(Instant.parse("2024-02-05T00:00:00Z")));
    }

    @Test
    void matchesIgnoresSecondsAndNormalisesSpacing() {
        CronExpression cron = CronExpression.parse("  30   8 * *   1-5 ");
        assertEquals("30 8 * * 1-5", cron.toString());
        assertTrue(cron.matches(Instant.parse("2024-01-03T08:30:59Z")));
        assertFalse(cron.matches(Instant.parse("2024-01-03T08:31:00Z")));
        assertFalse(cron.matches(Instant.parse("2024-01-06T08:30:00Z")), "a Saturday");
        assertEquals(CronExpression.parse("30 8 * * 1-5"), cron);
    }

    @Test
    void invalidExpressionsAreRejectedSayingWhatIsWrong() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"", "five fields"});
        cases.add(new String[] {"* * * *", "has 4 fields"});
        cases.add(new String[] {"* * * * * *", "has 6 fields"});
        cases.add(new String[] {"60 * * * *", "minute field has the value 60, outside 0-59"});
        cases.add(new String[] {"* 24 * * *", "hour field has the value 24, outside 0-23"});
        cases.add(new String[] {"* * 0 * *", "day-of-month field has the value 0, outside 1-31"});
        cases.add(new String[] {"* * 32 * *", "outside 1-31"});
        cases.add(new String[] {"* * * 13 *", "month field has the value 13, outside 1-12"});
        cases.add(new String[] {"* * * * 8", "day-of-week field has the value 8, outside 0-7"});
        cases.add(new String[] {"*/0 * * * *", "step 0"});
        cases.add(new String[] {"5-1 * * * *", "start is after its end"});
        cases.add(new String[] {"1-2-3 * * * *", "malformed range"});
        cases.add(new String[] {"a * * * *", "'a', which is not a number"});
        cases.add(new String[] {"* * * * MON", "names such as MON or JAN are not supported"});
        cases.add(new String[] {"* * * JAN *", "month field"});
        cases.add(new String[] {"1,,2 * * * *", "empty list item"});
        cases.add(new String[] {"-5 * * * *", "malformed range"});
        cases.add(new String[] {"*/ * * * *", "step"});
        cases.add(new String[] {"? * * * *", "not a number"});
        cases.add(new String[] {"0 0 30 2 *", "never matches"});
        cases.add(new String[] {"0 0 31 4,6,9,11 *", "never matches"});
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), "'" + c[0] + "': " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(null));
    }

    @Test
    void impossibleDateIsAcceptedWhenTheDayOfWeekCanMatchInstead() {
        CronExpression cron = CronExpression.parse("0 0 30 2 1");
        assertEquals(Instant.parse("2024-02-05T00:00:00Z"), cron.next(Instant.parse("2024-01-31T00:00:00Z")));
    }
}
