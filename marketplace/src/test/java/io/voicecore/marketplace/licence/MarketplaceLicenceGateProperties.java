package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.plugins.licence.LicenceStanding.Kind;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.marketplace.SettableClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The marketplace's licence gate against an injected clock: a licence serves from its start strictly before its
 * expiry plus the grace period (in grace from the expiry on) and is refused at that instant and after; a licence of
 * another tenant or plugin never serves, nor does a token with one character changed; a plugin the marketplace
 * does not manage runs unlicensed, one it manages needs a licence.
 */
class MarketplaceLicenceGateProperties {
    private static final KeyPair MARKETPLACE = LicenceKeys.generate();
    private static final LicenceSigner SIGNER = new LicenceSigner("mk-1", MARKETPLACE.getPrivate());
    private static final Duration NANO = Duration.ofNanos(1);
    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

    private static MarketplaceLicenceGate gate(SettableClock clock, Duration grace, Set<String> managed) {
        return new MarketplaceLicenceGate(new LicenceVerifier(Map.of("mk-1", MARKETPLACE.getPublic()), clock, grace), managed::contains);
    }

    private static LicenceStanding at(SettableClock clock, Instant now, MarketplaceLicenceGate gate, Licence licence, String token) {
        clock.set(now);
        return gate.standing(licence.tenantId(), licence.pluginId(), Optional.of(token));
    }

    @Property(tries = 150)
    void servesStrictlyBeforeExpiryPlusGraceAndRefusesFromThatInstant(@ForAll("expiring") Licence licence,
                                                                     @ForAll("graces") Duration grace) {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        MarketplaceLicenceGate gate = gate(clock, grace, Set.of(licence.pluginId()));
        String token = SIGNER.sign(licence);
        Instant expiry = licence.expiresAt().orElseThrow();
        Instant graceEnd = expiry.plus(grace);

        assertEquals(Kind.INVALID, at(clock, licence.startsAt().minus(NANO), gate, licence, token).kind(), "not yet started");
        LicenceStanding first = at(clock, licence.startsAt(), gate, licence, token);
        assertEquals(LicenceStanding.serving(MarketplaceLicenceGate.view(licence, false)), first);
        assertEquals(Kind.SERVING, at(clock, expiry.minus(NANO), gate, licence, token).kind());
        if (!grace.isZero()) {
            LicenceStanding atExpiry = at(clock, expiry, gate, licence, token);
            assertEquals(Kind.IN_GRACE, atExpiry.kind());
            assertTrue(atExpiry.licence().orElseThrow().inGrace(), "the view says the call is served in grace");
            assertEquals(Kind.IN_GRACE, at(clock, graceEnd.minus(NANO), gate, licence, token).kind());
        }
        for (Instant refused : new Instant[] {graceEnd, graceEnd.plus(NANO), graceEnd.plusSeconds(86_400), Instant.MAX}) {
            LicenceStanding standing = at(clock, refused, gate, licence, token);
            assertEquals(Kind.EXPIRED, standing.kind(), "at " + refused);
            assertFalse(standing.serves());
            assertTrue(standing.detail().contains(expiry.toString()), "the detail names the expiry: " + standing.detail());
        }
    }

    @Property(tries = 150)
    void aLicenceOfAnotherTenantOrPluginNeverServes(@ForAll("licences") Licence licence, @ForAll long tenantBits,
                                                    @ForAll("pluginIds") String otherPlugin, @ForAll("instants") Instant now) {
        UUID otherTenant = new UUID(tenantBits, ~tenantBits);
        Assume.that(!otherTenant.equals(licence.tenantId()) && !otherPlugin.equals(licence.pluginId()));
        SettableClock clock = new SettableClock(now);
        MarketplaceLicenceGate gate = gate(clock, Duration.ofDays(14), Set.of(licence.pluginId(), otherPlugin));
        Optional<String> token = Optional.of(SIGNER.sign(licence));
        for (LicenceStanding standing : new LicenceStanding[] {gate.standing(otherTenant, licence.pluginId(), token),
                                                                gate.standing(licence.tenantId(), otherPlugin, token),
                                                                gate.standing(otherTenant, otherPlugin, token)}) {
            assertEquals(Kind.INVALID, standing.kind(), standing.toString());
            assertEquals(Optional.empty(), standing.licence());
        }
    }

