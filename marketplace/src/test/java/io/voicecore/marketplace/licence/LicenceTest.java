package io.voicecore.marketplace.licence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A licence checks its components when made. */
class LicenceTest {
    private static final Licence SAMPLE = TestLicences.sample("mk-1");

    /** The sample's components, to change one at a time. */
    private static final class Draft {
        UUID licenceId = SAMPLE.licenceId();
        UUID tenantId = SAMPLE.tenantId();
        String pluginId = SAMPLE.pluginId();
        String planId = SAMPLE.planId();
        boolean trial = SAMPLE.trial();
        OptionalInt seats = SAMPLE.seats();
        Map<String, Long> usageLimits = SAMPLE.usageLimits();
        Instant issuedAt = SAMPLE.issuedAt();
        Instant startsAt = SAMPLE.startsAt();
        Optional<Instant> expiresAt = SAMPLE.expiresAt();
        String keyId = SAMPLE.keyId();

        Licence make() {
            return new Licence(licenceId, tenantId, pluginId, planId, trial, seats, usageLimits, issuedAt, startsAt,
                               expiresAt, keyId);
        }
    }

    @Test
    void theSampleIsALicence() {
        assertEquals(SAMPLE, new Draft().make());
    }

    @Test
    void usageLimitsAreCopiedSortedAndUnmodifiable() {
        Map<String, Long> limits = new HashMap<>(Map.of("sms", 1L, "ai.tokens", 2L, "calls", 3L));
        Draft draft = new Draft();
        draft.usageLimits = limits;
        Licence licence = draft.make();
        limits.put("more", 4L);
        assertEquals(List.of("ai.tokens", "calls", "sms"), List.copyOf(licence.usageLimits().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> licence.usageLimits().put("x", 1L));
    }

    @Test
    void aFreeLicenceNeedNotExpireAndCarriesNoSeatsOrLimits() {
        Draft draft = new Draft();
        draft.planId = "free";
        draft.expiresAt = Optional.empty();
        draft.seats = OptionalInt.empty();
        draft.usageLimits = Map.of();
        assertEquals(Optional.empty(), draft.make().expiresAt());
    }

    @Test
    void theExpiryMustFollowTheStart() {
        Draft draft = new Draft();
        draft.expiresAt = Optional.of(draft.startsAt);
        assertThrows(IllegalArgumentException.class, draft::make);
        draft.expiresAt = Optional.of(draft.startsAt.minusSeconds(1));
        assertThrows(IllegalArgumentException.class, draft::make);
        draft.expiresAt = Optional.of(draft.startsAt.plusSeconds(1));
        draft.make();
    }

    @Test
    void aTrialMustExpire() {
        Draft draft = new Draft();
        draft.trial = true;
        draft.expiresAt = Optional.empty();
        assertThrows(IllegalArgumentException.class, draft::make);
    }

    @Test
    void seatsAndLimitsAreNeverNegative() {
        Draft seats = new Draft();
        seats.seats = OptionalInt.of(-1);
        assertThrows(IllegalArgumentException.class, seats::make);
        seats.seats = OptionalInt.of(0);
        seats.make();
        Draft limits = new Draft();
        limits.usageLimits = Map.of("calls", -1L);
        assertThrows(IllegalArgumentException.class, limits::make);
        limits.usageLimits = Map.of("calls", 0L);
        limits.make();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Calls", "1calls", "calls.", ".calls", "calls..sms", "calls sms", "calls/sms"})
    void aMeterMustBeAUsageMeterName(String meter) {
        Draft draft = new Draft();
        draft.usageLimits = Map.of(meter, 1L);
        assertThrows(IllegalArgumentException.class, draft::make);
    }

    @Test
    void limitsAreFewAndTheirNamesShort() {
        Draft draft = new Draft();
        draft.usageLimits = Map.of("m" + "x".repeat(64), 1L);
        assertThrows(IllegalArgumentException.class, draft::make);
        Map<String, Long> many = new HashMap<>();
        for (int i = 0; i <= Licence.MAX_USAGE_LIMITS; i++) {
            many.put("meter" + i, 1L);
        }
        draft.usageLimits = many;
        assertThrows(IllegalArgumentException.class, draft::make);
        Map<String, Long> withNull = new HashMap<>();
        withNull.put("calls", null);
        draft.usageLimits = withNull;
        assertThrows(NullPointerException.class, draft::make);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c", "Crm", "1crm", "crm_sync", "crm.sync", "crm sync"})
    void aPluginIdIsAManifestId(String pluginId) {
        Draft draft = new Draft();
        draft.pluginId = pluginId;
        assertThrows(IllegalArgumentException.class, draft::make);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Free", "free plan", "free.plan", "pro_plan"})
    void aPlanIdIsShortLowerCase(String planId) {
        Draft draft = new Draft();
        draft.planId = planId;
        assertThrows(IllegalArgumentException.class, draft::make);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-mk", ".mk", "mk 1", "mk/1", "mk\"1", "mk\\1", "clé"})
    void aKeyIdIsAShortAsciiName(String keyId) {
        Draft draft = new Draft();
        draft.keyId = keyId;
        assertThrows(IllegalArgumentException.class, draft::make);
    }

    @Test
    void instantsAreWholeSecondsFrom1970ToTheEndOf9999() {
        Draft draft = new Draft();
        draft.issuedAt = SAMPLE.issuedAt().plusMillis(1);
        assertThrows(IllegalArgumentException.class, draft::make);
        draft = new Draft();
        draft.startsAt = Instant.EPOCH.minusSeconds(1);
        assertThrows(IllegalArgumentException.class, draft::make);
        draft = new Draft();
        draft.expiresAt = Optional.of(Licence.LATEST.plusSeconds(1));
        assertThrows(IllegalArgumentException.class, draft::make);
        draft.expiresAt = Optional.of(Licence.LATEST);
        draft.make();
    }

    @Test
    void nothingIsNull() {
        Draft draft = new Draft();
        draft.licenceId = null;
        assertThrows(NullPointerException.class, draft::make);
        draft = new Draft();
        draft.expiresAt = null;
        assertThrows(NullPointerException.class, draft::make);
        draft = new Draft();
        draft.keyId = null;
        assertThrows(NullPointerException.class, draft::make);
    }
}
