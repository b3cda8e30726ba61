package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.voicecore.marketplace.SettableClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The verdict's boundaries against an injected clock: valid up to just before expiry, in grace from expiry up to
 * just before expiry plus grace, expired from then on; not started before the start. One verifier per grace period
 * answers at every instant, so the remembered token is judged anew each time.
 */
class ExpiryProperties {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();
    private static final LicenceSigner SIGNER = new LicenceSigner("mk-1", MARKETPLACE.getPrivate());
    private static final Duration NANO = Duration.ofNanos(1);
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Property(tries = 150)
    void theVerdictChangesExactlyAtExpiryAndAtTheEndOfGrace(@ForAll("expiring") Licence licence,
                                                           @ForAll("graces") Duration grace) {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        LicenceVerifier verifier = new LicenceVerifier(Map.of("mk-1", MARKETPLACE.getPublic()), clock, grace);
        String token = SIGNER.sign(licence);
        Instant start = licence.startsAt();
        Instant expiry = licence.expiresAt().orElseThrow();
        Instant graceEnd = expiry.plus(grace);

        assertEquals(new Verdict.NotYetStarted(licence), at(clock, start.minus(NANO), verifier, token));
        assertEquals(new Verdict.NotYetStarted(licence), at(clock, start.minus(SECOND), verifier, token));
        assertEquals(new Verdict.Valid(licence), at(clock, start, verifier, token));
        assertEquals(new Verdict.Valid(licence), at(clock, expiry.minus(SECOND), verifier, token));
        assertEquals(new Verdict.Valid(licence), at(clock, expiry.minus(NANO), verifier, token));
        if (grace.isZero()) {
            assertEquals(new Verdict.Expired(licence), at(clock, expiry, verifier, token));
        } else {
            assertEquals(new Verdict.InGrace(licence, graceEnd), at(clock, expiry, verifier, token));
            if (grace.compareTo(SECOND) >= 0) {
                assertEquals(new Verdict.InGrace(licence, graceEnd), at(clock, graceEnd.minus(SECOND), verifier, token));
            }
            assertEquals(new Verdict.InGrace(licence, graceEnd), at(clock, graceEnd.minus(NANO), verifier, token));
        }
        assertEquals(new Verdict.Expired(licence), at(clock, graceEnd, verifier, token));
        assertEquals(new Verdict.Expired(licence), at(clock, graceEnd.plus(SECOND), verifier, token));
        assertEquals(new Verdict.Expired(licence), at(clock, Instant.MAX, verifier, token));
        // Up to eleven verdicts, one signature check: the token was remembered, the verdicts were not.
        assertEquals(1, verifier.signatureChecks());
    }

    @Property(tries = 100)
    void aLicenceWithoutExpiryIsValidAtAnyTimeFromItsStart(@ForAll("perpetual") Licence licence,
                                                          @ForAll @LongRange(min = 0) long secondsAfterStart) {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        LicenceVerifier verifier = new LicenceVerifier(Map.of("mk-1", MARKETPLACE.getPublic()), clock, Duration.ofDays(30));
        String token = SIGNER.sign(licence);
        Instant start = licence.startsAt();
        assertEquals(new Verdict.NotYetStarted(licence), at(clock, start.minus(NANO), verifier, token));
        assertEquals(new Verdict.Valid(licence), at(clock, start, verifier, token));
        // Up to Instant.MAX: nothing is added to a date that could overflow.
        Instant later = Instant.ofEpochSecond(Math.min(Instant.MAX.getEpochSecond() - start.getEpochSecond(),
                                                       secondsAfterStart) + start.getEpochSecond());
        assertEquals(new Verdict.Valid(licence), at(clock, later, verifier, token));
        assertEquals(new Verdict.Valid(licence), at(clock, Instant.MAX, verifier, token));
    }

    @Provide
    Arbitrary<Licence> expiring() {
        return TestLicences.arbitraryExpiring("mk-1");
    }

    @Provide
    Arbitrary<Licence> perpetual() {
        return TestLicences.arbitraryPerpetual("mk-1");
    }

    @Provide
    Arbitrary<Duration> graces() {
        return Arbitraries.oneOf(Arbitraries.just(Duration.ZERO), Arbitraries.just(LicenceVerifier.MAX_GRACE),
                                 Arbitraries.longs().between(1, LicenceVerifier.MAX_GRACE.toSeconds()).map(Duration::ofSeconds),
                                 Arbitraries.longs().between(1, 10_000).map(Duration::ofNanos));
    }

    private static Verdict at(SettableClock clock, Instant now, LicenceVerifier verifier, String token) {
        clock.set(now);
        return verifier.verify(token);
    }
}
