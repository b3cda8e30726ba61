package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
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
 * commit, reset the session ({@code DISCARD ALL}: no cursor, setting, lock, listener, prepared statement or
 * sequence state of this call survives it) and remove the binding. A connection serves one call at a time, and a binding is written
 * before the first statement of every call, so a call never runs under another call's tenant. A
 * connection whose reset or unbinding failed is closed rather than returned to the pool.
 */
final class PluginPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginPool.class.getName());

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
            reusable &= reset(connection);
            if (pid >= 0) {
                reusable &= unbind(pid);
            }
            release(connection, reusable);
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
     * Back to auto-commit, and nothing of the call's session state left ({@code DISCARD ALL}). A cursor
     * declared WITH HOLD would otherwise keep one tenant's rows for the next call; settings, advisory locks
     * and listeners would carry over. The driver notices that its server-side prepared statements are gone.
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
            try (Statement discard = connection.createStatement()) {
                discard.execute("DISCARD ALL");
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private boolean unbind(int pid) {
        try {
            binder.unbind(pid);
            return true;
        } catch (SQLException e) {
            // Closing the connection ends its server process; a binding of an ended process applies to nothing.
            LOG.warning("Could not remove the tenant binding of a connection of plugin '" + names.pluginId() + "' ("
                        + PluginStorageException.databaseMessage(e) + "); closing the connection");
            return false;
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
