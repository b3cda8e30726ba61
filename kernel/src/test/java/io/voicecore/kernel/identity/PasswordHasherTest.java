package io.voicecore.kernel.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void verifiesTheRightPasswordOnly() {
        String stored = HASHER.hash("correct horse battery staple");
        assertTrue(HASHER.verify("correct horse battery staple", stored));
        assertFalse(HASHER.verify("correct horse battery staplE", stored));
        assertFalse(HASHER.verify("correct horse battery staple ", stored));
        assertFalse(HASHER.verify("", stored));
    }

    @Test
    void writesThePhcStringWithOwaspParameters() {
        String stored = HASHER.hash("correct horse battery staple");
        Matcher phc = PHC.matcher(stored);
        assertTrue(phc.matches(), stored);
        assertEquals(16, Base64.getDecoder().decode(phc.group(1)).length, "salt bytes");
        assertEquals(32, Base64.getDecoder().decode(phc.group(2)).length, "hash bytes");
        assertEquals(4, stored.chars().filter(c -> c == '=').count(), "only v=, m=, t=, p=: base64 without padding");
        assertEquals(PasswordHasher.DEFAULT, PasswordHasher.parametersOf(stored));
    }

    @Test
    void everyHashHasItsOwnSalt() {
        String first = HASHER.hash("the same password twice");
        String second = HASHER.hash("the same password twice");
        assertNotEquals(first, second);
        Matcher a = PHC.matcher(first);
        Matcher b = PHC.matcher(second);
        assertTrue(a.matches() && b.matches());
        assertNotEquals(a.group(1), b.group(1));
        assertTrue(HASHER.verify("the same password twice", first));
        assertTrue(HASHER.verify("the same password twice", second));
    }

    @Test
    void verificationUsesTheParametersOfTheStoredString() {
        PasswordHasher cheaper = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
        String stored = cheaper.hash("hashed with other parameters");
        assertTrue(stored.startsWith("$argon2id$v=19$m=8192,t=1,p=1$"), stored);
        assertEquals(new PasswordHasher.Parameters(8192, 1, 1), PasswordHasher.parametersOf(stored));
        // The default hasher must read m, t and p from the string, or the derived hash would differ.
        assertTrue(HASHER.verify("hashed with other parameters", stored));
        assertFalse(HASHER.verify("hashed with other parameterz", stored));
        String tampered = stored.replace("m=8192,t=1", "m=8192,t=2");
        assertFalse(HASHER.verify("hashed with other parameters", tampered));
    }

    @Test
    void refusesStringsThatAreNotArgon2idPhc() {
        assertThrows(IllegalArgumentException.class, () -> HASHER.verify("x", "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQxMjM0NTY$"
                                                                               + "RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs"));
        assertThrows(IllegalArgumentException.class, () -> HASHER.verify("x", "plain text"));
    }

    @Test
    void unknownAccountsCostAVerificationToo() {
        long start = System.nanoTime();
        assertFalse(HASHER.verifyNothing("any password at all"));
        long elapsed = System.nanoTime() - start;
        String stored = HASHER.hash("any password at all");
        long start2 = System.nanoTime();
        HASHER.verify("any password at all", stored);
        long real = System.nanoTime() - start2;
        // Same work, so the same order of magnitude; a skipped verification would be ~1000x faster.
        assertTrue(elapsed > real / 10, "dummy verification took " + elapsed + " ns, a real one " + real + " ns");
    }

    @Test
    void policyAllowsTwelveToTwoHundredFiftySixCharacters() {
        assertTrue(PasswordHasher.policyViolation("a".repeat(11)).isPresent());
        assertTrue(PasswordHasher.policyViolation("a".repeat(12)).isEmpty());
        assertTrue(PasswordHasher.policyViolation("a".repeat(256)).isEmpty());
        assertTrue(PasswordHasher.policyViolation("a".repeat(257)).isPresent());
        // Characters, not UTF-16 units: eleven emoji are 22 chars but only 11 characters.
        assertTrue(PasswordHasher.policyViolation("\uD83D\uDE00".repeat(11)).isPresent());
        assertTrue(PasswordHasher.policyViolation("\uD83D\uDE00".repeat(12)).isEmpty());
        assertFalse(PasswordHasher.policyViolation("a".repeat(11)).get().contains("aaaa"), "the complaint never repeats the password");
    }
}
