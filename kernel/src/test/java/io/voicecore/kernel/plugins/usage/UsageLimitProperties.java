package io.voicecore.kernel.plugins.usage;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.capability.Usage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever quantities are recorded against a licence's limit, in whatever order: a record is accepted exactly when the
 * term's total stays within the limit, so the total never passes it, and a refused record records nothing.
 */
class UsageLimitProperties {
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static CapabilityFixture fixture;
    private static UsageMeter meter;

    @BeforeContainer
    static void open() {
        fixture = CapabilityFixture.open();
        meter = new UsageMeter(fixture.database(), Clock.systemUTC());
    }

    @AfterContainer
    static void close() {
        fixture.close();
    }

    @Property(tries = 30)
    void theTotalNeverPassesTheLimitAndARefusedRecordRecordsNothing(@ForAll("limits") long limit,
                                                                   @ForAll("quantities") List<Long> quantities) {
        UUID tenant = fixture.tenant("limit-prop-" + TENANTS.incrementAndGet());
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(1);
        Licence licence = new Licence("metered", OptionalInt.empty(), Map.of("ai.tokens", limit), start, Optional.empty(), false, false);
        Usage usage = meter.forCall(call(tenant, manifest("ai", Set.of(Permission.USAGE))), Optional.of(licence));
        long expected = 0;
        for (long quantity : quantities) {
            boolean fits = BigInteger.valueOf(expected).add(BigInteger.valueOf(quantity)).compareTo(BigInteger.valueOf(limit)) <= 0;
            try {
                usage.record("ai.tokens", quantity, "token");
                assertTrue(fits, "accepted " + quantity + " on top of " + expected + " under a limit of " + limit);
                expected += quantity;
            } catch (UsageLimitReachedException refused) {
                assertTrue(!fits, "refused " + quantity + " on top of " + expected + " under a limit of " + limit);
                assertEquals(expected, refused.used());
                assertEquals(limit, refused.limit());
                assertEquals(quantity, refused.requested());
            }
            assertEquals(BigInteger.valueOf(expected), UsageLimitTest.recorded(fixture.database(), tenant, "ai", "ai.tokens"),
                         "an accepted record adds its quantity, a refused one nothing");
            assertTrue(expected <= limit);
        }
    }

    @Provide
    Arbitrary<Long> limits() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 500), Arbitraries.of(0L, 1L, UsageMeter.MAX_QUANTITY, Long.MAX_VALUE),
                                 Arbitraries.longs().between(0, 3 * UsageMeter.MAX_QUANTITY));
    }

    @Provide
    Arbitrary<List<Long>> quantities() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 200), Arbitraries.of(1L, UsageMeter.MAX_QUANTITY),
                                 Arbitraries.longs().between(1, UsageMeter.MAX_QUANTITY)).list().ofMinSize(1).ofMaxSize(25);
    }
}
