package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.voicecore.marketplace.SettableClock;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** What the marketplace signs is exactly what a node reads back, field for field. */
class RoundTripProperties {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();
    private static final LicenceSigner SIGNER = new LicenceSigner("mk-2026", MARKETPLACE.getPrivate());
    private static final SettableClock CLOCK = new SettableClock(Instant.EPOCH);
    private static final LicenceVerifier VERIFIER = new LicenceVerifier(Map.of("mk-2026", MARKETPLACE.getPublic()), CLOCK,
                                                                        Duration.ofDays(14));

    @Property(tries = 200)
    void aSignedLicenceVerifiesAsItselfWhileInForce(@ForAll("licences") Licence licence,
                                                    @ForAll @LongRange(min = 0) long secondsIn,
                                                    @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        CLOCK.set(someInstantInForce(licence, secondsIn, nanos));
        assertEquals(new Verdict.Valid(licence), VERIFIER.verify(SIGNER.sign(licence)));
    }

    @Property(tries = 500)
    void thePayloadReadsBackAsTheSameLicence(@ForAll("licences") Licence licence) {
        assertEquals(Optional.of(licence), LicencePayload.decode(LicencePayload.encode(licence)));
    }

    @Property(tries = 100)
    void signingIsDeterministic(@ForAll("licences") Licence licence) {
        assertEquals(SIGNER.sign(licence), SIGNER.sign(licence));
    }

    @Provide
    Arbitrary<Licence> licences() {
        return TestLicences.arbitrary("mk-2026");
    }

    /** An instant in {@code [startsAt, expiresAt)}, or at or after {@code startsAt} when it never expires. */
    private static Instant someInstantInForce(Licence licence, long secondsIn, int nanos) {
        long start = licence.startsAt().getEpochSecond();
        long end = licence.expiresAt().orElse(Licence.LATEST).getEpochSecond();
        // Whole seconds short of the expiry, so adding up to a second less a nanosecond stays before it.
        long span = Math.max(1, end - start);
        return Instant.ofEpochSecond(start + secondsIn % span, nanos);
    }
}
