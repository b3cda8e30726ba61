package io.voicecore.kernel.plugins.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * One plugin's connections, logged in as the plugin's runtime role, and the discipline every use follows. A call's
 * first statement carries {@code vc_guard.begin_call} in front of it, in its round trip ({@link CallConnection}): the
 * session state the connection's previous call left is reset (no cursor, setting, lock, listener, prepared statement
 * of the plugin's own or sequence state survives) and the connection is bound to the call's tenant, with a key only
 * the kernel knows. A connection serves one call at a time, and no statement of a call runs before its binding, so a
 * call never runs under another call's tenant. Between calls a connection keeps the last call's binding and session
 * state; nothing runs on it until the next call begins. A call whose SQL named advisory locks is reset at its end
 * instead (a session lock must not outlive its call), and a connection left inside a transaction, or whose reset
 * failed, is unbound by the kernel and closed rather than returned to the pool.
 */
final class PluginPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginPool.class.getName());
    private static final SecureRandom KEYS = new SecureRandom();

    /** The end of a call that must not keep its session state until the next one: reset, and the binding given up. */
    static final String END_CALL = "SELECT vc_guard.end_call()";

    /** The work of one call on its connection. */
    @FunctionalInterface
    interface SessionWork<T> {
        T run(CallConnection connection) throws SQLException;
    }

    private final PluginDatabaseNames names;
    private final HikariDataSource dataSource;
    private final TenantBinder binder;
    /** Each open connection's binding key, by the driver's connection (pooled connections are proxies of it). */
    private final Map<BaseConnection, byte[]> keys = Collections.synchronizedMap(new WeakHashMap<>());

    PluginPool(PluginDatabaseNames names, HikariDataSource dataSource, TenantBinder binder) {
        this.names = names;
        this.dataSource = dataSource;
        this.binder = binder;
    }

    PluginDatabaseNames names() {
        return names;
    }

    /**
     * Runs work on a connection of the pool for the tenant: in one transaction when {@code transactional}, else in
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
        CallConnection call = null;
        try {
            pid = TenantBinder.backendPid(connection);
            call = new CallConnection(connection, tenantId, key(connection, pid), transactional);
            if (transactional) {
                connection.setAutoCommit(false);
            }
            T result = work.run(call);
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
            boolean ended = pid >= 0 && end(connection, call);
            if (!ended && pid >= 0) {
                unbind(connection, pid);
            }
            release(connection, reusable && ended);
        }
    }

    /** The connection's key, made and registered with the kernel on its first call. */
    private byte[] key(Connection connection, int pid) throws SQLException {
        BaseConnection driverConnection = connection.unwrap(BaseConnection.class);
        byte[] key = keys.get(driverConnection);
        if (key != null) {
            return key;
        }
        key = new byte[32];
        KEYS.nextBytes(key);
        try {
            binder.registerKey(pid, names.runtimeRole(), MessageDigest.getInstance("SHA-256").digest(key));
        } catch (SQLException e) {
            throw new PluginStorageException(503, "storage-unavailable", "", "Storage of plugin '" + names.pluginId()
                                             + "' is unavailable: the kernel could not register a connection ("
                                             + PluginStorageException.databaseMessage(e) + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        keys.put(driverConnection, key);
        return key;
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
     * Back to auto-commit and, when the call's SQL named advisory locks, reset and unbound at once ({@link #END_CALL});
     * otherwise the next call's start resets it.
     *
     * @return whether the connection may serve another call; if not, the caller unbinds it and closes it
     */
    private boolean end(Connection connection, CallConnection call) {
        if (call == null) {
            return false;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            if (connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                // A transaction the driver does not know of is open: close the connection, which rolls it back.
                return false;
            }
            if (call.used() && call.namesAdvisoryLocks()) {
                try (Statement end = connection.createStatement()) {
                    end.execute(END_CALL);
                }
            }
            return true;
        } catch (SQLException e) {
            LOG.fine(() -> "Could not end a call on a connection of plugin '" + names.pluginId() + "' ("
                           + PluginStorageException.databaseMessage(e) + "); closing it");
            return false;
        }
    }

    /** The kernel removes the binding and key of a connection it is about to close. */
    private void unbind(Connection connection, int pid) {
        try {
            keys.remove(connection.unwrap(BaseConnection.class));
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
