package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link CronExpression#next} against the expression's own matching, for random expressions and instants. */
class CronExpressionProperties {

    @Property
    void nextIsLaterAndMatches(@ForAll("expressions") String expression, @ForAll("instants") Instant t) {
        CronExpression cron = CronExpression.parse(expression);
        Instant next = cron.next(t);
        assertTrue(next.isAfter(t), expression + ": " + next + " after " + t);
        assertTrue(cron.matches(next), expression + " matches " + next);
        assertEquals(next, next.truncatedTo(ChronoUnit.MINUTES), "a whole minute");
        Instant afterThat = cron.next(next);
        assertTrue(afterThat.isAfter(next), expression + ": " + afterThat + " after " + next);
        assertTrue(cron.matches(afterThat));
    }

    /** With any day allowed, the next run is within a day, so every minute in between can be checked. */
    @Property
    void nextIsTheFirstMatchingMinute(@ForAll("timesOfDay") String expression, @ForAll("instants") Instant t) {
        CronExpression cron = CronExpression.parse(expression);
        Instant next = cron.next(t);
        assertTrue(next.isAfter(t));
        for (Instant m = t.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES); m.isBefore(next); m = m.plus(1, ChronoUnit.MINUTES)) {
            assertFalse(cron.matches(m), expression + " matches " + m + ", before next(" + t + ") = " + next);
        }
    }

    /** With one time of day, only that minute of each day can match, so every day in between can be checked. */
    @Property(tries = 300)
    void nextIsTheFirstMatchingDay(@ForAll("dailyAtOneTime") String expression, @ForAll("instants") Instant t) {
        CronExpression cron = CronExpression.parse(expression);
        Instant next = cron.next(t);
        assertTrue(next.isAfter(t));
        String[] fields = expression.split(" ");
        int minute = Integer.parseInt(fields[0]);
        int hour = Integer.parseInt(fields[1]);
        LocalDate last = LocalDate.ofInstant(next, ZoneOffset.UTC);
        for (LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC); day.isBefore(last); day = day.plusDays(1)) {
            Instant candidate = day.atTime(hour, minute).toInstant(ZoneOffset.UTC);
            assertFalse(candidate.isAfter(t) && cron.matches(candidate),
                        expression + " matches " + candidate + ", before next(" + t + ") = " + next);
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, Instant.parse("2100-01-01T00:00:00Z").getEpochSecond())
                .flatMap(seconds -> Arbitraries.integers().between(0, 999).map(millis -> Instant.ofEpochSecond(seconds, millis * 1_000_000L)));
    }

    @Provide
    Arbitrary<String> expressions() {
        return Combinators.combine(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7))
                .as((m, h, dom, mon, dow) -> m + " " + h + " " + dom + " " + mon + " " + dow)
                .filter(CronExpressionProperties::parses);
    }

    @Provide
    Arbitrary<String> timesOfDay() {
        return Combinators.combine(field(0, 59), field(0, 23)).as((m, h) -> m + " " + h + " * * *");
    }

    @Provide
    Arbitrary<String> dailyAtOneTime() {
        return Combinators.combine(Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 23),
                                   field(1, 31), field(1, 12), field(0, 7))
                .as((m, h, dom, mon, dow) -> m + " " + h + " " + dom + " " + mon + " " + dow)
                .filter(CronExpressionProperties::parses);
    }

    /** A field: a list of one to three items, each '*', a value or a range, optionally with a step. */
    static Arbitrary<String> field(int min, int max) {
        Arbitrary<String> value = Arbitraries.integers().between(min, max).map(String::valueOf);
        Arbitrary<String> range = Arbitraries.integers().between(min, max)
                .flatMap(from -> Arbitraries.integers().between(from, max).map(to -> from + "-" + to));
        Arbitrary<String> base = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just("*")), net.jqwik.api.Tuple.of(3, value), net.jqwik.api.Tuple.of(2, range));
        Arbitrary<String> item = Combinators.combine(base, Arbitraries.integers().between(1, max - min + 2), Arbitraries.integers().between(0, 3))
                .as((b, step, withStep) -> withStep == 0 ? b + "/" + step : b);
        return item.list().ofMinSize(1).ofMaxSize(3).map(items -> String.join(",", items));
    }

    static boolean parses(String expression) {
        try {
            CronExpression.parse(expression);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
