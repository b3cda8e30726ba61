package io.voicecore.marketplace;

import static io.voicecore.marketplace.MarketplaceFixture.CLOCK;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;

import io.voicecore.marketplace.commerce.CommerceSchedule;
import org.junit.jupiter.api.Test;

/**
 * The scheduled money jobs on the marketplace's clock: renewals at most once a minute, the payout run once a day at its
 * time, whichever node ticks first.
 */
class CommerceScheduleTest {

    @Test
    void renewalsRunOnceAMinuteAndPayoutsOnceADayAtTheirTime() {
        MarketplaceFixture.kernel();
        CommerceSchedule schedule = MarketplaceFixture.marketplace().schedule();
        // The next 01:00 UTC from now: before the day's payout time (02:00).
        Instant now = CLOCK.instant();
        Instant oneAm = now.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1).atTime(LocalTime.of(1, 0)).toInstant(ZoneOffset.UTC);
        CLOCK.set(oneAm);
        Map<String, Object> first = schedule.tick();
        assertTrue(first.containsKey("renewals"), first.toString());
        assertFalse(first.containsKey("payouts"), "not before the payout time: " + first);
        assertFalse(schedule.tick().containsKey("renewals"), "not twice in a minute, however many nodes tick");

        CLOCK.advance(Duration.ofMinutes(61));
        Map<String, Object> atTwo = schedule.tick();
        assertTrue(atTwo.containsKey("renewals"), atTwo.toString());
        assertTrue(atTwo.containsKey("payouts"), "the day's payout run at 02:00: " + atTwo);
        CLOCK.advance(Duration.ofHours(5));
        assertFalse(schedule.tick().containsKey("payouts"), "once a day");

        CLOCK.advance(Duration.ofHours(19));
        assertTrue(schedule.tick().containsKey("payouts"), "and again the next day");
    }
}
