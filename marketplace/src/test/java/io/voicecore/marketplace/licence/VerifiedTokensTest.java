package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The remembered tokens stay within their bound and keep those used lately. */
class VerifiedTokensTest {
    private static final Licence SAMPLE = TestLicences.sample("mk-1");

    @Test
    void itHoldsAtMostItsCapacity() {
        VerifiedTokens tokens = new VerifiedTokens(10);
        for (int i = 0; i < 1000; i++) {
            tokens.put("token-" + i, SAMPLE);
            assertTrue(tokens.size() <= 10, () -> tokens.size() + " kept");
        }
        assertEquals(SAMPLE, tokens.get("token-999"));
        assertNull(tokens.get("token-0"));
    }

    @Test
    void aTokenUsedLatelySurvivesWhereAnUnusedOneIsDropped() {
        VerifiedTokens tokens = new VerifiedTokens(4);
        tokens.put("used", SAMPLE);
        tokens.put("unused", SAMPLE);
        // Both are in the old generation now; use one of them, then fill the young generation again.
        assertEquals(SAMPLE, tokens.get("used"));
        tokens.put("a", SAMPLE);
        tokens.put("b", SAMPLE);
        assertEquals(SAMPLE, tokens.get("used"));
        assertNull(tokens.get("unused"));
    }

    @Test
    void itNeedsRoomForTwoGenerations() {
        assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(1));
    }
}
