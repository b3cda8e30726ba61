package io.voicecore.kernel.plugins.usage;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.capability.Usage;

/**
 * Billable usage: what plugins record through {@link Usage} (permission {@code usage}) and what the kernel
 * meters on their behalf (outbound HTTP). Each record is one {@code INSERT} into the append-only
 * {@code kernel.usage_records}; {@link #totals} sums them per plugin, meter and unit.
 *
 * <p>A plugin call admitted under a licence that limits a meter ({@link Licence#usageLimit}, e.g. a monthly spend cap)
 * records on that meter only within the limit: see {@link #forCall(PluginCall, Optional)}.
 */
public final class UsageMeter {
    /** The largest quantity one record may carry. */
    public static final long MAX_QUANTITY = 1_000_000_000_000L;
    /** Meter names: lower case, dotted, e.g. {@code ai.tokens}. */
    public static final Pattern METER = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*");
    /** Unit names: one lower-case word, e.g. {@code token}, {@code second}, {@code byte}. */
    public static final Pattern UNIT = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final int MAX_METER_LENGTH = 64;
    private static final int MAX_UNIT_LENGTH = 32;

    /**
     * The sum of one plugin's records of one meter and unit.
     *
     * @param pluginId the plugin
     * @param meter    the meter
     * @param unit     the unit
     * @param quantity the sum of the quantities
     * @param records  how many records were summed
     */
    public record Total(String pluginId, String meter, String unit, BigInteger quantity, long records) {
    }

    private final Database database;
    private final Clock clock;
    private final RequestMetrics metrics;

    public UsageMeter(Database database, Clock clock) {
        this(database, clock, new RequestMetrics());
    }

