package io.voicecore.kernel.plugins.storage;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginTransactions;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;
import org.postgresql.util.PGobject;

/**
 * The SDK's {@link Storage} for one call: checks the {@code storage} permission on every use, refuses SQL
 * with more than one statement, binds parameters by type, and runs on the plugin's own pool under the
 * call's tenant ({@link PluginPool#session}). {@code query}, {@code queryOne} and {@code update} each run
 * in their own transaction; {@code transaction} runs its work on one connection in one transaction (a
 * nested {@code transaction} joins the outer one).
 */
final class PluginStorage implements Storage {
    private final PluginCall call;
    private final Supplier<PluginPool> pool;
    private final PluginStorageSettings settings;
    /** The connection of the enclosing transaction, when this storage belongs to one. */
    private final Optional<CallConnection> transaction;
    private volatile boolean open = true;

    PluginStorage(PluginCall call, Supplier<PluginPool> pool, PluginStorageSettings settings) {
        this(call, pool, settings, Optional.empty());
    }

    private PluginStorage(PluginCall call, Supplier<PluginPool> pool, PluginStorageSettings settings, Optional<CallConnection> transaction) {
        this.call = call;
        this.pool = pool;
        this.settings = settings;
        this.transaction = transaction;
    }

    @Override
    public List<Row> query(String sql, Object... params) {
        Object[] values = prepare(sql, params);
        return run(c -> rows(c, sql, values, settings.maxRows(), "query"));
    }

    @Override
    public Optional<Row> queryOne(String sql, Object... params) {
        Object[] values = prepare(sql, params);
        List<Row> rows = run(c -> rows(c, sql, values, 1, "queryOne"));
        return rows.stream().findFirst();
    }

    @Override
    public int update(String sql, Object... params) {
        Object[] values = prepare(sql, params);
        return run(c -> {
            try (PreparedStatement statement = statement(c, sql, values)) {
                statement.setMaxRows(settings.maxRows());
                if (c.execute(statement)) {
                    // INSERT ... RETURNING through update(): the rows returned are the rows changed.
                    int count = 0;
                    try (ResultSet rs = statement.getResultSet()) {
                        while (rs.next()) {
                            count++;
                        }
                    }
                    return count;
                }
                return statement.getUpdateCount();
            }
        });
    }

    @Override
    public <T> T transaction(Function<Storage, T> work) {
        requireUsable();
        if (transaction.isPresent()) {
            return work.apply(this);
        }
        List<PluginTransactions.Participant> joined = new ArrayList<>();
        T result = pool.get().session(call.tenantId(), true, connection -> {
            PluginStorage inner = new PluginStorage(call, pool, settings, Optional.of(connection));
            try {
                // Events published inside the work join this transaction and are written just before it commits.
                return PluginTransactions.within(call, connection.connection(), joined, () -> work.apply(inner), connection::begin);
            } finally {
                inner.open = false;
            }
        });
        joined.forEach(PluginTransactions.Participant::afterCommit);
        return result;
    }

    /** Permission, state and statement checks, and the parameters with {@link Storage#TENANT} resolved; before any connection is taken. */
    private Object[] prepare(String sql, Object[] params) {
        requireUsable();
        SingleStatement.require(sql);
        SingleStatement.requireNoTransactionEnd(sql);
        Object[] values = params == null ? new Object[0] : params.clone();
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == Storage.TENANT) {
                values[i] = call.tenantId();
            } else if (!(value == null || value instanceof String || value instanceof Integer || value instanceof Long
                         || value instanceof Boolean || value instanceof BigDecimal || value instanceof UUID
                         || value instanceof Instant || value instanceof LocalDate || value instanceof byte[] || value instanceof Json)) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " is a " + value.getClass().getName()
                                                   + ", which storage cannot bind; use String, Integer, Long, Boolean, BigDecimal, "
                                                   + "UUID, Instant, LocalDate, byte[], Json, null or Storage.TENANT");
            }
        }
        return values;
    }

    private void requireUsable() {
        call.require(PluginManifest.Permission.STORAGE);
        if (!open) {
            throw new IllegalStateException("this Storage belonged to a transaction that has ended; use the Storage of the "
                                            + "plugin context, or run the statement inside the transaction's work");
        }
    }

    private <T> T run(PluginPool.SessionWork<T> work) {
        if (transaction.isPresent()) {
            try {
                return work.run(transaction.get());
            } catch (SQLException e) {
                throw PluginStorageException.from(call.pluginId(), e);
            }
        }
        return pool.get().session(call.tenantId(), false, work);
    }

    private List<Row> rows(CallConnection c, String sql, Object[] values, int limit, String method) throws SQLException {
        try (PreparedStatement statement = statement(c, sql, values)) {
            statement.setMaxRows(limit + 1);
            if (!c.execute(statement)) {
                return List.of();
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = statement.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    if (rows.size() == limit) {
                        throw limit == 1
                                ? PluginStorageException.misuse(call.pluginId(), "storage-more-than-one-row",
                                                                "queryOne expects at most one row, but the query returned more; "
                                                                + "add a unique condition or LIMIT 1, or use query")
                                : PluginStorageException.misuse(call.pluginId(), "storage-too-many-rows",
                                                                method + " returned more than " + limit + " rows; add a LIMIT "
                                                                + "and read the rows page by page");
                    }
                    rows.add(PluginRow.read(rs, meta));
                }
            }
            return rows;
        }
    }

    private PreparedStatement statement(CallConnection c, String sql, Object[] values) throws SQLException {
        PreparedStatement statement = c.prepare(sql);
        try {
            if (transaction.isPresent()) {
                // The plugin's SQL may have lifted the server's timeout earlier in the transaction; then the driver
                // cancels the statement itself. A call's single statement runs under the timeout the call's start reset
                // (CallConnection), which the server armed before the statement could change it, and the driver's
                // timer (a task on one process-wide java.util.Timer per statement) is spared.
                statement.setQueryTimeout((int) settings.statementTimeout().toSeconds() + 1);
            }
            int first = c.firstParameter(statement);
            for (int i = 0; i < values.length; i++) {
                bind(statement, first + i, values[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setNull(index, Types.NULL);
            case String s -> statement.setString(index, s);
            case Integer n -> statement.setInt(index, n);
            case Long n -> statement.setLong(index, n);
            case Boolean b -> statement.setBoolean(index, b);
            case BigDecimal d -> statement.setBigDecimal(index, d);
            case UUID u -> statement.setObject(index, u);
            case Instant t -> statement.setObject(index, t.atOffset(ZoneOffset.UTC));
            case LocalDate d -> statement.setObject(index, d);
            case byte[] b -> statement.setBytes(index, b);
            case Json j -> {
                PGobject jsonb = new PGobject();
                jsonb.setType("jsonb");
                jsonb.setValue(j.toString());
                statement.setObject(index, jsonb);
            }
            default -> throw new IllegalArgumentException("parameter " + index + " is a " + value.getClass().getName());
        }
    }
}
