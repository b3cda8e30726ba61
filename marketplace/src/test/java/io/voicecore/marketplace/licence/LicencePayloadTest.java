package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The exact bytes of the format, pinned: a test vector other implementations can check themselves against. */
class LicencePayloadTest {
    /** A key pair made for this test vector only; it signs nothing else. */
    private static final String VECTOR_PRIVATE_KEY = "MC4CAQAwBQYDK2VwBCIEIFUwVJcWT0UnNN75VyyduFjdQK0GJZz4dmTw7kxWKh1X";
    private static final String VECTOR_PUBLIC_KEY = "MCowBQYDK2VwAyEAP3XLegXUa3vtes4fTb5Ta5W5QIU1otaSsZVOY80WFAk=";
    private static final String VECTOR_PAYLOAD = "{\"kid\":\"mk-2026-01\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\","
            + "\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"team\",\"trl\":false,\"sts\":5,"
            + "\"lim\":{\"api.calls\":100000},\"iat\":1796083200,\"nbf\":1796083200,\"exp\":1827619200}";
    private static final String VECTOR_TOKEN = "vcl1.eyJraWQiOiJtay0yMDI2LTAxIiwibGlkIjoiMGIxZTVhNTMtOGYwYy00ZThlLTlkN2EtMmY"
            + "xYzNiNGQ1ZTZmIiwidGlkIjoiN2M5ZTY2NzktNzQyNS00MGRlLTk0NGItZTA3ZmMxZjkwYWU3IiwicGxnIjoiY3JtLXN5bmMiLCJwbG4iOiJ0ZWFt"
            + "IiwidHJsIjpmYWxzZSwic3RzIjo1LCJsaW0iOnsiYXBpLmNhbGxzIjoxMDAwMDB9LCJpYXQiOjE3OTYwODMyMDAsIm5iZiI6MTc5NjA4MzIwMCwiZ"
            + "XhwIjoxODI3NjE5MjAwfQ.3X9FdSQjc9aUbFsh4WA-ZfUTZ8JS1lNrDORBEYok3HuT0PVAtmpp8Hupo3K5X4ad2TAoaXmDu7kWc7ulnRXdBw";

    @Test
    void thePayloadIsCanonicalJsonWithMembersInTheirFixedOrder() {
        assertEquals(VECTOR_PAYLOAD, ascii(LicencePayload.encode(TestLicences.sample("mk-2026-01"))));
    }

    @Test
    void optionalMembersAreLeftOutWhenAbsent() {
        Licence free = new Licence(UUID.fromString("0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f"),
                                   UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "crm-sync", "free", false,
                                   OptionalInt.empty(), Map.of(), Instant.ofEpochSecond(0), Instant.ofEpochSecond(0),
                                   Optional.empty(), "k");
        assertEquals("{\"kid\":\"k\",\"lid\":\"0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f\","
                     + "\"tid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"plg\":\"crm-sync\",\"pln\":\"free\",\"trl\":false,"
                     + "\"iat\":0,\"nbf\":0}", ascii(LicencePayload.encode(free)));
    }

    @Test
    void usageLimitsAreWrittenInMeterOrder() {
        Licence sample = TestLicences.sample("k");
        Licence licence = new Licence(sample.licenceId(), sample.tenantId(), sample.pluginId(), sample.planId(), false,
                                      OptionalInt.empty(), Map.of("sms", 3L, "ai.tokens", 2L, "calls", 1L),
                                      sample.issuedAt(), sample.startsAt(), sample.expiresAt(), "k");
        String payload = ascii(LicencePayload.encode(licence));
        assertTrue(payload.contains("\"lim\":{\"ai.tokens\":2,\"calls\":1,\"sms\":3}"), payload);
    }

    @Test
    void theTokenOfTheVectorIsExactlyThis() {
        LicenceSigner signer = new LicenceSigner("mk-2026-01", LicenceKeys.decodePrivateKey(VECTOR_PRIVATE_KEY));
        assertEquals(VECTOR_TOKEN, signer.sign(TestLicences.sample("mk-2026-01")));
    }

    @Test
    void theVectorVerifiesWithItsPublicKey() {
        Clock inForce = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);
        LicenceVerifier verifier = new LicenceVerifier(Map.of("mk-2026-01", LicenceKeys.decodePublicKey(VECTOR_PUBLIC_KEY)),
                                                       inForce, Duration.ofDays(7));
        assertEquals(new Verdict.Valid(TestLicences.sample("mk-2026-01")), verifier.verify(VECTOR_TOKEN));
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
