package io.voicecore.kernel.storage;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

/**
 * The kernel's access to PostgreSQL: Helidon DB Client over a HikariCP pool whose connections
 * run as the unprivileged {@code voicecore_app} role, so row-level security applies to everything
 * the application does. All work happens in a transaction opened for one {@link TenantScope}.
 */
public final class Database implements AutoCloseable {
    /** The role application connections switch to; it owns nothing, so RLS cannot be bypassed. */
    public static final String APP_ROLE = "voicecore_app";

    private final HikariDataSource dataSource;
    private final DbClient client;

    Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.client = JdbcClientBuilder.create().connectionPool(new HikariConnectionPool(dataSource)).build();
    }

    /** Runs work in one transaction that sees only the given tenant's rows; commits on success. */
    public <T> T inTenant(UUID tenantId, Function<DbTransaction, T> work) {
        return inScope(TenantScope.tenant(tenantId), work);
    }

    /** Runs work in one transaction that sees every tenant's rows (platform administration). */
    public <T> T inPlatform(Function<DbTransaction, T> work) {
        return inScope(TenantScope.platform(), work);
    }

    public <T> T inScope(TenantScope scope, Function<DbTransaction, T> work) {
        DbTransaction tx = client.transaction();
        try {
            switch (scope) {
                case TenantScope.Tenant t -> tx.get("SELECT set_config('voicecore.scope', 'tenant', true), "
                                                    + "set_config('voicecore.tenant_id', ?, true)", t.tenantId().toString());
                case TenantScope.Platform p -> tx.get("SELECT set_config('voicecore.scope', 'platform', true), "
                                                      + "set_config('voicecore.tenant_id', '', true)");
            }
            T result = work.apply(tx);
            tx.commit();
            return result;
        } catch (RuntimeException | Error e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** Runs a query and maps every row, closing the result set. */
    public static <T> List<T> list(DbExecute tx, Function<DbRow, T> mapper, String sql, Object... params) {
        try (Stream<DbRow> rows = tx.query(sql, params)) {
            return rows.map(mapper).toList();
        }
    }

    public static <T> Optional<T> first(DbExecute tx, Function<DbRow, T> mapper, String sql, Object... params) {
        return tx.get(sql, params).map(mapper);
    }

    public static UUID uuid(DbRow row, String column) {
        return row.column(column).get(UUID.class);
    }

    /** The column as text, or {@code null} for SQL NULL. */
    public static String text(DbRow row, String column) {
        // DbColumn.get() throws on SQL NULL; asOptional() reports it as empty.
        Object value = row.column(column).asOptional().orElse(null);
        return value == null ? null : value.toString();
    }

    /** The column as an instant, or {@code null} for SQL NULL. */
    public static Instant instant(DbRow row, String column) {
        Object value = row.column(column).asOptional().orElse(null);
        return switch (value) {
            case null -> null;
            case Timestamp ts -> ts.toInstant();
            case OffsetDateTime odt -> odt.toInstant();
            case Instant i -> i;
            default -> throw new IllegalStateException("column " + column + " is not a timestamp: " + value.getClass());
        };
    }

    /** A timestamp parameter PostgreSQL's driver binds as {@code timestamptz}. */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
    }

    /** Whether a failure was caused by a unique constraint, e.g. a duplicate slug. */
    public static boolean isUniqueViolation(Throwable failure) {
        return hasSqlState(failure, "23505");
    }

    static boolean hasSqlState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Checks that a connection can be had and answers; used by readiness. */
    public boolean ping() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
        dataSource.close();
    }
}
