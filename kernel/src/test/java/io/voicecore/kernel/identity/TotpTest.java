package io.voicecore.kernel.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234"
            .getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238, Appendix B: every row of the table. */
    @ParameterizedTest(name = "T={0} {2}")
    @CsvSource({
            "59,          94287082, SHA1",
            "59,          46119246, SHA256",
            "59,          90693936, SHA512",
            "1111111109,  07081804, SHA1",
            "1111111109,  68084774, SHA256",
            "1111111109,  25091201, SHA512",
            "1111111111,  14050471, SHA1",
            "1111111111,  67062674, SHA256",
            "1111111111,  99943326, SHA512",
            "1234567890,  89005924, SHA1",
            "1234567890,  91819424, SHA256",
            "1234567890,  93441116, SHA512",
            "2000000000,  69279037, SHA1",
            "2000000000,  90698825, SHA256",
            "2000000000,  38618901, SHA512",
            "20000000000, 65353130, SHA1",
            "20000000000, 77737706, SHA256",
            "20000000000, 47863826, SHA512"})
    void rfc6238AppendixBVectors(long unixSeconds, String expected, Totp.Algorithm algorithm) {
        byte[] seed = switch (algorithm) {
            case SHA1 -> SHA1_SEED;
            case SHA256 -> SHA256_SEED;
            case SHA512 -> SHA512_SEED;
        };
        Totp totp = new Totp(algorithm, 8, Duration.ofSeconds(30));
        Instant time = Instant.ofEpochSecond(unixSeconds);
        assertEquals(expected, totp.code(seed, totp.timeStep(time)));
        assertEquals(OptionalLong.of(totp.timeStep(time)), totp.verify(seed, expected, time, -1));
    }

    @Test
    void sixDigitCodesAreTheLowDigitsOfTheEightDigitOnes() {
        Totp six = new Totp(Totp.Algorithm.SHA1, 6, Duration.ofSeconds(30));
        // RFC 6238 B: 07081804 at T=1111111109; six digits keep the last six, including the leading zero rule.
        assertEquals("081804", six.code(SHA1_SEED, six.timeStep(Instant.ofEpochSecond(1111111109))));
        assertEquals("287082", six.code(SHA1_SEED, six.timeStep(Instant.ofEpochSecond(59))));
    }

    @Test
    void acceptsOneStepEitherSideAndNoMore() {
        Totp totp = Totp.DEFAULT;
        Instant now = Instant.ofEpochSecond(1_700_000_015);
        long step = totp.timeStep(now);
        for (long offset = -1; offset <= 1; offset++) {
            assertEquals(OptionalLong.of(step + offset), totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + offset), now, 0),
                         "offset " + offset);
        }
        assertTrue(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step - 2), now, 0).isEmpty());
        assertTrue(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + 2), now, 0).isEmpty());
    }

    @Test
    void refusesAStepAtOrBeforeTheLastAcceptedOne() {
        Totp totp = Totp.DEFAULT;
        Instant now = Instant.ofEpochSecond(1_700_000_015);
        long step = totp.timeStep(now);
        String current = totp.code(SHA1_SEED, step);
        assertEquals(OptionalLong.of(step), totp.verify(SHA1_SEED, current, now, step - 1));
        assertTrue(totp.verify(SHA1_SEED, current, now, step).isEmpty(), "the same code again is a replay");
        assertTrue(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step - 1), now, step).isEmpty(), "an older code after a newer one");
        assertEquals(OptionalLong.of(step + 1), totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + 1), now, step));
    }

    @Test
    void refusesMalformedCodes() {
        Totp totp = Totp.DEFAULT;
        Instant now = Instant.ofEpochSecond(1_700_000_015);
        String good = totp.code(SHA1_SEED, totp.timeStep(now));
        assertTrue(totp.verify(SHA1_SEED, good.substring(1), now, 0).isEmpty());
        assertTrue(totp.verify(SHA1_SEED, good + "0", now, 0).isEmpty());
        assertTrue(totp.verify(SHA1_SEED, "12a456", now, 0).isEmpty());
        assertTrue(totp.verify(SHA1_SEED, null, now, 0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new Totp(Totp.Algorithm.SHA1, 7, Duration.ofSeconds(30)));
    }

    @Test
    void otpauthUriNamesIssuerAccountAndParameters() {
        byte[] seed = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertEquals("otpauth://totp/VoiceCore:ana@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=VoiceCore"
                     + "&algorithm=SHA1&digits=6&period=30",
                     Totp.DEFAULT.otpauthUri("VoiceCore", "ana@example.com", seed));
    }

    /** RFC 4648 section 10. */
    @ParameterizedTest
    @CsvSource({"'', ''", "f, MY======", "fo, MZXQ====", "foo, MZXW6===", "foob, MZXW6YQ=", "fooba, MZXW6YTB",
                "foobar, MZXW6YTBOI======"})
    void base32Rfc4648Vectors(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertEquals(encoded, Base32.encode(bytes, true));
        assertEquals(encoded.replace("=", ""), Base32.encode(bytes, false));
        assertArrayEquals(bytes, Base32.decode(encoded));
        assertArrayEquals(bytes, Base32.decode(encoded.toLowerCase().replace("=", "")));
    }

    @Test
    void base32RefusesForeignCharactersAndImpossibleLengths() {
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXW1==="));
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXW6YTBO"));
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("M"));
    }

    @Property
    void base32RoundTrips(@ForAll byte[] data) {
        assertArrayEquals(data, Base32.decode(Base32.encode(data, true)));
        assertArrayEquals(data, Base32.decode(Base32.encode(data, false)));
    }

    @Property
    void base32OutputUsesOnlyTheAlphabet(@ForAll byte[] data) {
        String text = Base32.encode(data, true);
        assertTrue(text.matches("[A-Z2-7]*=*"), text);
        assertEquals(0, text.length() % 8);
    }
}