    /** @param metrics where usage is also counted per plugin and meter (not per tenant), for /observe/metrics */
    public UsageMeter(Database database, Clock clock, RequestMetrics metrics) {
        this.database = database;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Usage in the metrics, per plugin, meter and unit: e.g. a gateway's fallbacks to its offline engine. */
    public static final String USAGE_COUNTER = "voicecore_plugin_usage_total";

    /** The plugin-facing capability for a call without a licence; every use checks the {@code usage} permission. */
    public Usage forCall(PluginCall call) {
        return forCall(call, Optional.empty());
    }

    /**
     * The plugin-facing capability for one call, admitted under {@code licence}; every use checks the {@code usage}
     * permission. A record on a meter the licence limits is checked against the licence's term: in one transaction it
     * takes a lock for the tenant, plugin and meter, sums what was recorded on the meter from the licence's
     * {@link Licence#startsAt()}, and inserts only if that sum and the quantity stay within the limit, so concurrent
     * records never together pass it. Other records cost one insert, as without a licence.
     *
     * @param licence the licence view the call was admitted with; empty when the plugin runs unlicensed
     * @return the capability; its {@code record} throws {@link UsageLimitReachedException} for a record over the limit,
     *         having recorded nothing
     */
    public Usage forCall(PluginCall call, Optional<Licence> licence) {
        return (meter, quantity, unit) -> {
            call.require(Permission.USAGE);
            validate(meter, quantity, unit);
            OptionalLong limit = licence.map(terms -> terms.usageLimit(meter)).orElse(OptionalLong.empty());
            if (limit.isPresent()) {
                recordWithinLimit(call.tenantId(), call.pluginId(), meter, quantity, unit, call.requestId(), limit.getAsLong(),
                                  licence.get().startsAt());
            } else {
                insertAlone(call.tenantId(), call.pluginId(), meter, quantity, unit, call.requestId());
            }
        };
    }

    /**
     * Records usage on a limited meter, or nothing when the record would take what was recorded since {@code since}
     * past {@code limit}.
     *
     * @throws UsageLimitReachedException when {@code used + quantity > limit}; nothing is recorded
     */
    private void recordWithinLimit(UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId,
                                   long limit, Instant since) {
        database.inTenant(tenantId, tx -> {
            // Holds the records of this tenant's plugin on this meter until the transaction ends, so the sum read next
            // stays true until this insert commits. The sum is a statement of its own after the lock: under READ
            // COMMITTED it sees the insert of the transaction that held the lock before.
            tx.get(LOCK_METER, lockKey(tenantId, pluginId, meter));
            // Records are stamped truncated to microseconds: so is the start, or a record in its first microsecond is missed.
            BigInteger used = tx.get("SELECT coalesce(sum(quantity), 0) AS used FROM kernel.usage_records "
                                     + "WHERE tenant_id = ? AND plugin_id = ? AND meter = ? AND occurred_at >= ?",
                                     tenantId, pluginId, meter, Database.timestamp(since.truncatedTo(ChronoUnit.MICROS)))
                    .map(row -> new BigInteger(Database.text(row, "used"))).orElse(BigInteger.ZERO);
            if (used.add(BigInteger.valueOf(quantity)).compareTo(BigInteger.valueOf(limit)) > 0) {
                // The sum is of bigints and could pass a long only by records made without the limit; then say the most.
                throw new UsageLimitReachedException(meter, limit, used.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(), quantity);
            }
            insert(tx, tenantId, pluginId, meter, quantity, unit, requestId);
            return null;
        });
    }

    /**
     * Records usage the kernel meters for a plugin (no permission is checked: this is the kernel's own metering).
     * The request id is the current request's, or {@code kernel} outside a request.
     *
     * @throws IllegalArgumentException when the meter, unit or quantity is invalid
     */
    public void record(UUID tenantId, String pluginId, String meter, long quantity, String unit) {
        record(tenantId, pluginId, meter, quantity, unit, RequestContext.current().map(RequestContext::requestId).orElse("kernel"));
    }

    /** Like {@link #record(UUID, String, String, long, String)} with an explicit correlation id. */
    public void record(UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId) {
        validate(meter, quantity, unit);
        insertAlone(tenantId, pluginId, meter, quantity, unit, requestId);
    }

    /** A validated record in a transaction of its own. */
    private void insertAlone(UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId) {
        database.inTenant(tenantId, tx -> {
            insert(tx, tenantId, pluginId, meter, quantity, unit, requestId);
            return null;
        });
    }

    /**
     * Records usage inside the caller's transaction, so it commits together with the caller's other work.
     *
     * @throws IllegalArgumentException when the meter, unit or quantity is invalid
     */
    public void record(DbExecute tx, UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId) {
        validate(meter, quantity, unit);
        insert(tx, tenantId, pluginId, meter, quantity, unit, requestId);
    }

    /**
     * The tenant's usage from {@code from} (inclusive) to {@code to} (exclusive), summed per plugin, meter and
     * unit, ordered by those.
     */
    public List<Total> totals(UUID tenantId, Instant from, Instant to) {
        return database.inTenant(tenantId, tx -> Database.list(tx, row -> new Total(
                        Database.text(row, "plugin_id"), Database.text(row, "meter"), Database.text(row, "unit"),
                        new BigInteger(Database.text(row, "total")), row.column("records").get(Long.class)),
                "SELECT plugin_id, meter, unit, sum(quantity) AS total, count(*) AS records FROM kernel.usage_records "
                + "WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at < ? "
                + "GROUP BY plugin_id, meter, unit ORDER BY plugin_id, meter, unit",
                tenantId, Database.timestamp(from), Database.timestamp(to)));
    }

    /**
     * One record of {@link #recordAll}.
     *
     * @param requestId the correlation id of the request it belongs to
     */
    public record Entry(UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId) {
    }

    /**
     * Records many at once inside the caller's transaction, in one statement (the records of a batch of calls).
     *
     * @throws IllegalArgumentException when a meter, unit or quantity is invalid; then nothing is recorded
     */
    public void recordAll(DbExecute tx, List<Entry> entries) {
        entries.forEach(entry -> validate(entry.meter(), entry.quantity(), entry.unit()));
        if (entries.isEmpty()) {
            return;
        }
        Object occurredAt = Database.timestamp(clock.instant().truncatedTo(ChronoUnit.MICROS));
        List<Object> values = new java.util.ArrayList<>(entries.size() * 7);
        for (Entry entry : entries) {
            metrics.add(USAGE_COUNTER, "Usage plugins metered, by plugin, meter and unit, summed over tenants.",
                        Map.of("plugin", entry.pluginId(), "meter", entry.meter(), "unit", entry.unit()), entry.quantity());
            values.addAll(List.of(entry.tenantId(), entry.pluginId(), entry.meter(), entry.quantity(), entry.unit(), occurredAt,
                                  entry.requestId()));
        }
        tx.dml("INSERT INTO kernel.usage_records (tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) VALUES "
               + String.join(", ", java.util.Collections.nCopies(entries.size(), "(?, ?, ?, ?, ?, ?, ?)")), values.toArray());
    }

    private void insert(DbExecute tx, UUID tenantId, String pluginId, String meter, long quantity, String unit, String requestId) {
        metrics.add(USAGE_COUNTER, "Usage plugins metered, by plugin, meter and unit, summed over tenants.",
                    Map.of("plugin", pluginId, "meter", meter, "unit", unit), quantity);
        tx.dml("INSERT INTO kernel.usage_records (tenant_id, plugin_id, meter, quantity, unit, occurred_at, request_id) "
               + "VALUES (?, ?, ?, ?, ?, ?, ?)",
               tenantId, pluginId, meter, quantity, unit, Database.timestamp(clock.instant().truncatedTo(ChronoUnit.MICROS)),
               requestId);
    }

    /** Takes the transaction-scoped lock of one tenant's plugin's meter, named by {@link #lockKey}. */
    static final String LOCK_METER = "SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('kernel.usage_records'), hashtext(?))";

    /** The key of a meter's lock; two meters whose keys share a hash only wait for each other, never pass a limit. */
    static String lockKey(UUID tenantId, String pluginId, String meter) {
        return tenantId + "/" + pluginId + "/" + meter;
    }

    /** @throws IllegalArgumentException naming what is wrong and what is accepted */
    static void validate(String meter, long quantity, String unit) {
        if (meter == null || meter.length() > MAX_METER_LENGTH || !METER.matcher(meter).matches()) {
            throw new IllegalArgumentException("Usage meter '" + meter + "' is not a valid name: use up to " + MAX_METER_LENGTH
                                               + " lower-case letters, digits, '-' and '_' in dot-separated parts, e.g. 'ai.tokens'.");
        }
        if (unit == null || unit.length() > MAX_UNIT_LENGTH || !UNIT.matcher(unit).matches()) {
            throw new IllegalArgumentException("Usage unit '" + unit + "' is not a valid name: use one lower-case word of up to "
                                               + MAX_UNIT_LENGTH + " characters, e.g. 'token' or 'second'.");
        }
        if (quantity <= 0 || quantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("Usage quantity " + quantity + " of meter '" + meter
                                               + "' is out of range: it must be at least 1 and at most " + MAX_QUANTITY + ".");
        }
    }
}
