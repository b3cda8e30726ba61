package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * One plugin's connections, logged in as the plugin's runtime role, and the discipline every use follows:
 * bind the connection to the call's tenant (through the kernel's own connection), run the plugin's SQL,
 * commit, then in one round trip on the connection itself give up the binding and reset the session
 * ({@link #RELEASE}: no cursor, setting, lock, listener, prepared statement of the plugin's own or sequence
 * state of this call survives it). A connection serves one call at a time, and a binding is written
 * before the first statement of every call, so a call never runs under another call's tenant. A
 * connection whose reset or unbinding failed is unbound by the kernel and closed rather than returned to
 * the pool.
 */
final class PluginPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginPool.class.getName());

    /**
     * The end of every call, one round trip: the connection gives up its binding ({@code vc_guard.release_binding()},
     * which can only remove the caller's own), then everything {@code DISCARD ALL} resets except the plans and the
     * statements the driver prepared (which hold no rows: the tenant is read when a statement runs, never planned in),
     * so the next call does not parse its SQL again. The last result counts statements the plugin's own SQL prepared
     * ({@code PREPARE}); if there are any, {@code DISCARD ALL} follows. The statements run in one implicit
     * transaction: if one fails, none took effect, and the kernel unbinds and closes the connection.
     */
    static final String RELEASE = String.join("; ",
            "SELECT vc_guard.release_binding()",
            "CLOSE ALL",
            "SET SESSION AUTHORIZATION DEFAULT",
            "RESET ALL",
            "UNLISTEN *",
            "SELECT pg_catalog.pg_advisory_unlock_all()",
            "DISCARD TEMP",
            "DISCARD SEQUENCES",
            "SELECT pg_catalog.count(*) FROM pg_catalog.pg_prepared_statements WHERE from_sql");

    /** The work of one call on its bound connection. */
    @FunctionalInterface
    interface SessionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final PluginDatabaseNames names;
    private final HikariDataSource dataSource;
    private final TenantBinder binder;

    PluginPool(PluginDatabaseNames names, HikariDataSource dataSource, TenantBinder binder) {
        this.names = names;
        this.dataSource = dataSource;
        this.binder = binder;
    }

    PluginDatabaseNames names() {
        return names;
    }

    /**
     * Runs work on a connection bound to the tenant: in one transaction when {@code transactional}, else in
     * the connection's auto-commit mode (one statement, one implicit transaction).
     */
    <T> T session(UUID tenantId, boolean transactional, SessionWork<T> work) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new PluginStorageException(503, "storage-unavailable", e.getSQLState() == null ? "" : e.getSQLState(),
                                             "Storage of plugin '" + names.pluginId() + "' has no free database connection: "
                                             + PluginStorageException.databaseMessage(e));
        }
        boolean reusable = true;
        int pid = -1;
        try {
            pid = TenantBinder.backendPid(connection);
            try {
                binder.bind(pid, names.runtimeRole(), tenantId);
            } catch (SQLException e) {
                throw new PluginStorageException(503, "storage-unavailable", "", "Storage of plugin '" + names.pluginId()
                                                 + "' is unavailable: the kernel could not record the call's tenant ("
                                                 + PluginStorageException.databaseMessage(e) + ")");
            }
            if (transactional) {
                connection.setAutoCommit(false);
            }
            T result = work.run(connection);
            if (transactional) {
                connection.commit();
            }
            return result;
        } catch (SQLException e) {
            reusable = rollback(connection, transactional);
            throw PluginStorageException.from(names.pluginId(), e);
        } catch (RuntimeException | Error e) {
            reusable = rollback(connection, transactional);
            throw e;
        } finally {
            boolean released = pid >= 0 && reset(connection);
            if (!released && pid >= 0) {
                unbind(pid);
            }
            release(connection, reusable && released);
        }
    }

    private boolean rollback(Connection connection, boolean transactional) {
        if (!transactional) {
            return true;
        }
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Back to auto-commit, the binding given up and nothing of the call's session state left ({@link #RELEASE}).
     * A cursor declared WITH HOLD would otherwise keep one tenant's rows for the next call; settings, advisory
     * locks and listeners would carry over.
     *
     * @return whether the connection is unbound and reset; if not, the caller unbinds it and closes it
     */
    private boolean reset(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            if (connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                // The plugin sent BEGIN and left its transaction open: close the connection, which rolls it back.
                return false;
            }
            long preparedByPlugin = 0;
            try (Statement release = connection.createStatement()) {
                boolean isResult = release.execute(RELEASE);
                while (isResult || release.getUpdateCount() != -1) {
                    if (isResult) {
                        try (ResultSet rs = release.getResultSet()) {
                            // The count is the one number; the other results are the void functions' empty values.
                            if (rs.next() && rs.getObject(1) instanceof Number count) {
                                preparedByPlugin = count.longValue();
                            }
                        }
                    }
                    isResult = release.getMoreResults();
                }
            }
            if (preparedByPlugin > 0) {
                try (Statement discard = connection.createStatement()) {
                    discard.execute("DISCARD ALL");
                }
            }
            return true;
        } catch (SQLException e) {
            LOG.fine(() -> "Could not reset a connection of plugin '" + names.pluginId() + "' ("
                           + PluginStorageException.databaseMessage(e) + "); closing it");
            return false;
        }
    }

    /** The kernel removes the binding of a connection that could not give it up itself (it is closed next). */
    private void unbind(int pid) {
        try {
            binder.unbind(pid);
        } catch (SQLException e) {
            // Closing the connection ends its server process; a binding of an ended process applies to nothing.
            LOG.warning("Could not remove the tenant binding of a connection of plugin '" + names.pluginId() + "' ("
                        + PluginStorageException.databaseMessage(e) + "); closing the connection");
        }
    }

    private void release(Connection connection, boolean reusable) {
        if (reusable) {
            try {
                connection.close();
            } catch (SQLException e) {
                dataSource.evictConnection(connection);
            }
        } else {
            dataSource.evictConnection(connection);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
