package io.voicecore.kernel.plugins.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.plugins.CapabilityFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever is recorded, in whatever order, the totals are exactly the sums of the recorded quantities. */
class UsageTotalsProperties {
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static CapabilityFixture fixture;
    private static UsageMeter meter;

    record Recorded(String plugin, String meterName, String unit, long quantity) {
    }

    @BeforeContainer
    static void open() {
        fixture = CapabilityFixture.open();
        meter = new UsageMeter(fixture.database(), Clock.systemUTC());
    }

    @AfterContainer
    static void close() {
        fixture.close();
    }

    @Property(tries = 25)
    void totalsEqualTheSumOfRecordedQuantities(@ForAll("sequences") List<Recorded> sequence) {
        UUID tenant = fixture.tenant("usage-prop-" + TENANTS.incrementAndGet());
        Instant from = Instant.now().minusSeconds(1);
        Map<String, BigInteger> expectedQuantity = new TreeMap<>();
        Map<String, Long> expectedRecords = new TreeMap<>();
        for (Recorded r : sequence) {
            meter.record(tenant, r.plugin(), r.meterName(), r.quantity(), r.unit());
            String key = r.plugin() + "|" + r.meterName() + "|" + r.unit();
            expectedQuantity.merge(key, BigInteger.valueOf(r.quantity()), BigInteger::add);
            expectedRecords.merge(key, 1L, Long::sum);
        }
        Map<String, BigInteger> actualQuantity = new TreeMap<>();
        Map<String, Long> actualRecords = new TreeMap<>();
        for (UsageMeter.Total total : meter.totals(tenant, from, Instant.now().plusSeconds(1))) {
            String key = total.pluginId() + "|" + total.meter() + "|" + total.unit();
            actualQuantity.put(key, total.quantity());
            actualRecords.put(key, total.records());
        }
        assertEquals(expectedQuantity, actualQuantity);
        assertEquals(expectedRecords, actualRecords);
    }

    @Provide
    Arbitrary<List<Recorded>> sequences() {
        Arbitrary<Long> quantity = Arbitraries.oneOf(Arbitraries.longs().between(1, 1000),
                                                     Arbitraries.longs().between(1, UsageMeter.MAX_QUANTITY),
                                                     Arbitraries.of(1L, UsageMeter.MAX_QUANTITY));
        Arbitrary<Recorded> recorded = Combinators.combine(Arbitraries.of("ai", "crm"), Arbitraries.of("ai.tokens", "egress.bytes", "calls"),
                                                           Arbitraries.of("token", "byte"), quantity).as(Recorded::new);
        return recorded.list().ofMaxSize(30);
    }
}
