package io.voicecore.kernel.plugins.usage;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.capability.Usage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records on a meter the call's licence limits, over real PostgreSQL: strict (a record that would pass the limit is
 * refused whole), atomic under concurrency, and counted from the licence's start only.
 */
class UsageLimitTest {
    /** The start of the billing period the licence under test is issued for. */
    private static final Instant PERIOD = Instant.parse("2026-03-01T00:00:00Z");
    private static final PluginManifest AI = manifest("ai", Set.of(Permission.USAGE));

    static CapabilityFixture fixture;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open(24);
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    static Licence licence(Map<String, Long> limits, Instant startsAt) {
        return new Licence("metered", OptionalInt.empty(), limits, startsAt, Optional.of(startsAt.plus(Duration.ofDays(31))), false,
                           false);
    }

    private static UsageMeter meterAt(Instant now) {
        return new UsageMeter(fixture.database(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static BigInteger recorded(UUID tenant, String pluginId, String meterName) {
        return recorded(fixture.database(), tenant, pluginId, meterName);
    }

    /** What the tenant's plugin recorded on the meter, in every unit and at any time. */
    static BigInteger recorded(Database database, UUID tenant, String pluginId, String meterName) {
        return new UsageMeter(database, Clock.systemUTC()).totals(tenant, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))
                .stream().filter(total -> total.pluginId().equals(pluginId) && total.meter().equals(meterName))
                .map(UsageMeter.Total::quantity).reduce(BigInteger.ZERO, BigInteger::add);
    }

    @Test
    void recordsUpToTheLimitAndRefusesWholeTheOneThatWouldPassIt() {
        UUID tenant = fixture.tenant("limit-strict");
        Usage usage = meterAt(PERIOD.plus(Duration.ofDays(3))).forCall(call(tenant, AI),
                Optional.of(licence(Map.of("ai.tokens", 100L), PERIOD)));

        usage.record("ai.tokens", 60, "token");
        UsageLimitReachedException over = assertThrows(UsageLimitReachedException.class, () -> usage.record("ai.tokens", 41, "token"));
        assertEquals("ai.tokens", over.meter());
        assertEquals(100, over.limit());
        assertEquals(60, over.used());
        assertEquals(41, over.requested());
        assertEquals(402, over.status());
        assertEquals("spend-cap-reached", over.type());
        assertTrue(over.getMessage().contains("'ai.tokens'") && over.getMessage().contains("limit of 100")
                   && over.getMessage().contains("60 already used"), over.getMessage());
        assertEquals(BigInteger.valueOf(60), recorded(tenant, "ai", "ai.tokens"), "a refused record records nothing, not even a part");

        usage.record("ai.tokens", 40, "token");
        assertEquals(BigInteger.valueOf(100), recorded(tenant, "ai", "ai.tokens"), "exactly the limit is allowed");
        UsageLimitReachedException full = assertThrows(UsageLimitReachedException.class, () -> usage.record("ai.tokens", 1, "request"));
        assertEquals(100, full.used(), "the limit counts the meter in every unit");
        assertEquals(BigInteger.valueOf(100), recorded(tenant, "ai", "ai.tokens"));
    }

    @Test
    void aMeterWithoutALimitAndACallWithoutALicenceAreNotLimited() {
        UUID tenant = fixture.tenant("limit-other-meters");
        UsageMeter meter = meterAt(PERIOD.plus(Duration.ofDays(1)));
        Usage limited = meter.forCall(call(tenant, AI), Optional.of(licence(Map.of("ai.tokens", 10L), PERIOD)));
        for (int i = 0; i < 3; i++) {
            limited.record("ai.requests", UsageMeter.MAX_QUANTITY, "request");
        }
        meter.forCall(call(tenant, AI)).record("ai.tokens", 1000, "token");
        meter.forCall(call(tenant, AI), Optional.empty()).record("ai.tokens", 1000, "token");
        meter.forCall(call(tenant, AI), Optional.of(licence(Map.of(), PERIOD))).record("ai.tokens", 1000, "token");

        assertEquals(BigInteger.valueOf(3 * UsageMeter.MAX_QUANTITY), recorded(tenant, "ai", "ai.requests"));
        assertEquals(BigInteger.valueOf(3000), recorded(tenant, "ai", "ai.tokens"));
        UsageLimitReachedException refused = assertThrows(UsageLimitReachedException.class,
                () -> limited.record("ai.tokens", 1, "token"));
        assertEquals(3000, refused.used(), "what was recorded without the limit still counts against it");
    }

    @Test
    void onlyTheTermsUsageOfThisTenantAndPluginCounts() {
        UUID tenant = fixture.tenant("limit-term");
        UUID neighbour = fixture.tenant("limit-term-neighbour");
        Licence march = licence(Map.of("ai.tokens", 100L), PERIOD);
        Licence february = licence(Map.of("ai.tokens", 100L), PERIOD.minus(Duration.ofDays(28)));
        meterAt(PERIOD.minus(Duration.ofDays(2))).forCall(call(tenant, AI), Optional.of(february)).record("ai.tokens", 100, "token");
        meterAt(PERIOD.minus(1, ChronoUnit.MICROS)).forCall(call(tenant, AI)).record("ai.tokens", 500, "token");
        meterAt(PERIOD.plus(Duration.ofDays(1))).forCall(call(neighbour, AI), Optional.of(march)).record("ai.tokens", 100, "token");
        meterAt(PERIOD.plus(Duration.ofDays(1))).forCall(call(tenant, manifest("crm", Set.of(Permission.USAGE))),
                Optional.of(march)).record("ai.tokens", 100, "token");

        meterAt(PERIOD).forCall(call(tenant, AI), Optional.of(march)).record("ai.tokens", 99, "token");
        Usage later = meterAt(PERIOD.plus(Duration.ofDays(10))).forCall(call(tenant, AI), Optional.of(march));
        later.record("ai.tokens", 1, "token");
        UsageLimitReachedException refused = assertThrows(UsageLimitReachedException.class, () -> later.record("ai.tokens", 1, "token"));
        assertEquals(100, refused.used(), "a record at the licence's very start counts; the previous term, the tenant next "
                                          + "door and another plugin do not");
        assertEquals(BigInteger.valueOf(700), recorded(tenant, "ai", "ai.tokens"));
    }

    @Test
    void concurrentRecordsNeverTogetherPassTheLimit() throws Exception {
        UUID tenant = fixture.tenant("limit-concurrent");
        long limit = 50;
        int threads = 32;
        int recordsEach = 5;
        UsageMeter meter = meterAt(PERIOD.plus(Duration.ofDays(1)));
        Licence licence = licence(Map.of("ai.tokens", limit), PERIOD);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    Usage usage = meter.forCall(call(tenant, AI), Optional.of(licence));
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < recordsEach; i++) {
                        try {
                            usage.record("ai.tokens", 1, "token");
                            accepted.incrementAndGet();
                        } catch (UsageLimitReachedException capped) {
                            assertTrue(capped.used() <= limit, "used " + capped.used());
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            go.countDown();
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(limit, accepted.get(), "exactly the limit's worth is accepted");
        assertEquals(threads * recordsEach - limit, refused.get());
        assertEquals(BigInteger.valueOf(limit), recorded(tenant, "ai", "ai.tokens"));
        assertEquals(limit, new UsageMeter(fixture.database(), Clock.systemUTC())
                .totals(tenant, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).getFirst().records());
    }

    @Test
    void onlyARecordOnALimitedMeterWaitsForTheMetersLock() throws Exception {
        UUID tenant = fixture.tenant("limit-lock");
        UsageMeter meter = meterAt(PERIOD.plus(Duration.ofDays(1)));
        Usage limited = meter.forCall(call(tenant, AI), Optional.of(licence(Map.of("ai.tokens", 10L), PERIOD)));
        Usage unlicensed = meter.forCall(call(tenant, AI));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = fixture.ownerConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(UsageMeter.LOCK_METER)) {
                lock.setString(1, UsageMeter.lockKey(tenant, "ai", "ai.tokens"));
                lock.executeQuery().close();
            }
            pool.submit(() -> {
                unlicensed.record("ai.tokens", 1, "token");
                limited.record("ai.requests", 1, "request");
                return null;
            }).get(10, TimeUnit.SECONDS);

            Future<?> waiting = pool.submit(() -> {
                limited.record("ai.tokens", 1, "token");
                return null;
            });
            assertThrows(TimeoutException.class, () -> waiting.get(500, TimeUnit.MILLISECONDS),
                         "a record on the limited meter waits while its lock is held");
            assertFalse(waiting.isDone());
            holder.commit();
            waiting.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(BigInteger.valueOf(2), recorded(tenant, "ai", "ai.tokens"));
    }
}
