package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpeningHoursTest {
    /** 2026-03-02 is a Monday. */
    static LocalDateTime at(int dayOfMarch, int hour, int minute) {
        return LocalDateTime.of(2026, 3, dayOfMarch, hour, minute);
    }

    static String describe(String hours, LocalDateTime now, String language) {
        return OpeningHours.parse(hours).orElseThrow(() -> new AssertionError("not read: " + hours)).describe(now, language).orElseThrow();
    }

    @Test
    void tellsUntilWhenItIsOpenAndWhenItOpensNext() {
        String hours = "Mon-Fri 09:00-13:00, 15:00-19:00; Sat 10:00-14:00; Sun closed";
        assertEquals("We're open right now, until 13:00.", describe(hours, at(2, 9, 0), "en"));
        assertEquals("We're closed right now; we open again today at 15:00.", describe(hours, at(2, 13, 0), "en"));
        assertEquals("We're closed right now; we open again on Saturday at 10:00.", describe(hours, at(6, 19, 30), "en"));
        assertEquals("We're closed right now; we open again on Monday at 09:00.", describe(hours, at(7, 14, 0), "en"));
        assertEquals("Wir haben gerade geschlossen; wir öffnen wieder am Montag um 09:00 Uhr.", describe(hours, at(8, 12, 0), "de"));
        assertEquals("Nous sommes ouverts en ce moment, jusqu'à 14:00.", describe(hours, at(7, 13, 59), "fr"));
    }

    @Test
    void rangesPastMidnightAndWholeDaysAreRead() {
        assertEquals("We're open right now, until 02:00.", describe("Fri-Sat 20:00-02:00", at(6, 23, 0), "en"));
        assertEquals("We're open right now, until 02:00.", describe("Fri-Sat 20:00-02:00", at(7, 1, 30), "en"));
        assertEquals("We're closed right now; we open again today at 20:00.", describe("Fri-Sat 20:00-02:00", at(7, 2, 0), "en"));
        assertEquals("In questo momento siamo aperti, fino alle 24:00.", describe("Monday-Sunday 00:00-24:00", at(4, 12, 0), "it"));
        assertEquals("Ahora mismo estamos abiertos, hasta las 18:00.", describe("mo, we, fr 08:00-18:00", at(4, 8, 0), "es"));
        assertEquals("Neste momento estamos fechados; voltamos a abrir quarta-feira às 08:00.",
                     describe("mo, we, fr 08:00-18:00", at(3, 8, 0), "pt"));
    }

    @Test
    void tellsWhetherItIsOpenAtAMoment() {
        OpeningHours hours = OpeningHours.parse("Mon-Fri 09:00-13:00, 15:00-19:00; Sat 10:00-14:00; Sun closed").orElseThrow();
        assertEquals(true, hours.isOpen(at(2, 9, 0)));
        assertEquals(false, hours.isOpen(at(2, 13, 0)));
        assertEquals(true, hours.isOpen(at(2, 18, 59)));
        assertEquals(false, hours.isOpen(at(8, 12, 0)));
        assertEquals(true, OpeningHours.parse("Fri-Sat 20:00-02:00").orElseThrow().isOpen(at(7, 1, 30)));
    }

    @Test
    void theEngineJudgesAMomentInTheBusinesssTimeZone() {
        OfflineEngine engine = new OfflineEngine();
        java.time.Instant nineThirtyInMadrid = java.time.Instant.parse("2026-03-02T08:30:00Z");
        io.voicecore.aigateway.api.Persona madrid = new io.voicecore.aigateway.api.Persona("Ava", "Clínica Sol",
                io.voicecore.aigateway.api.Persona.Tone.FRIENDLY, Optional.of("Mon-Fri 09:00-18:00"), java.time.ZoneId.of("Europe/Madrid"),
                java.util.List.of("es"));
        assertEquals(Optional.of(true), engine.openAt(madrid, nineThirtyInMadrid));
        assertEquals(Optional.of(false), engine.openAt(new io.voicecore.aigateway.api.Persona("Ava", "Clínica Sol",
                io.voicecore.aigateway.api.Persona.Tone.FRIENDLY, Optional.of("Mon-Fri 09:00-18:00"), java.time.ZoneId.of("UTC"),
                java.util.List.of("es")), nineThirtyInMadrid));
        assertEquals(Optional.empty(), engine.openAt(new io.voicecore.aigateway.api.Persona("Ava", "Clínica Sol",
                io.voicecore.aigateway.api.Persona.Tone.FRIENDLY, Optional.of("By appointment"), java.time.ZoneId.of("UTC"),
                java.util.List.of("es")), nineThirtyInMadrid));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"By appointment only", "Mon-Fri", "09:00-18:00", "Mon-Fri 9am-6pm", "Mon-Fri 09:00-25:00",
            "Monkey 09:00-10:00", "Sun closed", "''"})
    void textInAnotherFormIsNotRead(String hours) {
        assertEquals(Optional.empty(), OpeningHours.parse(hours));
    }
}
