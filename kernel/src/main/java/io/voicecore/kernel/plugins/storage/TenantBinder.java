package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.DatabaseLogin;
import org.postgresql.PGConnection;

/**
 * The kernel's side of tenant bindings, over its own small pool (as {@code voicecore_app}): the key with which a plugin
 * connection binds itself to a call's tenant ({@link CallConnection}), the binding of the connection that applies a
 * plugin's migrations to every tenant, and their removal. Plugin roles cannot write {@code vc_guard.connection_tenant}
 * or {@code vc_guard.connection_key}, so nothing a plugin's SQL does can change the tenant its rows are filtered by:
 * {@code vc_guard.current_tenant()} reads the binding of {@code pg_backend_pid()}.
 */
final class TenantBinder implements AutoCloseable {
    private final HikariDataSource pool;

    TenantBinder(DatabaseLogin admin, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("voicecore-plugin-binder");
        config.setJdbcUrl(admin.jdbcUrl());
        if (!admin.user().isEmpty()) {
            config.setUsername(admin.user());
        }
        if (!admin.password().isEmpty()) {
            config.setPassword(admin.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setConnectionInitSql("SET ROLE " + Database.APP_ROLE);
        this.pool = new HikariDataSource(config);
    }

    /** The server process id of a connection (known to the driver; no round trip). */
    static int backendPid(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    /** Binds the process to one tenant, replacing whatever binding it had. */
    void bind(int pid, String role, UUID tenantId) throws SQLException {
        write(pid, role, tenantId);
    }

    /** Lets the process see and change every tenant's rows: only for the connection that applies a plugin's migrations. */
    void bindAllTenants(int pid, String role) throws SQLException {
        write(pid, role, null);
    }

    /**
     * Records the hash of the key with which the process may bind itself ({@code vc_guard.bind_tenant}), replacing
     * the key of an ended process that had the same id.
     */
    void registerKey(int pid, String role, byte[] keyHash) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO vc_guard.connection_key (pid, role, key_hash, registered_at) VALUES (?, ?, ?, now()) "
                    + "ON CONFLICT (pid) DO UPDATE SET role = excluded.role, key_hash = excluded.key_hash, "
                    + "registered_at = excluded.registered_at")) {
                upsert.setInt(1, pid);
                upsert.setString(2, role);
                upsert.setBytes(3, keyHash);
                upsert.executeUpdate();
            }
            // Connections that ended keep their rows (an idle connection stays bound until its next call); a new
            // connection is the moment to clear them, so the tables stay as small as the live connections.
            removeStale(c);
        }
    }

    /** Removes the process's binding and key; its statements then see no tenant's rows, and it cannot bind itself again. */
    void unbind(int pid) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement delete = c.prepareStatement(
                     "WITH keys AS (DELETE FROM vc_guard.connection_key WHERE pid = ?) "
                     + "DELETE FROM vc_guard.connection_tenant WHERE pid = ?")) {
            delete.setInt(1, pid);
            delete.setInt(2, pid);
            delete.executeUpdate();
        }
    }

    /** Removes bindings and keys of processes that no longer exist (connections closed, or a kernel node that stopped). */
    int removeStale() throws SQLException {
        try (Connection c = pool.getConnection()) {
            return removeStale(c);
        }
    }

    private static int removeStale(Connection c) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "WITH keys AS (DELETE FROM vc_guard.connection_key k WHERE NOT EXISTS "
                + "(SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = k.pid)) "
                + "DELETE FROM vc_guard.connection_tenant b WHERE NOT EXISTS "
                + "(SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = b.pid)")) {
            return delete.executeUpdate();
        }
    }

    private void write(int pid, String role, UUID tenantId) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement upsert = c.prepareStatement(
                     "INSERT INTO vc_guard.connection_tenant (pid, role, tenant_id, all_tenants, bound_at) VALUES (?, ?, ?, ?, now()) "
                     + "ON CONFLICT (pid) DO UPDATE SET role = excluded.role, tenant_id = excluded.tenant_id, "
                     + "all_tenants = excluded.all_tenants, bound_at = excluded.bound_at")) {
            upsert.setInt(1, pid);
            upsert.setString(2, role);
            if (tenantId == null) {
                upsert.setNull(3, Types.OTHER);
            } else {
                upsert.setObject(3, tenantId);
            }
            upsert.setBoolean(4, tenantId == null);
            upsert.executeUpdate();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
