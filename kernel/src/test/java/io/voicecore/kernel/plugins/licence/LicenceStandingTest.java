package io.voicecore.kernel.plugins.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;

import io.voicecore.sdk.Licence;
import org.junit.jupiter.api.Test;

/** The standing's kinds and factories, and the SDK's licence view they carry. */
class LicenceStandingTest {
    private static final Licence TEAM = new Licence("team", OptionalInt.of(5), Map.of("api.calls", 100_000L),
            Instant.parse("2026-12-01T00:00:00Z"), Optional.of(Instant.parse("2027-12-01T00:00:00Z")), false, false);

    @Test
    void theOpenGateServesEverythingWithoutALicence() {
        LicenceStanding standing = LicenceGate.OPEN.standing(UUID.randomUUID(), "crm", Optional.of("anything"));
        assertEquals(LicenceStanding.unlicensed(), standing);
        assertTrue(standing.serves());
        assertEquals(Optional.empty(), standing.licence());
    }

    @Test
    void servingAndInGraceServeAndTheViewSaysWhichItIs() {
        LicenceStanding serving = LicenceStanding.serving(TEAM);
        assertEquals(LicenceStanding.Kind.SERVING, serving.kind());
        assertEquals(Optional.of(TEAM), serving.licence());
        LicenceStanding grace = LicenceStanding.inGrace(TEAM, "expired at 2027-12-01T00:00:00Z; grace ends 2027-12-15T00:00:00Z");
        assertTrue(grace.serves());
        assertTrue(grace.licence().orElseThrow().inGrace(), "the view of a standing in grace says so");
        LicenceStanding cleared = LicenceStanding.serving(grace.licence().orElseThrow());
        assertFalse(cleared.licence().orElseThrow().inGrace(), "and a serving one does not");
    }

    @Test
    void refusalsServeNothingAndSayWhy() {
        for (LicenceStanding.Kind kind : new LicenceStanding.Kind[] {LicenceStanding.Kind.EXPIRED, LicenceStanding.Kind.INVALID,
                                                                      LicenceStanding.Kind.REQUIRED}) {
            LicenceStanding refused = LicenceStanding.refused(kind, "the licence expired at 2027-12-01T00:00:00Z");
            assertFalse(refused.serves(), kind.name());
            assertEquals(Optional.empty(), refused.licence());
            assertThrows(IllegalArgumentException.class, () -> LicenceStanding.refused(kind, " "));
        }
        assertThrows(IllegalArgumentException.class, () -> LicenceStanding.refused(LicenceStanding.Kind.SERVING, "no"));
        assertThrows(IllegalArgumentException.class, () -> LicenceStanding.refused(LicenceStanding.Kind.IN_GRACE, "no"));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceStanding(LicenceStanding.Kind.EXPIRED, Optional.of(TEAM), "expired"));
        assertThrows(IllegalArgumentException.class,
                     () -> new LicenceStanding(LicenceStanding.Kind.IN_GRACE, Optional.empty(), "in grace"));
    }

    @Test
    void theLicenceViewIsReadOnlyAndChecked() {
        Map<String, Long> limits = new HashMap<>(Map.of("b.meter", 2L, "a.meter", 1L));
        Licence licence = new Licence("pro", OptionalInt.empty(), limits, Instant.EPOCH, Optional.empty(), false, false);
        limits.put("c.meter", 3L);
        assertEquals(Map.of("a.meter", 1L, "b.meter", 2L), licence.usageLimits(), "a copy, not a view of the caller's map");
        assertEquals("[a.meter, b.meter]", licence.usageLimits().keySet().toString(), "sorted by meter");
        assertThrows(UnsupportedOperationException.class, () -> licence.usageLimits().put("d.meter", 4L));
        assertEquals(OptionalLong.of(1L), licence.usageLimit("a.meter"));
        assertEquals(OptionalLong.empty(), licence.usageLimit("z.meter"));
        assertThrows(IllegalArgumentException.class,
                     () -> new Licence(" ", OptionalInt.empty(), Map.of(), Instant.EPOCH, Optional.empty(), false, false));
        assertThrows(IllegalArgumentException.class,
                     () -> new Licence("pro", OptionalInt.of(-1), Map.of(), Instant.EPOCH, Optional.empty(), false, false));
        assertThrows(IllegalArgumentException.class,
                     () -> new Licence("pro", OptionalInt.empty(), Map.of("a", -1L), Instant.EPOCH, Optional.empty(), false, false));
        assertThrows(IllegalArgumentException.class,
                     () -> new Licence("pro", OptionalInt.empty(), Map.of(), Instant.EPOCH, Optional.of(Instant.EPOCH), false, false));
    }
}