    @Property(tries = 300)
    void aTokenWithOneCharacterChangedNeverServes(@ForAll("licences") Licence licence, @ForAll @IntRange(min = 0, max = 10_000) int position,
                                                  @ForAll("tokenChars") char replacement) {
        String token = SIGNER.sign(licence);
        int at = position % token.length();
        Assume.that(token.charAt(at) != replacement);
        String changed = token.substring(0, at) + replacement + token.substring(at + 1);
        SettableClock clock = new SettableClock(licence.startsAt());
        MarketplaceLicenceGate gate = gate(clock, Duration.ofDays(14), Set.of());
        assertEquals(Kind.SERVING, gate.standing(licence.tenantId(), licence.pluginId(), Optional.of(token)).kind(),
                     "the untouched token serves at its start");
        LicenceStanding standing = gate.standing(licence.tenantId(), licence.pluginId(), Optional.of(changed));
        assertEquals(Kind.INVALID, standing.kind(), changed);
    }

    @Example
    void withoutATokenAManagedPluginNeedsALicenceAndAnotherRunsUnlicensed() {
        MarketplaceLicenceGate gate = gate(new SettableClock(Instant.EPOCH), Duration.ZERO, Set.of("crm-sync"));
        UUID tenant = UUID.randomUUID();
        assertEquals(LicenceStanding.unlicensed(), gate.standing(tenant, "crm", Optional.empty()));
        LicenceStanding required = gate.standing(tenant, "crm-sync", Optional.empty());
        assertEquals(Kind.REQUIRED, required.kind());
        assertTrue(required.detail().contains("crm-sync"), required.detail());
        assertEquals(Kind.INVALID, gate.standing(tenant, "crm", Optional.of("not a token")).kind(),
                     "a token attached is judged even for a plugin the marketplace does not manage");
    }

    @Example
    void theViewCarriesTheTermsOfTheLicence() {
        Licence sample = TestLicences.sample("mk-1");
        MarketplaceLicenceGate gate = gate(new SettableClock(Instant.parse("2027-01-01T00:00:00Z")), Duration.ofDays(7), Set.of());
        io.voicecore.sdk.Licence view = gate.standing(sample.tenantId(), sample.pluginId(), Optional.of(SIGNER.sign(sample)))
                .licence().orElseThrow();
        assertEquals(new io.voicecore.sdk.Licence("team", OptionalInt.of(5), Map.of("api.calls", 100_000L),
                                                  Instant.parse("2026-12-01T00:00:00Z"),
                                                  Optional.of(Instant.parse("2027-12-01T00:00:00Z")), false, false), view);
    }

    @Provide
    Arbitrary<Licence> expiring() {
        return TestLicences.arbitraryExpiring("mk-1");
    }

    @Provide
    Arbitrary<Licence> licences() {
        return TestLicences.arbitrary("mk-1");
    }

    @Provide
    Arbitrary<Duration> graces() {
        return Arbitraries.oneOf(Arbitraries.just(Duration.ZERO), Arbitraries.just(LicenceVerifier.MAX_GRACE),
                                 Arbitraries.longs().between(1, LicenceVerifier.MAX_GRACE.toSeconds()).map(Duration::ofSeconds),
                                 Arbitraries.longs().between(1, 10_000).map(Duration::ofNanos));
    }

    @Provide
    Arbitrary<String> pluginIds() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz").ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, Licence.LATEST.getEpochSecond()).map(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Character> tokenChars() {
        return Arbitraries.chars().with(TOKEN_CHARS.toCharArray());
    }
}
